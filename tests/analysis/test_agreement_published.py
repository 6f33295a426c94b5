"""Every statistic pinned to the published worked examples in tests/data/agreement."""

from __future__ import annotations

import csv
import doctest

import numpy as np
import pytest

import attune.analysis.agreement as agreement_module
import attune.analysis.agreement.coefficients as coefficients_module
import attune.analysis.agreement.matching as matching_module
import attune.analysis.agreement.report as report_module
import attune.analysis.sentences as sentences_module
import attune.analysis.tallies as tallies_module
import attune.analysis.turns as turns_module
import attune.core.words as words_module
from attune.analysis.agreement import (
    UndefinedStatisticError,
    category_table,
    cohen_kappa,
    fleiss_kappa,
    icc,
    kappa_from_table,
    krippendorff_alpha,
)
from attune.analysis.agreement.coefficients import icc_clips_needed, icc_interval

from ._build import AGREEMENT_DATA, published


def _labels_from_table(table: list[list[int]]) -> tuple[list[int], list[int]]:
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            a += [i] * n
            b += [j] * n
    return a, b


@pytest.mark.parametrize("weights", ["unweighted", "linear", "quadratic"])
def test_cohen_weighting_example(weights: str) -> None:
    example = published("cohen_kappa_examples.json")["examples"][0]
    expected = example["expected"][weights]
    w = None if weights == "unweighted" else weights
    a, b = _labels_from_table(example["table"])
    assert cohen_kappa(a, b, w) == pytest.approx(expected["value"], abs=expected["tol"])
    assert kappa_from_table(example["table"], w) == pytest.approx(expected["value"],
                                                                  abs=expected["tol"])


def test_fleiss_1971() -> None:
    example = published("fleiss_kappa_examples.json")["examples"][0]
    table, cats = category_table(example["ratings"])
    assert table.sum(axis=0).tolist() == example["expected"]["category_totals"]
    assert cats == [1, 2, 3, 4, 5]
    expected = example["expected"]["kappa"]
    assert fleiss_kappa(table) == pytest.approx(expected["value"], abs=expected["tol"])


def _kripp_examples() -> list[tuple[str, str, dict[str, float], list[list[float | None]]]]:
    out = []
    for example in published("krippendorff_alpha_examples.json")["examples"]:
        for level, expected in example["expected"].items():
            out.append((example["id"], level, expected, example["reliability_data"]))
    return out


@pytest.mark.parametrize(("example_id", "level", "expected", "data"), _kripp_examples(),
                         ids=[f"{e[0]}-{e[1]}" for e in _kripp_examples()])
def test_krippendorff_published(example_id: str, level: str, expected: dict[str, float],
                                data: list[list[float | None]]) -> None:
    value = krippendorff_alpha(data, level)
    assert value == pytest.approx(expected["value"], abs=expected["tol"])
    if "precise" in expected:
        assert value == pytest.approx(expected["precise"], abs=1e-9)


def test_krippendorff_missing_as_nan_same_as_none() -> None:
    data = published("krippendorff_alpha_examples.json")["examples"][0]["reliability_data"]
    as_nan = [[np.nan if x is None else x for x in row] for row in data]
    assert krippendorff_alpha(as_nan) == pytest.approx(krippendorff_alpha(data))


def test_childproject_segments_alpha() -> None:
    # 1-s segments of four annotators: units are onsets, values the speaker type
    with (AGREEMENT_DATA / "childproject_alpha_segments.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    coders = sorted({r["set"] for r in rows})
    units = sorted({int(r["segment_onset"]) for r in rows})
    data: list[list[int | None]] = [[None] * len(units) for _ in coders]
    for r in rows:
        data[coders.index(r["set"])][units.index(int(r["segment_onset"]))] = \
            int(r["speaker_type"])
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.743421052632, abs=1e-9)


FORMS = {"ICC1": "ICC(1,1)", "ICC2": "ICC(2,1)", "ICC3": "ICC(3,1)", "ICC1k": "ICC(1,k)",
         "ICC2k": "ICC(2,k)", "ICC3k": "ICC(3,k)"}


