"""Many coders on one clip, pinned to the published examples: Fleiss (1971) and
Krippendorff (2011) example C, each turned into coders' events, one moment per subject."""

from __future__ import annotations

import pytest

from attune.analysis.agreement import (
    Flag,
    agreement_report,
    group_agreement,
    krippendorff_alpha,
)
from attune.core.events import Event
from attune.core.scheme import Scheme
from attune.errors import InputError

from ._build import ev, published

# a moment every 10 s; each published category becomes a cue code
CODE = {1: "C01", 2: "C02", 3: "C03", 4: "C04", 5: "C05"}


def _events(rows: list[list[int | None]], jitter_ms: int = 0) -> dict[str, list[Event]]:
    """Coders x subjects → each coder's cues (None: the coder did not mark it)."""
    return {f"coder {i + 1}": [ev(CODE[x], 10_000 * u + (i * jitter_ms) % 700)
                               for u, x in enumerate(row) if x is not None]
            for i, row in enumerate(rows)}


def test_fleiss_1971_from_six_coders_events() -> None:
    example = published("fleiss_kappa_examples.json")["examples"][0]
    subjects_by_raters = example["ratings"]
    coders = [list(col) for col in zip(*subjects_by_raters, strict=True)]
    g = group_agreement(_events(coders, jitter_ms=130), clip_duration_ms=300_000)
    assert g.moments == 30
    expected = example["expected"]["kappa"]
    assert g.fleiss_kappa.value == pytest.approx(expected["value"], abs=expected["tol"])
    assert g.flag == Flag.RED  # .43 < .60
    assert g.note.sentence.startswith("Red for the same moments: Fleiss' kappa 0.43 is "
                                      "below .60")


def test_krippendorff_example_c_from_four_coders_events() -> None:
    example = published("krippendorff_alpha_examples.json")["examples"][0]
    data = example["reliability_data"]
    g = group_agreement(_events(data, jitter_ms=90), clip_duration_ms=130_000)
    expected = example["expected"]["nominal"]
    assert g.moments == 12
    assert g.alpha.value == pytest.approx(expected["precise"], abs=1e-9)
    assert g.marked == {"coder 1": 9, "coder 2": 11, "coder 3": 10, "coder 4": 11}


def test_two_coders_agree_with_the_two_coder_report(scheme: Scheme) -> None:
    a = [ev("C01", 1000), ev("C02", 5000), ev("C07", 9000), ev("R04", 1500, 3000)]
    b = [ev("C01", 1400), ev("C03", 5200), ev("R04", 1700, 2600), ev("C10", 14_000)]
    g = group_agreement({"ann": a, "bo": b}, gold="ann", scheme=scheme,
                        clip_duration_ms=16_000)
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=16_000)
    assert g.alpha.value == pytest.approx(r.alpha.value)
    assert g.moments == r.detection.matched + r.detection.unmatched_a + \
        r.detection.unmatched_b
    assert g.versus_gold["bo"].event_kappa.value == pytest.approx(r.event_kappa.value)
    # the time-unit alpha of a lane equals alpha over that lane's sampled states
    assert g.lanes[0].alpha.value is not None


def test_a_group_on_one_gold_clip_compares_every_trainee(scheme: Scheme) -> None:
    gold = [ev("C01", 1000), ev("C02", 5000), ev("C04", 9000)]
    coders = {"gold": gold,
              "amy": [ev("C01", 1100), ev("C02", 5100), ev("C04", 9100)],
              "ben": [ev("C01", 900), ev("C03", 5000)],
              "cat": [ev("C05", 1000), ev("C02", 4800), ev("C04", 9300), ev("C10", 12_000)]}
    g = group_agreement(coders, gold="gold", scheme=scheme, clip_duration_ms=15_000)
    assert g.coders == ("gold", "amy", "ben", "cat")
    assert set(g.versus_gold) == {"amy", "ben", "cat"}
    assert g.versus_gold["amy"].event_kappa.value == pytest.approx(1.0)
    assert g.versus_gold["ben"].detection.unmatched_a == 1
    assert g.moments == 4
    # alpha over the moments = alpha of the coders x moments table
    table = [["C01", "C02", "C04", None], ["C01", "C02", "C04", None],
             ["C01", "C03", None, None], ["C05", "C02", "C04", "C10"]]
    assert g.alpha.value == pytest.approx(krippendorff_alpha(table))


def test_bad_groups_say_what_to_do() -> None:
    with pytest.raises(InputError, match="at least two coders"):
        group_agreement({"ann": [ev("C01", 0)]})
    with pytest.raises(InputError, match="has not coded this clip"):
        group_agreement({"ann": [], "bo": []}, gold="cy")
    g = group_agreement({"ann": [], "bo": []}, clip_duration_ms=5000)
    assert g.fleiss_kappa.value is None and g.flag is None
    assert "nobody marked any event" in (g.fleiss_kappa.reason or "")
