"""Agreement coefficients (docs/practice.md §8) and the green/amber/red bands they are read by.

Pure numpy: labels or tables in, a float out. Sources:

- Cohen's kappa: Cohen (1960) *Educ Psychol Meas* 20:37-46; weighted: Cohen (1968)
  *Psychol Bull* 70:213-220, linear and quadratic weights by category index distance as
  in scikit-learn;
- Fleiss' kappa: Fleiss (1971) *Psychol Bull* 76(5):378-382;
- Krippendorff's alpha: Krippendorff (2011) "Computing Krippendorff's alpha-reliability"
  (coincidence matrix; nominal, ordinal, interval, ratio metrics);
- ICC: Shrout & Fleiss (1979) *Psychol Bull* 86(2):420-428 (six forms; McGraw & Wong
  1996 names ICC(2,1) "ICC(A,1)");
- flags: Landis & Koch (1977) kappa bands, Krippendorff (2004) alpha ≥ .800 reliable,
  .667-.800 tentative, Koo & Li (2016) ICC bands (< .50 poor, .50-.75 moderate,
  ≥ .75 good): green kappa/alpha ≥ .80 and ICC ≥ .75; amber kappa .60-.80, alpha
  .667-.80, ICC .50-.75; red below.

Degenerate data (no units, one category) never gives a silent NaN: these functions raise
:class:`UndefinedStatisticError` (an :class:`~attune.errors.AttuneError`) with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from attune.errors import InputError

KAPPA_GREEN, KAPPA_AMBER = 0.80, 0.60  # Landis & Koch 1977: > .80 almost perfect
ALPHA_GREEN, ALPHA_AMBER = 0.80, 0.667  # Krippendorff 2004: reliable / tentative
ICC_GREEN, ICC_AMBER = 0.75, 0.50  # Koo & Li 2016: good / moderate
# an ICC across clips is shown from this many (with 5 clips an ICC of .75 has a 95%
# interval about .9 wide; fewer would mislead)
ICC_MIN_CLIPS = 5


class UndefinedStatisticError(InputError):
    """A statistic is undefined for these data; the message says why and what to do."""


#: Why kappa has no value (the two ways it can lack one), in words for the report.
_NO_UNITS = "Kappa is undefined: there are no units to compare. Code some events first."
_ONE_CATEGORY = ("Kappa is undefined: both coders used one and the same category for every "
                 "unit, so chance agreement is already 100%. Compare more varied clips, or "
                 "report the raw agreement instead.")


class Flag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


# ------------------------------------------------------------------------------ kappa


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def _categories(values: Sequence[Any]) -> list[Any]:
    unique = set(values)
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=repr)


def _weights(k: int, weights: str | None) -> np.ndarray:
    i = np.arange(k)
    if weights is None:
        return 1.0 - np.eye(k)
    if weights == "linear":
        return np.abs(i[:, None] - i[None, :]).astype(float)
    if weights == "quadratic":
        return ((i[:, None] - i[None, :]) ** 2).astype(float)
    raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")


def kappa_from_table(table: Any, weights: str | None = None) -> float:
    """Cohen's kappa from a square contingency table (rows coder A, columns coder B).

    Weighted kappa (Cohen 1968) with disagreement weights ``|i-j|`` (linear) or
    ``(i-j)**2`` (quadratic), the convention of scikit-learn and SAS (their scale cancels).

    >>> round(kappa_from_table([[46, 0, 0], [4, 40, 0], [0, 0, 10]]), 4)
    0.9315
    """
    cm = np.asarray(table, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a contingency table must be square, got shape {cm.shape}")
    n = cm.sum()
    if n == 0:
        raise UndefinedStatisticError(_NO_UNITS)
    rows, cols = cm.sum(axis=1), cm.sum(axis=0)
    if weights is None:  # 1 - (1 - p_o) / (1 - p_e), without building k x k matrices
        disagreement = float(n - np.trace(cm))
        denominator = float(n - rows @ cols / n)
    else:
        w = _weights(cm.shape[0], weights)
        disagreement = float((w * cm).sum())
        denominator = float((w * np.outer(rows, cols)).sum() / n)
    if denominator <= 1e-12 * n:
        raise UndefinedStatisticError(_ONE_CATEGORY)
    return 1.0 - disagreement / denominator


def cohen_kappa(
    labels_a: Sequence[Any],
    labels_b: Sequence[Any],
    weights: str | None = None,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Cohen's kappa of two coders' labels of the same units (Cohen 1960; weighted,
    Cohen 1968). ``categories`` fixes the category order for weighted kappa (default:
    sorted labels, as scikit-learn). Raises :class:`UndefinedStatisticError` when kappa
    is undefined (no units; one category used by both for everything).

    >>> cohen_kappa(["a", "a", "b", "b"], ["a", "a", "b", "a"])
    0.5
    """
    a, b = list(labels_a), list(labels_b)
    if len(a) != len(b):
        raise ValueError(f"labels_a has {len(a)} labels and labels_b {len(b)}; pair them first")
    if any(_is_missing(x) for x in (*a, *b)):
        raise ValueError("labels may not be missing; use krippendorff_alpha for missing codes")
    cats = list(categories) if categories is not None else _categories(a + b)
    index = {c: i for i, c in enumerate(cats)}
    try:
        ia = np.fromiter((index[x] for x in a), np.int64, len(a))
        ib = np.fromiter((index[x] for x in b), np.int64, len(b))
    except KeyError as err:
        raise ValueError(f"label {err.args[0]!r} is not in categories") from None
    k = len(cats)
    cm = np.bincount(ia * k + ib, minlength=k * k).reshape(k, k)
    return kappa_from_table(cm, weights)