@pytest.mark.parametrize("key", list(FORMS))
def test_icc_wine_all_six_forms(key: str) -> None:
    example = published("icc_examples.json")["examples"][0]
    expected = example["expected"]
    value = icc(example["ratings"], FORMS[key])
    assert value == pytest.approx(expected[key], abs=expected["tol"])
    assert value == pytest.approx(expected["precise_recomputed"][key], abs=5e-5)
    assert icc(example["ratings"], key) == value  # pingouin's names are accepted too


def test_icc_wine_with_a_missing_rating_drops_that_wine() -> None:
    ratings = [list(map(float, r)) for r in published("icc_examples.json")["examples"][0]
               ["ratings"]]
    ratings[3][0] = float("nan")  # wine 4, judge A
    got = [round(icc(ratings, f), 2) for f in FORMS.values()]
    assert got == [0.75, 0.75, 0.75, 0.92, 0.92, 0.92]


def test_mcgraw_wong_names() -> None:
    ratings = published("icc_examples.json")["examples"][0]["ratings"]
    assert icc(ratings, "ICC(A,1)") == icc(ratings, "ICC(2,1)")
    assert icc(ratings, "ICC(C,k)") == icc(ratings, "ICC(3,k)")
    with pytest.raises(ValueError):
        icc(ratings, "ICC(4,1)")


@pytest.mark.parametrize("module", [agreement_module, coefficients_module, matching_module,
                                    report_module, tallies_module, turns_module, sentences_module,
                                    words_module])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


# ------------------------------------------------------------------- degenerate input


def test_degenerate_kappa_is_a_clear_error() -> None:
    with pytest.raises(UndefinedStatisticError, match="same category"):
        cohen_kappa(["a", "a"], ["a", "a"])
    with pytest.raises(UndefinedStatisticError, match="no units"):
        cohen_kappa([], [])
    with pytest.raises(ValueError):
        cohen_kappa(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="missing"):
        cohen_kappa(["a", None], ["a", "b"])
    with pytest.raises(ValueError):
        cohen_kappa(["a", "b"], ["a", "b"], "cubic")


def test_degenerate_alpha_fleiss_icc() -> None:
    with pytest.raises(UndefinedStatisticError, match="no variation"):
        krippendorff_alpha([[1, 1, 1], [1, 1, 1]])
    with pytest.raises(UndefinedStatisticError, match="two coders"):
        krippendorff_alpha([[1, 2, 3]])  # a single coder
    with pytest.raises(UndefinedStatisticError):
        krippendorff_alpha([])
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2], [1, 2]], "cardinal")
    with pytest.raises(ValueError):
        krippendorff_alpha([["a", "b"], ["a", "b"]], "interval")
    with pytest.raises(UndefinedStatisticError):
        fleiss_kappa([[3, 0], [3, 0]])
    with pytest.raises(UndefinedStatisticError):
        icc([[2, 2], [2, 2], [2, 2]])
    with pytest.raises(UndefinedStatisticError, match="2 targets"):
        icc([[1, 2, 3]])


# ------------------------------------------------ ICC: Shrout & Fleiss 1979, intervals

SF_FORMS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")


@pytest.mark.parametrize("form", SF_FORMS)
def test_icc_shrout_fleiss_table_4(form: str) -> None:
    example = published("icc_shrout_fleiss_1979.json")
    expected = example["expected"]
    assert icc(example["ratings"], form) == pytest.approx(expected[form], abs=expected["tol"])


def test_icc_mean_squares_are_shrout_fleiss_table_2() -> None:
    example = published("icc_shrout_fleiss_1979.json")
    ms = coefficients_module._icc_mean_squares(example["ratings"])
    table = example["anova_table_2"]
    got = {"BMS": ms.rows, "WMS": ms.within, "JMS": ms.cols, "EMS": ms.error}
    assert got == {k: pytest.approx(table[k], abs=table["tol"]) for k in got}


