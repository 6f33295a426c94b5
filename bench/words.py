"""Benchmark: the words check against labelled captions (docs/practice.md §6).

Reads ``tests/data/words/captions.<lang>.tsv`` (the corpus the rules were tuned on; sets
that were once unseen join it after they have been measured, with a comment giving the
figure they had), ``heldout.<lang>.tsv`` (written after an earlier freeze of the rules)
and any ``unseen*.<lang>.tsv`` (written by another author after the last change of the
rules and measured once: how the rules generalise to phrasings nobody tuned them for; the
tests assert the targets on the first two only).
Each row is ``label<TAB>rule-or-tag<TAB>caption``: a ``deficit`` caption must be flagged
for the rule named; a ``strength`` caption must pass (its tag names the exception it
exercises: a negated strength, "but" inside a word, quoted baby speech, a name...).

Prints, per set: for each rule, recall (its deficit captions flagged for that rule),
recall of any flag, and precision (of the captions where that rule fired, the share that
are deficit captions); then overall recall of deficit framing, false flags on strengths,
and precision. Targets: recall >= 0.95, false flags <= 5 %. Deterministic.

Run: ``.venv/bin/python bench/words.py`` (every set), or give TSV files of the same form
(``label<TAB>rule-or-tag<TAB>caption``, language from the name: ``mine.en.tsv``) to
measure only those; ``--help`` says so. Exit 1 when a set misses the targets.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from attune.core.words import WordRule, check_caption

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "words"
RECALL_TARGET = 0.95
FALSE_FLAG_TARGET = 0.05


@dataclass(frozen=True)
class Row:
    label: str  # "deficit" or "strength"
    tag: str  # the rule a deficit caption must trip; the exception a strength exercises
    text: str
    language: str


@dataclass(frozen=True)
class Figures:
    deficits: int
    strengths: int
    recall: float  # deficit captions flagged (for any rule)
    false_flags: float  # strength captions flagged
    precision: float  # flagged captions that are deficit
    rule_recall: float  # deficit captions flagged for the rule named
    per_rule: dict[str, tuple[int, float, float, float]]  # n, recall, any-flag, precision
    misses: list[Row]
    false: list[tuple[Row, list[str]]]


def read_rows(path: Path) -> list[Row]:
    language = path.name.split(".")[1]
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, tag, text = line.split("\t", 2)
        if label not in {"deficit", "strength"}:
            raise ValueError(f"{path.name}: unknown label {label!r} in {line!r}")
        if label == "deficit" and tag not in {r.value for r in WordRule}:
            raise ValueError(f"{path.name}: unknown rule {tag!r} in {line!r}")
        rows.append(Row(label, tag, text, language))
    return rows


def measure(rows: list[Row]) -> Figures:
    deficits = [r for r in rows if r.label == "deficit"]
    strengths = [r for r in rows if r.label == "strength"]
    fired: dict[int, set[str]] = {}
    for i, row in enumerate(rows):
        result = check_caption(row.text, row.language)
        fired[i] = {str(f.rule) for f in result.findings}
    index = {id(r): i for i, r in enumerate(rows)}
    misses = [r for r in deficits if not fired[index[id(r)]]]
    false = [(r, sorted(fired[index[id(r)]])) for r in strengths if fired[index[id(r)]]]
    flagged = [r for r in rows if fired[index[id(r)]]]
    per_rule: dict[str, tuple[int, float, float, float]] = {}
    rules = sorted({r.tag for r in deficits} | {k for v in fired.values() for k in v})
    for rule in rules:
        labelled = [r for r in deficits if r.tag == rule]
        hit = sum(1 for r in labelled if rule in fired[index[id(r)]])
        anyflag = sum(1 for r in labelled if fired[index[id(r)]])
        firing = [r for r in rows if rule in fired[index[id(r)]]]
        precision = (sum(1 for r in firing if r.label == "deficit") / len(firing)
                     if firing else float("nan"))
        n = len(labelled)
        per_rule[rule] = (n, hit / n if n else float("nan"),
                          anyflag / n if n else float("nan"), precision)
    rule_hits = sum(1 for r in deficits if r.tag in fired[index[id(r)]])
    return Figures(
        deficits=len(deficits), strengths=len(strengths),
        recall=1 - len(misses) / len(deficits) if deficits else float("nan"),
        false_flags=len(false) / len(strengths) if strengths else float("nan"),
        precision=(sum(1 for r in flagged if r.label == "deficit") / len(flagged)
                   if flagged else float("nan")),
        rule_recall=rule_hits / len(deficits) if deficits else float("nan"),
        per_rule=per_rule, misses=misses, false=false,
    )


def report(name: str, figures: Figures) -> list[str]:
    lines = [f"== {name}: {figures.deficits} deficit, {figures.strengths} strength captions",
             f"{'rule':<12} {'n':>4} {'recall':>7} {'any flag':>9} {'precision':>10}"]
    for rule, (n, recall, anyflag, precision) in figures.per_rule.items():
        lines.append(f"{rule:<12} {n:>4} {recall:>7.2f} {anyflag:>9.2f} {precision:>10.2f}")
    ok = (figures.recall >= RECALL_TARGET and figures.false_flags <= FALSE_FLAG_TARGET)
    lines += [
        f"overall: recall of deficit framing {figures.recall:.3f} (target >= {RECALL_TARGET}); "
        f"flagged for the named rule {figures.rule_recall:.3f}",
        f"         false flags on strengths {figures.false_flags:.3f} "
        f"(target <= {FALSE_FLAG_TARGET}); precision {figures.precision:.3f}; "
        f"{'meets the targets' if ok else 'MISSES the targets'}",
    ]
    lines += [f"  missed [{r.tag}]: {r.text}" for r in figures.misses]
    lines += [f"  false flag {rules} [{r.tag}]: {r.text}" for r, rules in figures.false]
    return lines


def sets() -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for kind, pattern in (("captions", "captions.*.tsv"), ("heldout", "heldout.*.tsv"),
                          ("unseen", "unseen*.*.tsv")):
        for path in sorted(DATA.glob(pattern)):
            out[path.name] = read_rows(path)
        rows = [r for p in sorted(DATA.glob(pattern)) for r in read_rows(p)]
        if rows:
            out[f"{kind} (all languages)"] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="The words check against labelled captions: recall and precision per "
                    "rule and overall, recall of deficit framing and false flags on "
                    f"strengths (targets: recall >= {RECALL_TARGET}, false flags <= "
                    f"{FALSE_FLAG_TARGET:.0%}).")
    parser.add_argument("files", nargs="*", type=Path,
                        help="TSV files to measure (label<TAB>rule-or-tag<TAB>caption; the "
                             "language is the name's second part, e.g. mine.en.tsv); "
                             "default: captions.*.tsv, heldout.*.tsv and unseen*.*.tsv in "
                             "tests/data/words")
    args = parser.parse_args(argv)
    chosen = {p.name: read_rows(p) for p in args.files} if args.files else sets()
    missed = False
    for name, rows in chosen.items():
        figures = measure(rows)
        print("\n".join(report(name, figures)), end="\n\n")
        missed |= not (figures.recall >= RECALL_TARGET
                       and figures.false_flags <= FALSE_FLAG_TARGET)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