def category_table(ratings: Any) -> tuple[np.ndarray, list[Any]]:
    """Subjects x raters ratings → subjects x categories counts (for Fleiss' kappa)."""
    rows = [list(r) for r in ratings]
    cats = _categories([x for r in rows for x in r if not _is_missing(x)])
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(rows), len(cats)), dtype=np.int64)
    for s, row in enumerate(rows):
        for x in row:
            if not _is_missing(x):
                table[s, index[x]] += 1
    return table, cats


def fleiss_kappa(table: Any) -> float:
    """Fleiss' kappa (Fleiss 1971) of a subjects x categories table of counts; every
    subject must be rated by the same number (≥ 2) of raters. Use
    :func:`category_table` to turn subjects x raters ratings into such a table.

    >>> round(fleiss_kappa([[2, 0], [0, 2], [1, 1]]), 4)
    0.3333
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] == 0:
        raise UndefinedStatisticError("Fleiss' kappa needs at least one rated subject.")
    per_subject = t.sum(axis=1)
    n = per_subject[0]
    if not np.all(per_subject == n):
        raise InputError(
            "Fleiss' kappa needs the same number of raters for every subject; use "
            "krippendorff_alpha when some ratings are missing."
        )
    if n < 2:
        raise UndefinedStatisticError("Fleiss' kappa needs at least two raters per subject.")
    subjects = t.shape[0]
    p_j = t.sum(axis=0) / (subjects * n)
    p_i = ((t * t).sum(axis=1) - n) / (n * (n - 1))
    p_bar, p_e = float(p_i.mean()), float((p_j * p_j).sum())
    if p_e >= 1.0:
        raise UndefinedStatisticError(
            "Fleiss' kappa is undefined: every rating is in one category."
        )
    return (p_bar - p_e) / (1.0 - p_e)




def _kappa_of_ints(sa: np.ndarray, sb: np.ndarray) -> float:
    """Cohen's kappa of two coders' states given as integers, unit by unit.

    The same value as :func:`kappa_from_table` of their contingency table, without
    building it (a clip's sampled states can take hundreds of values): observed
    agreement from the units, chance agreement from each coder's counts per value.
    """
    n = sa.size
    if n == 0:
        raise UndefinedStatisticError(_NO_UNITS)
    disagreement = float(n - np.count_nonzero(sa == sb))
    # sum over values of (A's count) x (B's count) = for each of A's units, how many of
    # B's units have its value: two binary searches into B's sorted states
    sorted_b = np.sort(sb)
    same = np.searchsorted(sorted_b, sa, "right") - np.searchsorted(sorted_b, sa, "left")
    denominator = float(n - float(same.sum()) / n)
    if denominator <= 1e-12 * n:
        raise UndefinedStatisticError(_ONE_CATEGORY)
    return 1.0 - disagreement / denominator


# ------------------------------------------------------------------------------- alpha


def _alpha_from_index(idx: np.ndarray, values: np.ndarray, level: Level) -> float:
    """Krippendorff's alpha from a coders x units matrix of value indices (-1 missing)."""
    v = values.size
    if v == 0:
        raise UndefinedStatisticError("Alpha is undefined: no values were coded.")
    units = idx.shape[1]
    coded = idx >= 0
    flat = (np.broadcast_to(np.arange(units), idx.shape) * v + idx)[coded]
    counts = np.bincount(flat, minlength=units * v).reshape(units, v).astype(float)
    m_u = counts.sum(axis=1)
    pairable = m_u >= 2
    counts, m_u = counts[pairable], m_u[pairable]
    if counts.shape[0] == 0:
        raise UndefinedStatisticError(
            "Alpha is undefined: no unit was coded by two coders or more."
        )
    weighted = counts / (m_u - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidences.sum(axis=0)
    n = n_c.sum()
    delta = _delta(level, values, n_c)
    expected = float((np.outer(n_c, n_c) * delta).sum())
    if expected == 0:
        raise UndefinedStatisticError(
            "Alpha is undefined: every pairable value is the same, so there is no "
            "variation to agree about. Compare more varied units."
        )
    return float(1.0 - (n - 1) * (coincidences * delta).sum() / expected)


def alpha_from_pairs(table: Any) -> float:
    """Nominal Krippendorff's alpha of two coders from the contingency table of the units
    both coded (rows coder A, columns coder B); units only one coded are not pairable and
    do not count. The coincidence matrix of two coders is the table plus its transpose
    (Krippendorff 2011, section C), so no unit-by-unit data are needed.

    >>> round(alpha_from_pairs([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0]]), 4)
    0.6957
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"a contingency table must be square, got shape {t.shape}")
    if t.sum() == 0:
        raise UndefinedStatisticError(
            "Alpha is undefined: no unit was coded by two coders or more."
        )
    n_c = t.sum(axis=0) + t.sum(axis=1)
    n = float(n_c.sum())
    expected = n * n - float(n_c @ n_c)
    if expected == 0:
        raise UndefinedStatisticError(
            "Alpha is undefined: every pairable value is the same, so there is no "
            "variation to agree about. Compare more varied units."
        )
    return 1.0 - (n - 1) * (n - 2.0 * float(np.trace(t))) / expected


def _delta(level: Level, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared distance metric δ² of Krippendorff (2011) for each pair of values."""
    v = values.size
    if level == Level.NOMINAL:
        return 1.0 - np.eye(v)
    if level == Level.ORDINAL:
        cs = np.cumsum(n_c)
        i, j = np.meshgrid(np.arange(v), np.arange(v), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cs[hi] - cs[lo] + n_c[lo]
        return (between - (n_c[i] + n_c[j]) / 2.0) ** 2
    x = values.astype(float)
    if level == Level.INTERVAL:
        return (x[:, None] - x[None, :]) ** 2
    total = x[:, None] + x[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(total != 0, (x[:, None] - x[None, :]) / np.where(total != 0, total, 1), 0)
    return d ** 2


def krippendorff_alpha(reliability_data: Any, level: Level | str = "nominal") -> float:
    """Krippendorff's alpha (Krippendorff 2011) of coders x units data; a missing value
    is ``None`` or NaN. Units coded by fewer than two coders are not pairable and are
    dropped. ``level`` is nominal, ordinal, interval or ratio (interval and ratio need
    numbers; ordinal needs values that sort).

    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]]), 4)
    0.6957
    """
    level = Level(level)
    rows = [list(r) for r in reliability_data]
    if not rows:
        raise UndefinedStatisticError("Alpha is undefined: there are no coders.")
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise ValueError("every coder's row must have one value per unit")
    present = [x for r in rows for x in r if not _is_missing(x)]
    if level in (Level.INTERVAL, Level.RATIO) and any(
        isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating))
        for x in present
    ):
        raise ValueError(f"{level} alpha needs numbers")
    if level == Level.RATIO and any(x < 0 for x in present):
        raise ValueError("ratio alpha needs values >= 0")
    cats = _categories(present)
    index = {c: i for i, c in enumerate(cats)}
    idx = np.array([[(-1 if _is_missing(x) else index[x]) for x in r] for r in rows],
                   dtype=np.int64).reshape(len(rows), width)
    numeric = level in (Level.INTERVAL, Level.RATIO)
    values = np.array(cats, dtype=float) if numeric else np.arange(len(cats))
    return _alpha_from_index(idx, values, level)


# --------------------------------------------------------------------------------- ICC

_ICC_FORMS = {
    "ICC(1,1)": "ICC(1,1)", "ICC1": "ICC(1,1)",
    "ICC(2,1)": "ICC(2,1)", "ICC2": "ICC(2,1)", "ICC(A,1)": "ICC(2,1)",
    "ICC(3,1)": "ICC(3,1)", "ICC3": "ICC(3,1)", "ICC(C,1)": "ICC(3,1)",
    "ICC(1,K)": "ICC(1,k)", "ICC1K": "ICC(1,k)",
    "ICC(2,K)": "ICC(2,k)", "ICC2K": "ICC(2,k)", "ICC(A,K)": "ICC(2,k)",
    "ICC(3,K)": "ICC(3,k)", "ICC3K": "ICC(3,k)", "ICC(C,K)": "ICC(3,k)",
}


def icc(ratings: Any, form: str = "ICC(2,1)") -> float:
    """Intraclass correlation of a targets x raters table (Shrout & Fleiss 1979).

    ``form``: ICC(1,1) one-way random; ICC(2,1) two-way random, absolute agreement;
    ICC(3,1) two-way mixed, consistency; ICC(1,k), ICC(2,k), ICC(3,k) the same for the
    mean of k raters (also accepted: ICC1 … ICC3k, and McGraw & Wong's ICC(A,1),
    ICC(C,1), ICC(A,k), ICC(C,k)). Targets with a missing rating are dropped.

    >>> round(icc([[1, 2], [2, 3], [3, 5], [4, 4]], "ICC(3,1)"), 4)
    0.8
    """
    key = _icc_form(form)
    ms = _icc_mean_squares(ratings)
    n, k = ms.n, ms.k
    ms_r, ms_c, ms_e, ms_w = ms.rows, ms.cols, ms.error, ms.within
    num_den = {
        "ICC(1,1)": (ms_r - ms_w, ms_r + (k - 1) * ms_w),
        "ICC(2,1)": (ms_r - ms_e, ms_r + (k - 1) * ms_e + k * (ms_c - ms_e) / n),
        "ICC(3,1)": (ms_r - ms_e, ms_r + (k - 1) * ms_e),
        "ICC(1,k)": (ms_r - ms_w, ms_r),
        "ICC(2,k)": (ms_r - ms_e, ms_r + (ms_c - ms_e) / n),
        "ICC(3,k)": (ms_r - ms_e, ms_r),
    }
    num, den = num_den[key]
    if abs(den) < 1e-12 * max(1.0, ms.total):
        raise UndefinedStatisticError(
            "ICC is undefined: the targets do not vary (every clip has the same tally), "
            "so there is nothing for the raters to agree about."
        )
    return num / den


@dataclass(frozen=True)
class _MeanSquares:
    n: int  # targets
    k: int  # raters
    rows: float
    cols: float
    error: float
    within: float
    total: float  # total sum of squares


def _icc_form(form: str) -> str:
    key = _ICC_FORMS.get(str(form).upper().replace(" ", ""))
    if key is None:
        raise ValueError(f"form must be one of the six Shrout & Fleiss forms, got {form!r}")
    return key


def _icc_mean_squares(ratings: Any) -> _MeanSquares:
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"ratings must be targets x raters, got shape {x.shape}")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2 or k < 2:
        raise UndefinedStatisticError(
            f"ICC needs at least 2 targets and 2 raters with complete ratings; got {n} "
            f"target(s) and {k} rater(s). Double-code more clips."
        )
    grand = x.mean()
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((x - grand) ** 2).sum())
    return _MeanSquares(n, k, ss_rows / (n - 1), ss_cols / (k - 1),
                        (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1)),
                        (ss_total - ss_rows) / (n * (k - 1)), ss_total)


