"""What the Tallies page shows: a clip's tallies, a family's progress over sessions
(charts), the parent-facing sentences and the exports (docs/practice.md §5 and §6).

The practitioner-only figures (N01-N03, unanswered cues, proportion answered) are kept
in their own functions and columns so that the page can leave them out entirely when a
parent is watching (``Audience.PARENT``). Nothing here imports Streamlit; charts are
Altair specifications the page hands to ``st.altair_chart``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd

from attune.analysis.contingency import ContingencyReport, VisitContingency
from attune.analysis.sentences import progress_sentences
from attune.analysis.tallies import (  # noqa: F401  (the parent's words: one place)
    PARENT_WORDS_COLUMNS,
    Audience,
    ClipTallies,
    ParentTallies,
    PractitionerFigures,
    parent_words_frame,
    session_tallies,
)
from attune.core.accounts import User
from attune.core.clip import clip_label
from attune.core.family import Family
from attune.core.pronouns import Pronoun
from attune.core.scheme import POTENCY_WORDS, VALENCE_WORDS, VIG_PRINCIPLES
from attune.interchange.tables import frame_csv_bytes, frame_xlsx_bytes
from attune.services import Context
from attune.services.analysis import FamilyCoding
from attune.services.families import get_family, processed_clips

#: Less empty space above the page title, so a laptop screen (1366x768) shows more.
COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem; padding-bottom: 2rem; }
</style>"""
#: The supervisor's re-scoring windows: one window for every valence (None: the scheme's).
WINDOW_CHOICES: dict[str, int | None] = {
    "The scheme's own windows": None,
    "1 second (immediate answers only)": 1000,
    "2 seconds": 2000,
    "3 seconds": 3000,
}
#: Kinds of cue and their potency in practitioners' words (the scheme stores letters).
VALENCE_WORDS = {**VALENCE_WORDS, **POTENCY_WORDS}
PRINCIPLE_NAMES = {1: "1 being attentive", 2: "2 encouraging initiatives",
                   3: "3 receiving initiatives", 4: "4 developing attuned interactions",
                   5: "5 guiding", 6: "6 deepening / repair"}
#: Per-minute rates charted over sessions: column -> label.
RATES = {"cues_per_minute": "cues seen", "attuned_per_minute": "attuned responses",
         "turns_per_minute": "vocal turns"}
BANDS = ("immediate", "prompt", "delayed", "none")


@dataclass(frozen=True)
class ClipChoice:
    """A clip of the family that has tallies (processed, so it has a length)."""

    clip_id: int
    session_id: int
    held_on: date
    label: str
    duration_ms: int


def family_clips(ctx: Context, user: User, code: str) -> tuple[Family, list[ClipChoice]]:
    """The family (access checked) and its processed clips, oldest session first."""
    family = get_family(ctx, user, code)
    out = [ClipChoice(c.id, c.session_id, s.held_on, clip_label(c, s.held_on),
                      int(c.duration_ms or 0))
           for c, s in processed_clips(ctx, user, family)]
    return family, sorted(out, key=lambda c: (c.held_on, c.session_id, c.clip_id))


def clip_figures(t: ParentTallies) -> list[tuple[str, str]]:
    """(label, value) of the figures a parent may hear about, short enough for
    ``st.metric`` on a laptop screen (details in :func:`clip_details`)."""
    median = t.latency.median_ms
    return [
        ("Cues seen", str(t.cues)),
        ("Cues per minute", f"{t.cues_per_minute:.1f}"),
        ("Attuned responses", str(t.attuned_responses)),
        ("Median answer", "-" if median is None else f"{median / 1000:.1f} s"),
        ("Subtle answered", str(t.subtle_cues_answered)),
        ("Breaks given", str(t.breaks_given)),
        ("Vocal turns", str(t.turns.turns)),
        ("Complete chains", str(t.complete_chains)),
    ]


def parent_figures(t: ParentTallies) -> list[tuple[str, str]]:
    """(label, value) of what a parent watching may see, in their words."""
    return [
        ("Moments you noticed and answered", str(t.attuned_responses)),
        ("Small signals you spotted", str(t.subtle_cues_answered)),
        ("Breaks you gave", str(t.breaks_given)),
        ("Turns in conversation", str(t.turns.turns)),
    ]


