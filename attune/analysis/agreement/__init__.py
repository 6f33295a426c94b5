"""Agreement between coders (docs/practice.md §8): event-based and time-based, with flags.

- :mod:`~attune.analysis.agreement.matching` pairs two coders' events one-to-one, greedily
  by onset within a tolerance (Bakeman, Quera & Gnisci 2009) or by overlap (ELAN), and
  samples both timelines for time-unit kappa (Bakeman et al. 2009; BORIS);
- :mod:`~attune.analysis.agreement.coefficients` holds Cohen's, Fleiss' and weighted
  kappa, Krippendorff's alpha, the ICC and the green/amber/red bands, each with its
  source;
- :mod:`~attune.analysis.agreement.group` compares any number of coders on one clip
  (Fleiss' kappa, Krippendorff's alpha, each coder against the gold coding);
- :mod:`~attune.analysis.agreement.across` gives a coder pair's ICC of per-clip tallies
  over every clip they both coded, with its interval and how many clips it needs;
- :mod:`~attune.analysis.agreement.report` assembles a supervisor's report of two coders
  on one clip or several, and states its parameters in sentences.

Degenerate data (no events, one category, a coder with nothing coded) never gives a
silent NaN: the low-level functions raise :class:`UndefinedStatisticError` (an
:class:`~attune.errors.AttuneError`) with the reason, and :func:`agreement_report` records
``value=None`` with that reason.

>>> from attune.core.events import Event
>>> from attune.core.scheme import EventKind
>>> a = [Event(EventKind.CUE, "C01", 1000, 1000), Event(EventKind.CUE, "C02", 5000, 5000)]
>>> b = [Event(EventKind.CUE, "C01", 1300, 1300), Event(EventKind.CUE, "C02", 5000, 5000)]
>>> r = agreement_report(a, b, clip_duration_ms=8000)
>>> r.detection.matched, r.event_kappa.value, r.flag.value
(2, 1.0, 'green')
"""

from __future__ import annotations

from attune.analysis.agreement.across import (
    MIN_CLIPS,
    TallyICC,
    pair_sentences,
    pair_tally_icc,
)
from attune.analysis.agreement.coefficients import (
    ALPHA_AMBER,
    ALPHA_GREEN,
    ICC_AMBER,
    ICC_GREEN,
    KAPPA_AMBER,
    KAPPA_GREEN,
    Flag,
    Level,
    UndefinedStatisticError,
    _flag,
    alpha_from_pairs,
    category_table,
    cohen_kappa,
    fleiss_kappa,
    icc,
    kappa_from_table,
    krippendorff_alpha,
)
from attune.analysis.agreement.group import GroupAgreement, GroupLane, group_agreement
from attune.analysis.agreement.matching import (
    Matching,
    match_events,
    match_intervals,
    time_unit_kappa,
)
from attune.analysis.agreement.report import (
    LANE_NAMES,
    UNMATCHED,
    AgreementReport,
    ClipPair,
    Detection,
    Disagreement,
    FlagNote,
    LaneAgreement,
    Statistic,
    SubsetAgreement,
    agreement_report,
    agreement_report_clips,
    flag_notes,
    parameter_sentences,
    per_code_agreement,
    scheme_parameters,
    stated_versions,
    tally_icc,
)

__all__ = [
    "ALPHA_AMBER",
    "ALPHA_GREEN",
    "ICC_AMBER",
    "ICC_GREEN",
    "KAPPA_AMBER",
    "KAPPA_GREEN",
    "LANE_NAMES",
    "MIN_CLIPS",
    "UNMATCHED",
    "AgreementReport",
    "ClipPair",
    "Detection",
    "Disagreement",
    "Flag",
    "FlagNote",
    "GroupAgreement",
    "GroupLane",
    "LaneAgreement",
    "Level",
    "Matching",
    "Statistic",
    "SubsetAgreement",
    "TallyICC",
    "UndefinedStatisticError",
    "_flag",
    "agreement_report",
    "agreement_report_clips",
    "alpha_from_pairs",
    "category_table",
    "cohen_kappa",
    "flag_notes",
    "fleiss_kappa",
    "group_agreement",
    "icc",
    "kappa_from_table",
    "krippendorff_alpha",
    "match_events",
    "match_intervals",
    "pair_sentences",
    "pair_tally_icc",
    "parameter_sentences",
    "per_code_agreement",
    "scheme_parameters",
    "stated_versions",
    "tally_icc",
    "time_unit_kappa",
]