def icc_interval(ratings: Any, form: str = "ICC(2,1)", confidence: float = 0.95
                 ) -> tuple[float, float]:
    """The confidence interval of a single-rater ICC: ICC(1,1) and ICC(3,1) by the F
    distribution (Shrout & Fleiss 1979, eqs. 6-7 and 12-13), ICC(2,1) by McGraw & Wong's
    (1996) approximation (Satterthwaite degrees of freedom, with their erratum), as R's
    psych (``ICC``, R/ICC.R) and pingouin (``intraclass_corr``, reliability.py) compute
    them: checked against pingouin 0.7.0 run on Shrout & Fleiss's data
    (tests/analysis/test_agreement_published.py).

    >>> lo, hi = icc_interval([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6],
    ...                        [10, 5, 6, 9], [6, 2, 4, 7]], "ICC(3,1)")
    >>> round(lo, 2), round(hi, 2)
    (0.34, 0.95)
    """
    from scipy.stats import f as f_dist  # only here: scipy is slow to import

    key = _icc_form(form)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    value = icc(ratings, key)
    ms = _icc_mean_squares(ratings)
    n, k, a = ms.n, ms.k, 1 - confidence
    df1 = n - 1
    if key in ("ICC(1,1)", "ICC(3,1)"):
        f_obs = ms.rows / (ms.within if key == "ICC(1,1)" else ms.error)
        df2 = n * (k - 1) if key == "ICC(1,1)" else (n - 1) * (k - 1)
        f_low = f_obs / f_dist.ppf(1 - a / 2, df1, df2)
        f_high = f_obs * f_dist.ppf(1 - a / 2, df2, df1)
        return float((f_low - 1) / (f_low + k - 1)), float((f_high - 1) / (f_high + k - 1))
    if key != "ICC(2,1)":
        raise ValueError(f"an interval is computed for single-rater forms only, not {form!r}")
    if ms.error <= 0:  # the two coders agree exactly on every target
        return value, value
    f_j = ms.cols / ms.error
    base = n * (1 + (k - 1) * value) - k * value
    v = ((k - 1) * (n - 1) * (k * value * f_j + base) ** 2
         / ((n - 1) * k**2 * value**2 * f_j**2 + base**2))
    f_up = f_dist.ppf(1 - a / 2, df1, v)
    f_down = f_dist.ppf(1 - a / 2, v, df1)
    spread = k * ms.cols + (k * n - k - n) * ms.error
    low = n * (ms.rows - f_up * ms.error) / (f_up * spread + n * ms.rows)
    high = n * (f_down * ms.rows - ms.error) / (spread + n * f_down * ms.rows)
    return float(low), float(high)


def icc_clips_needed(planned: float, width: float, raters: int = 2,
                     confidence: float = 0.95) -> int:
    """How many targets (clips) give a confidence interval of about ``width`` around an
    ICC of ``planned`` with ``raters`` raters: Bonett (2002) *Stat Med* 21:1331-1335,
    n = 1 + 8 z² (1-r)² (1+(k-1)r)² / (k (k-1) w²) for a planned ICC r, rounded up.

    >>> icc_clips_needed(0.75, 0.4)
    20
    """
    from statistics import NormalDist

    if not 0 <= planned < 1 or width <= 0 or raters < 2:
        raise ValueError("planned must be in [0, 1), width above 0, raters 2 or more")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    k, rho = raters, planned
    n = 1 + 8 * z**2 * (1 - rho) ** 2 * (1 + (k - 1) * rho) ** 2 / (k * (k - 1) * width**2)
    return math.ceil(n)




# ------------------------------------------------------------------------------- flags


def _flag(value: float | None, green: float, amber: float) -> Flag | None:
    """The band of a value: green from ``green`` up, amber from ``amber`` up, red below."""
    if value is None:
        return None
    if value >= green:
        return Flag.GREEN
    return Flag.AMBER if value >= amber else Flag.RED