def clip_details(t: ParentTallies) -> str:
    """One line with what the metrics leave out: the spread of answer times, the longest
    run, the windows used."""
    lat = t.latency
    spread = "" if lat.q1_ms is None or lat.q3_ms is None else (
        f"half of the answers came between {lat.q1_ms / 1000:.1f} and "
        f"{lat.q3_ms / 1000:.1f} s after the cue · ")
    windows = ", ".join(f"{VALENCE_WORDS.get(k, k)} {v / 1000:g} s"
                        for k, v in t.windows_ms.items())
    return (f"{spread}longest back-and-forth {t.turns.longest_back_and_forth} · "
            f"{t.turns.turns_per_minute:.1f} turns per minute · answer windows: {windows}")


def practitioner_figures(f: PractitionerFigures) -> list[tuple[str, str]]:
    """(label, value) of the practitioner-only figures: never for a parent."""
    share = f.proportion_answered
    return [
        *((code, str(n)) for code, n in f.n_codes.items()),
        ("Unanswered cues", str(f.unanswered_cues)),
        ("Cues open at the clip's end", str(f.cues_open_at_end)),
        ("Proportion answered", "-" if share is None else f"{share:.0%}"),
        ("Responses without a cue", str(f.responses_without_cue)),
        ("Responses not attuned", str(f.responses_not_attuned)),
    ]


def clip_breakdown(t: ParentTallies) -> pd.DataFrame:
    """Cues by valence and potency, and attuned responses by band, as one small table."""
    rows = [{"what": f"cues: {VALENCE_WORDS.get(k, k)}", "count": v}
            for k, v in t.cues_by_valence.items()]
    rows += [{"what": f"cues: {VALENCE_WORDS.get(k, k)}", "count": v}
             for k, v in t.cues_by_potency.items()]
    rows += [{"what": f"answered {k}", "count": t.attuned_by_band.get(k, 0)} for k in BANDS]
    return pd.DataFrame(rows)


_COLUMN_WORDS = {
    "session": "Session", "date": "Date", "clips": "Clips", "duration_ms": "Length (ms)",
    "minutes": "Minutes", "cues": "Cues seen", "cues_per_minute": "Cues per minute",
    "attuned_responses": "Attuned responses", "attuned_per_minute": "Attuned per minute",
    "latency_median_ms": "Time to answer, median (ms)",
    "latency_q1_ms": "Time to answer, lower quartile (ms)",
    "latency_q3_ms": "Time to answer, upper quartile (ms)",
    "latency_iqr_ms": "Time to answer, spread of the middle half (ms)",
    "subtle_cues_answered": "Subtle cues answered", "breaks_given": "Breaks given",
    "turns": "Vocal turns", "turns_per_minute": "Vocal turns per minute",
    "longest_back_and_forth": "Longest back-and-forth", "complete_chains": "Complete chains",
    "responses": "Responses", "responses_without_cue": "Responses without a cue",
    "responses_not_attuned": "Responses not attuned", "cues_answered": "Cues answered",
    "unanswered_cues": "Unanswered cues", "cues_open_at_end": "Cues open at the clip's end",
    "proportion_answered": "Proportion answered",
}


def column_words(name: str) -> str:
    """A tallies column's name on screen (the exports keep the data names).

    >>> column_words("cues_E_per_minute"), column_words("band_prompt")
    ('Cues per minute: engagement', 'Attuned, prompt')
    """
    if name in _COLUMN_WORDS:
        return _COLUMN_WORDS[name]
    parts = name.split("_")
    if parts[0] == "cues" and len(parts) >= 2 and parts[1] in VALENCE_WORDS:
        rate = " per minute" if name.endswith("_per_minute") else ""
        return f"Cues{rate}: {VALENCE_WORDS[parts[1]]}"
    if name.startswith("all_responses_band_"):
        return f"All responses, {name.removeprefix('all_responses_band_')}"
    if name.startswith("band_"):
        return f"Attuned, {name.removeprefix('band_')}"
    if name.startswith("principle_") and name[-1].isdigit():
        return f"Principle {PRINCIPLE_NAMES.get(int(name[-1]), name[-1])}"
    return name


def readable_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its columns named for people (for the table on screen)."""
    return frame.rename(columns={c: column_words(str(c)) for c in frame.columns})


def parent_words_chart(words: pd.DataFrame) -> alt.Chart:
    """The parent's own progress over visits: counts of what went well, nothing else."""
    long = words.assign(Visit=words["Visit"].astype(str)).melt(
        id_vars="Visit", var_name="what", value_name="count")
    return alt.Chart(long, title="What went well, visit by visit").mark_bar().encode(
        x=alt.X("Visit:N", title=None, sort=None, axis=_X_AXIS),
        xOffset=alt.XOffset("what:N"),
        y=alt.Y("count:Q", title=None),
        color=alt.Color("what:N", title=None, legend=_LEGEND),
        tooltip=["Visit", "what", "count"])