@pytest.mark.parametrize("form", ["ICC(1,1)", "ICC(2,1)", "ICC(3,1)"])
def test_icc_interval_shrout_fleiss_data(form: str) -> None:
    # Pinned to pingouin 0.7.0's intraclass_corr run on this data (CI95, three decimals);
    # psych's ICC() (cran/psych R/ICC.R) computes the same limits by the same formulas.
    example = published("icc_shrout_fleiss_1979.json")
    low, high = icc_interval(example["ratings"], form)
    want = example["expected_interval_95"][form]
    tol = example["expected_interval_95"]["tol"]
    assert (low, high) == (pytest.approx(want[0], abs=tol), pytest.approx(want[1], abs=tol))
    assert low < icc(example["ratings"], form) < high


@pytest.mark.parametrize("form", ["ICC(1,1)", "ICC(2,1)", "ICC(3,1)"])
def test_icc_interval_from_the_published_formulas(form: str) -> None:
    """The interval again, written out from the papers' formulas on the mean squares
    published in Shrout & Fleiss's Table 2 (two decimals, so agreeing to about .01):
    ICC(1,1) and ICC(3,1) by F_L = F0 / F(1-a/2; n-1, df2) and F_U = F0 F(1-a/2; df2, n-1),
    limits (F-1)/(F+k-1) (Shrout & Fleiss 1979); ICC(2,1), two-way random and absolute
    agreement, by McGraw & Wong (1996, with its erratum) with Satterthwaite's degrees of
    freedom, as R psych's ICC() writes them out (cran/psych R/ICC.R)."""
    from scipy.stats import f

    example = published("icc_shrout_fleiss_1979.json")
    t = example["anova_table_2"]
    bms, wms, jms, ems, n, k, a = t["BMS"], t["WMS"], t["JMS"], t["EMS"], 6, 4, 0.05
    if form == "ICC(2,1)":
        r = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
        fj = jms / ems
        c = n * (1 + (k - 1) * r) - k * r
        v = (k - 1) * (n - 1) * (k * r * fj + c) ** 2 / ((n - 1) * k**2 * r**2 * fj**2 + c**2)
        f_star, f_2star = f.ppf(1 - a / 2, n - 1, v), f.ppf(1 - a / 2, v, n - 1)
        want = (n * (bms - f_star * ems) / (f_star * (k * jms + (k * n - k - n) * ems)
                                            + n * bms),
                n * (f_2star * bms - ems) / (k * jms + (k * n - k - n) * ems
                                             + n * f_2star * bms))
    else:
        f0, df2 = (bms / wms, n * (k - 1)) if form == "ICC(1,1)" else \
            (bms / ems, (n - 1) * (k - 1))
        fl, fu = f0 / f.ppf(1 - a / 2, n - 1, df2), f0 * f.ppf(1 - a / 2, df2, n - 1)
        want = ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
    got = icc_interval(example["ratings"], form)
    assert got == (pytest.approx(want[0], abs=0.01), pytest.approx(want[1], abs=0.01))


def test_icc_interval_wine_as_pingouin_prints_it() -> None:
    # value_provenance of icc_examples.json: CI95 of ICC1-ICC3 [0.43, 0.93]
    ratings = published("icc_examples.json")["examples"][0]["ratings"]
    for form in ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)"):
        low, high = icc_interval(ratings, form)
        assert (round(low, 2), round(high, 2)) == (0.43, 0.93), form
    with pytest.raises(ValueError, match="single-rater"):
        icc_interval(ratings, "ICC(2,k)")


def test_icc_clips_needed_follows_bonett() -> None:
    # n = 1 + 8 z^2 (1-r)^2 (1+r)^2 / (2 w^2) for two raters: r .75, w .4 -> 19.4 -> 20
    assert icc_clips_needed(0.75, 0.4) == 20
    assert icc_clips_needed(0.75, 0.3) == 34  # a narrower interval needs more clips
    assert icc_clips_needed(0.9, 0.4) < icc_clips_needed(0.75, 0.4)  # and a lower ICC
    with pytest.raises(ValueError):
        icc_clips_needed(1.0, 0.4)