# ------------------------------------------------------------------------- charts
def _session_axis(frame: pd.DataFrame) -> pd.Series:
    """The session's date (short enough for an axis), with the session's id when two
    sessions share a day."""
    dates = frame["date"].astype(str)
    twice = dates.duplicated(keep=False)
    return dates.where(~twice, dates + " #" + frame["session"].astype(str))


def rates_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-minute rates over sessions, long form: session, measure, per_minute."""
    base = pd.DataFrame({"session": _session_axis(frame)})
    parts = [base.assign(measure=label, per_minute=frame[col].astype(float).round(2))
             for col, label in RATES.items() if col in frame.columns]
    return pd.concat(parts, ignore_index=True)


def principles_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Attuned responses per VIG principle and session, long form."""
    base = pd.DataFrame({"session": _session_axis(frame)})
    parts = [base.assign(principle=PRINCIPLE_NAMES[p],
                         count=frame[f"principle_{p}"].astype(int))
             for p in VIG_PRINCIPLES if f"principle_{p}" in frame.columns]
    return pd.concat(parts, ignore_index=True)


def bands_long(frame: pd.DataFrame) -> pd.DataFrame:
    """Attuned responses per latency band and session, long form."""
    base = pd.DataFrame({"session": _session_axis(frame)})
    parts = [base.assign(band=b, count=frame[f"band_{b}"].astype(int))
             for b in BANDS if f"band_{b}" in frame.columns]
    return pd.concat(parts, ignore_index=True)


_X_AXIS = alt.Axis(labelAngle=0, labelLimit=120)
_LEGEND = alt.Legend(orient="bottom", columns=1, labelLimit=260)


def rates_chart(frame: pd.DataFrame) -> alt.Chart:
    data = rates_long(frame)
    return alt.Chart(data, title="Per minute, by session").mark_line(point=True).encode(
        x=alt.X("session:N", title=None, sort=None, axis=_X_AXIS),
        y=alt.Y("per_minute:Q", title="per minute"),
        color=alt.Color("measure:N", title=None, legend=_LEGEND),
        tooltip=["session", "measure", "per_minute"])


def principles_chart(frame: pd.DataFrame) -> alt.Chart:
    data = principles_long(frame)
    return alt.Chart(data, title="Attuned responses by principle").mark_bar().encode(
        x=alt.X("session:N", title=None, sort=None, axis=_X_AXIS),
        xOffset=alt.XOffset("principle:N", sort=list(PRINCIPLE_NAMES.values())),
        y=alt.Y("count:Q", title="count"),
        color=alt.Color("principle:N", title=None, sort=list(PRINCIPLE_NAMES.values()),
                        legend=_LEGEND),
        tooltip=["session", "principle", "count"])


def bands_chart(frame: pd.DataFrame) -> alt.Chart:
    data = bands_long(frame)
    return alt.Chart(data, title="How quickly (attuned responses)").mark_bar().encode(
        x=alt.X("session:N", title=None, sort=None, axis=_X_AXIS),
        y=alt.Y("count:Q", title="count", stack="zero"),
        color=alt.Color("band:N", title=None, sort=list(BANDS),
                        scale=alt.Scale(domain=list(BANDS),
                                        range=["#2e7d32", "#66bb6a", "#ffa726", "#bdbdbd"]),
                        legend=alt.Legend(orient="bottom", columns=4)),
        order=alt.Order("band_order:Q"),
        tooltip=["session", "band", "count"]).transform_calculate(
        band_order="indexof(['immediate','prompt','delayed','none'], datum.band)")


# ------------------------------------------------------------------------- beyond chance
#: The time units a practitioner may cut a clip into for the beyond-chance figures.
STEP_CHOICES: dict[str, int] = {"1 second": 1000, "half a second": 500, "2 seconds": 2000}
GROUP_WORDS = {**VALENCE_WORDS, "all": "every cue"}


def _share(k: int, n: int) -> str:
    return "-" if n == 0 else f"{k} of {n} ({k / n:.0%})"


def _p(x: float | None) -> str:
    return "-" if x is None else ("below 0.0001" if x < 0.0001 else f"{x:.4f}")


def contingency_table(report: ContingencyReport) -> pd.DataFrame:
    """One row per group of cues, in practitioners' words (practitioner-only)."""
    rows = []
    for g in report.groups:
        t = g.table
        rows.append({
            "Cues": GROUP_WORDS.get(g.group, g.group),
            "How many": g.cues,
            "Time units in a window with a response": _share(t.a, t.a + t.b),
            "Time units at other times with a response": _share(t.c, t.c + t.d),
            "Yule's Q": "-" if t.yules_q is None else f"{t.yules_q:+.2f}",
            "Fisher p": _p(g.fisher_p),
            "Shift test p": _p(g.permutation_p),
        })
    return pd.DataFrame(rows)


def contingency_parameters(report: ContingencyReport) -> str:
    """The parameters every beyond-chance report states, in one line."""
    p = report.parameters

    def words(w: Mapping[str, int]) -> str:
        return ", ".join(f"{GROUP_WORDS.get(k, k)} {v / 1000:g} s" for k, v in w.items())

    windows = words(p.windows_ms)
    if p.windows_by_scheme:  # clips coded with scheme versions whose windows differ
        windows = "; ".join(f"{_version_words(n)}: {words(w)}"
                            for n, w in p.windows_by_scheme.items())
    versions = ""
    if len(p.schemes) > 1:
        versions = (" · each clip with the scheme version it was coded with ("
                    + ", ".join(_version_words(n) for n in p.schemes) + ")")
    clips = "1 clip" if p.clips == 1 else f"{p.clips} clips"
    return (f"{clips}, {p.duration_ms / 60_000:.1f} min cut into time units of "
            f"{p.step_ms / 1000:g} s{versions} · answer windows: {windows} · a response is "
            "any parent "
            "response except the practitioner-only codes · p-values one-sided (more "
            "responses in the windows than at other times); the shift test slides the "
            "whole response series round each clip by every shift at least as long as the "
            "longest window, so the parent's own rhythm is kept")


def _version_words(name: str) -> str:
    """``"attuned-moments v2"`` as "version 2" (the scheme's own name is an id)."""
    _, _, version = name.rpartition(" v")
    return f"version {version}" if version.isdigit() else name


def contingency_visits_long(visits: Sequence[VisitContingency]) -> pd.DataFrame:
    """Yule's Q per visit and group of cues, long form (groups without a Q left out)."""
    rows = [{"visit": str(v.session_date), "cues": GROUP_WORDS.get(g.group, g.group),
             "yules_q": round(g.yules_q, 3), "shift_p": g.permutation_p}
            for v in visits for g in v.report.groups if g.yules_q is not None]
    return pd.DataFrame(rows, columns=["visit", "cues", "yules_q", "shift_p"])


def contingency_chart(data: pd.DataFrame) -> alt.LayerChart:
    """Practitioner-only: Yule's Q of each visit per group of cues (0 = no more than
    chance), from :func:`contingency_visits_long`."""
    order = [GROUP_WORDS[g] for g in ("E", "D", "X", "all")]
    line = alt.Chart(data, title="Beyond chance, visit by visit (Yule's Q)").mark_line(
        point=True).encode(
        x=alt.X("visit:N", title=None, sort=None, axis=_X_AXIS),
        y=alt.Y("yules_q:Q", title="Yule's Q", scale=alt.Scale(domain=[-1, 1])),
        color=alt.Color("cues:N", title=None, sort=order, legend=_LEGEND),
        tooltip=["visit", "cues", "yules_q", "shift_p"])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
    return line + zero


# ------------------------------------------------------------------------- exports
csv_bytes = frame_csv_bytes  # one place for table files: attune.interchange.tables
xlsx_bytes = frame_xlsx_bytes


# ------------------------------------------------------------------------- parent words
def session_parent_tallies(ctx: Context, user: User, code: str, clips: Sequence[ClipChoice],
                           *, coding: FamilyCoding) -> list[tuple[int, ParentTallies]]:
    """Each session's pooled parent-safe tallies (scheme windows) over ``clips``, oldest
    first, from the family's coding (``coding``, read once for the page)."""
    wanted = {clip.clip_id for clip in clips}
    items = [i for i in coding.items if i.clip_id in wanted]
    held = {clip.session_id: (clip.held_on, clip.session_id) for clip in clips}
    sessions = sorted(session_tallies(items, coding.scheme), key=lambda s: held[s.session_id])
    return [(s.session_id, s.tallies.parent_safe) for s in sessions]


def parent_sentences(sessions: Sequence[tuple[int, ParentTallies]], session_id: int,
                     baby_name: str, pronoun: Pronoun | str = Pronoun.THEY) -> list[str]:
    """What the parent hears about ``session_id``: that session's sentences, then what
    there is more of than in the family's own session before it (never other families,
    never later sessions)."""
    ids = [s for s, _ in sessions]
    if session_id not in ids:
        return []
    upto = [t for _, t in sessions[: ids.index(session_id) + 1]]
    return progress_sentences(upto, baby_name, pronoun)


def audience_of(parent_watching: bool) -> Audience:
    return Audience.PARENT if parent_watching else Audience.PRACTITIONER
