"""What the Supervision page shows (docs/practice.md §8): the double-coding plan, agreement per
coder pair, per code and over time (drift), calibration against gold-standard clips, the
disagreements (each a link to the workspace at that moment, both coders' lanes side by
side), the parameters in words, and the report files.

Nothing here imports Streamlit; the page renders these tables and charts.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from attune.analysis.agreement import (
    AgreementReport,
    Flag,
    GroupAgreement,
    parameter_sentences,
    per_code_agreement,
)
from attune.core.accounts import User
from attune.core.clip import clip_label
from attune.core.coding import Calibration, CodingRole
from attune.core.spans import format_ms
from attune.errors import AttuneError
from attune.interchange.reports import write_agreement_csv
from attune.services import Context
from attune.services.supervision import (
    CalibrationResult,
    DoubleCodingPlan,
    PairAgreement,
    PairTallyICC,
    agreement_frame,
    agreement_table,
    calibration_results,
    calibrations,
    clip_group_agreement,
    coders_over_time,
    icc_lines,
    my_calibration_results,
    pair_icc,
    record_agreement_view,
    report_parameters,
    team_agreement,
    team_names,
    write_agreement_report,
)
from attune.services.supervision_log import (
    LoggedSession,
    portfolio_pdf,
    reel_choices,
    supervision_log_entries,
)
from attune.ui.cache import cached, kept
from attune.ui.families import FamilyRow

FLAG_BADGE = {Flag.GREEN: ":green-badge[green]", Flag.AMBER: ":orange-badge[amber]",
              Flag.RED: ":red-badge[red]"}
FLAG_COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "none": "#9e9e9e"}
#: The page's tabs, in order (their labels are the tab state's values: never change them
#: without the tests and the links that open a tab).
TABS = ("Agreement", "Disagreements", "Calibration", "Assign double-coding",
        "Supervision log and portfolio")
STATISTICS = {"event_kappa": "event kappa", "time_unit_kappa": "time-unit kappa",
              "alpha": "Krippendorff's alpha"}


def badge(flag: Flag | str | None) -> str:
    """Markdown for a green/amber/red flag (``-`` when a statistic was undefined)."""
    return "-" if flag is None else FLAG_BADGE[Flag(flag)]


def value(x: float | None) -> str:
    """A statistic for reading: two decimals, or ``-`` when undefined."""
    return "-" if x is None else f"{x:.2f}"


def parameter_lines(parameters: Mapping[str, Any]) -> list[str]:
    """The parameters in sentences, the tolerance first and the sampling step second,
    because users confuse the two (docs/practice.md §8); the same sentences as in the PDF and
    the CSV."""
    return parameter_sentences(parameters)


def lanes_frame(report: AgreementReport) -> pd.DataFrame:
    """Each lane on its own: event kappa, time-unit kappa, events both coders marked, and
    whether its durations are flagged (only a lane of spans is)."""
    rows = []
    for lane in report.lanes:
        d = lane.detection
        rows.append({"lane": lane.lane, "event kappa": value(lane.event_kappa.value),
                     "time-unit kappa": value(lane.time_unit_kappa.value),
                     "marked by both": "-" if d.agreement is None else f"{d.agreement:.0%}",
                     "durations flagged": "yes" if lane.about_durations else "no"})
    return pd.DataFrame(rows, columns=["lane", "event kappa", "time-unit kappa",
                                       "marked by both", "durations flagged"])


def pair_label(pair: PairAgreement) -> str:
    """A double-coded clip's pair, as chosen to be looked at closer."""
    return f"Clip {pair.clip_id}, coded by {pair.coder_a} and {pair.coder_b}"


def pairs_table(pairs: Sequence[PairAgreement]) -> str:
    """The pairs of a page as one markdown table, one line each: the clip, its coders,
    when it was assigned, the three statistics, detection, disagreements and the flag
    (one block for the whole page: a card of widgets each grew the page with the team)."""
    first = pairs[0].report
    names = [s.name[0].upper() + s.name[1:]
             for s in (first.event_kappa, first.time_unit_kappa, first.alpha)]
    head = ["Clip", "Coders", "Assigned", *names, "Detection", "Disagreements", "Flag"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in pairs:
        r = p.report
        detection = ("-" if r.detection.agreement is None
                     else f"{r.detection.agreement:.0%}")
        cells = [f"Clip {p.clip_id}", f"{p.coder_a} and {p.coder_b}", str(p.assigned_on),
                 *(value(s.value) for s in (r.event_kappa, r.time_unit_kappa, r.alpha)),
                 detection, str(len(r.disagreements)), badge(r.flag)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def flag_lines(report: AgreementReport) -> list[str]:
    """Each flag with its sentence, as markdown (the badge first)."""
    return [f"{badge(n.flag)} {n.sentence}" for n in report.notes]


def versus_gold_frame(group: GroupAgreement) -> pd.DataFrame:
    """Every coder of a group against the gold coding, one row each, lowest first."""
    rows = []
    for coder, r in group.versus_gold.items():
        d = r.detection
        rows.append({"coder": coder, "flag": r.flag.value if r.flag else "none",
                     "event kappa": r.event_kappa.value,
                     "gold moments found": "-" if d.share_a is None else f"{d.share_a:.0%}",
                     **{f"{lane.lane}, time-unit kappa": lane.time_unit_kappa.value
                        for lane in r.lanes},
                     "disagreements": len(r.disagreements)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["event kappa", "coder"], na_position="first",
                             ignore_index=True).round(3)


def group_lanes_frame(group: GroupAgreement) -> pd.DataFrame:
    """Each lane over time units, every coder at once."""
    return pd.DataFrame([{"lane": lane.lane, "Fleiss' kappa": value(lane.fleiss_kappa.value),
                          "Krippendorff's alpha": value(lane.alpha.value)}
                         for lane in group.lanes])


def calibration_frame(results: Sequence[CalibrationResult]) -> pd.DataFrame:
    """One row per trainee of a calibration session: clips done, codes at or above the
    pass line, and the result in words."""
    rows = []
    for r in results:
        codes = r.per_code
        result = ("waiting for their coding" if r.passed is None and r.report is None
                  else "not finished" if r.passed is None
                  else "passed" if r.passed else "below the pass line on some codes")
        rows.append({"trainee": r.trainee, "clips done": f"{r.clips_done} of {r.clips}",
                     "codes at the pass line": f"{int(codes['passed'].sum())} of {len(codes)}"
                     if len(codes) else "-",
                     "event kappa": value(r.report.event_kappa.value) if r.report else "-",
                     "result": result})
    return pd.DataFrame(rows, columns=["trainee", "clips done", "codes at the pass line",
                                       "event kappa", "result"])


def plan_frame(plan: DoubleCodingPlan) -> pd.DataFrame:
    """The assignments a double-coding run made: clip, coder, role."""
    return pd.DataFrame([{"clip": a.clip_id, "second coder": a.coder,
                          "assigned": a.assigned_at.date() if a.assigned_at else None}
                         for a in plan.chosen], columns=["clip", "second coder", "assigned"])


def pairs_frame(pairs: Sequence[PairAgreement]) -> pd.DataFrame:
    """One row per coded pair, numbers rounded for reading."""
    frame = agreement_frame(list(pairs))
    if frame.empty:
        return frame
    for col in ("event_kappa", "time_unit_kappa", "alpha", "detection"):
        frame[col] = frame[col].astype(float).round(3)
    frame["mean_onset_diff_ms"] = frame["mean_onset_diff_ms"].astype(float).round(0)
    frame["flag"] = frame["flag"].fillna("none")
    return frame


def per_pair_frame(pairs: Sequence[PairAgreement]) -> pd.DataFrame:
    """Mean agreement per coder pair (double-coding and calibration apart)."""
    frame = pairs_frame(pairs)
    if frame.empty:
        return frame
    grouped = frame.groupby(["coder_a", "coder_b", "kind"], as_index=False).agg(
        clips=("clip", "count"), event_kappa=("event_kappa", "mean"),
        time_unit_kappa=("time_unit_kappa", "mean"), alpha=("alpha", "mean"),
        disagreements=("disagreements", "sum"),
        red=("flag", lambda s: int((s == "red").sum())),
        marks_a=("marks_a", "sum"), suggested_a=("suggested_a", "sum"),
        marks_b=("marks_b", "sum"), suggested_b=("suggested_b", "sum"))
    for x in ("a", "b"):  # the agreement audit's context: marks accepted from suggestions
        grouped[f"from_suggestions_{x}"] = [
            f"{n} of {m}" for n, m in zip(grouped[f"suggested_{x}"], grouped[f"marks_{x}"],
                                          strict=True)]
    grouped = grouped.drop(columns=["marks_a", "suggested_a", "marks_b", "suggested_b"])
    return grouped.round(3).rename(columns={
        "from_suggestions_a": "coder A's marks from suggestions",
        "from_suggestions_b": "coder B's marks from suggestions",
        "coder_a": "coder A", "coder_b": "coder B", "event_kappa": "event kappa (mean)",
        "time_unit_kappa": "time-unit kappa (mean)", "alpha": "alpha (mean)",
        "red": "red flags"})


def _confusion_sum(pairs: Sequence[PairAgreement]) -> pd.DataFrame:
    """The pairs' confusion matrices added cell by cell (a code one pair never used
    counts 0 there)."""
    totals: dict[tuple[str, str], int] = {}
    order: dict[str, None] = {}
    for p in pairs:
        r = p.report
        order.update(dict.fromkeys(r.categories))
        for i, a in enumerate(r.categories):
            for j, b in enumerate(r.categories):
                totals[a, b] = totals.get((a, b), 0) + int(r.confusion_counts[i][j])
    codes = sorted(order)
    return pd.DataFrame([[totals.get((a, b), 0) for b in codes] for a in codes],
                        index=codes, columns=codes, dtype=int)


def per_code_frame(pairs: Sequence[PairAgreement]) -> pd.DataFrame:
    """Agreement per code over every pair's confusion matrix (summed); see
    :func:`~attune.analysis.agreement.per_code_agreement`. Lowest agreement first."""
    return per_code_agreement(_confusion_sum(pairs))


def drift_long(pairs: Sequence[PairAgreement], kind: str = "double-coding") -> pd.DataFrame:
    """Statistics over time (one point per clip), long form, for the drift chart."""
    frame = pairs_frame(pairs)
    if frame.empty:
        return pd.DataFrame(columns=["date", "pair", "statistic", "value", "clip", "flag"])
    frame = frame[frame["kind"] == kind]
    frame = frame.assign(pair=frame["coder_a"] + " · " + frame["coder_b"])
    long = frame.melt(id_vars=["date", "pair", "clip", "flag"], value_vars=list(STATISTICS),
                      var_name="statistic", value_name="value")
    long["statistic"] = long["statistic"].map(STATISTICS)
    long["date"] = pd.to_datetime(long["date"])
    return long.dropna(subset=["value"]).reset_index(drop=True)


def gold_clip_choices(rows: Sequence[FamilyRow]) -> dict[int, str]:
    """The clips a supervisor may choose as gold standard, each named as on the other
    pages (family code, clip, visit, length): never a bare number."""
    return {c.id: f"{row.family.code} · {clip_label(c)}" for row in rows for c in row.clips}


def calibration_long(pairs: Sequence[PairAgreement]) -> pd.DataFrame:
    """Each coder's event kappa with the gold standard, over time."""
    rows = [{"date": pd.Timestamp(p.assigned_on), "coder": p.coder_b, "gold": p.coder_a,
             "clip": p.clip_id, "event kappa": p.report.event_kappa.value,
             "flag": p.report.flag.value if p.report.flag else "none"}
            for p in pairs if p.role == CodingRole.GOLD]
    return pd.DataFrame(rows, columns=["date", "coder", "gold", "clip", "event kappa", "flag"])


def _bands(y_field: str) -> alt.LayerChart:
    """Green (≥ .80) and amber (.60-.80) backgrounds behind a kappa chart."""
    bands = pd.DataFrame([{"from": 0.8, "to": 1.0, "band": "green"},
                          {"from": 0.6, "to": 0.8, "band": "amber"}])
    return alt.Chart(bands).mark_rect(opacity=0.12).encode(
        y=alt.Y("from:Q", title=y_field, scale=alt.Scale(domain=[-0.2, 1])), y2="to:Q",
        color=alt.Color("band:N", scale=alt.Scale(domain=["green", "amber"],
                                                  range=[FLAG_COLOURS["green"],
                                                         FLAG_COLOURS["amber"]]),
                        legend=None))


def by_month(long: pd.DataFrame, by: Sequence[str], value: str) -> pd.DataFrame:
    """``value``'s mean for each calendar month (dated its first day) and each ``by``,
    with how many compared clips went into it: a line of a year of a team's work has 12
    points, not one a clip (the chart stays readable, and as light to draw with 40
    families as with one; each clip's figures are in the tables)."""
    columns = ["date", *by, value, "clips"]
    rows = long.dropna(subset=[value])
    if rows.empty:
        return pd.DataFrame(columns=columns)
    month = rows["date"].dt.to_period("M").dt.to_timestamp()
    out = rows.assign(date=month).groupby(["date", *by], as_index=False).agg(
        **{value: (value, "mean"), "clips": (value, "size")})
    return out[columns]


def drift_chart(long: pd.DataFrame) -> alt.LayerChart:
    """The team's agreement month by month, a line for each statistic (``long``:
    :func:`drift_long`)."""
    lines = alt.Chart(by_month(long, ["statistic"], "value")).mark_line(point=True).encode(
        x=alt.X("yearmonth(date):T", title=None),
        y=alt.Y("value:Q", title="agreement", scale=alt.Scale(domain=[-0.2, 1])),
        color=alt.Color("statistic:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("yearmonth(date):T", title="month"), "statistic",
                 alt.Tooltip("value:Q", title="mean", format=".3f"), "clips"])
    return (_bands("agreement") + lines).properties(
        title="Drift: the team's agreement month by month (green ≥ .80, amber .60-.80)")


def coders_long(pairs: Sequence[PairAgreement]) -> pd.DataFrame:
    """Each coder's event kappa over time (double-coding and against the gold coding)."""
    frame = coders_over_time(list(pairs))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def coders_chart(long: pd.DataFrame) -> alt.LayerChart:
    """A line per coder: their mean agreement month by month (``long``:
    :func:`coders_long`)."""
    lines = alt.Chart(by_month(long, ["coder"], "event kappa")).mark_line(point=True).encode(
        x=alt.X("yearmonth(date):T", title=None),
        y=alt.Y("event kappa:Q", scale=alt.Scale(domain=[-0.2, 1])),
        color=alt.Color("coder:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("yearmonth(date):T", title="month"), "coder",
                 alt.Tooltip("event kappa:Q", title="mean event kappa", format=".2f"),
                 "clips"])
    return (_bands("event kappa") + lines).properties(
        title="Each coder's agreement month by month (green ≥ .80, amber .60-.80)")


def calibration_chart(long: pd.DataFrame) -> alt.LayerChart:
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("event kappa:Q", scale=alt.Scale(domain=[-0.2, 1])),
        color=alt.Color("coder:N", legend=alt.Legend(orient="bottom")),
        tooltip=["date:T", "coder", "gold", "clip",
                 alt.Tooltip("event kappa:Q", format=".3f"), "flag"])
    return (_bands("event kappa") + lines).properties(
        title="Each coder against the gold standard")


def disagreement_rows(pairs: Sequence[PairAgreement]) -> list[dict[str, Any]]:
    """Every disagreement, in clip and time order, with the workspace link's query
    params (``clip``, ``t`` in ms, ``coders``: both coders' lanes side by side)."""
    rows = []
    for p in pairs:
        for d in p.report.disagreements:
            rows.append({
                "clip": p.clip_id, "at_ms": d.at_ms, "at": format_ms(d.at_ms, 1),
                "kind": d.kind,
                "what": d.what, "coder_a": p.coder_a, "coder_b": p.coder_b,
                "a": f"{d.a.code} at {format_ms(d.a.start_ms, 1)}" if d.a else "-",
                "b": f"{d.b.code} at {format_ms(d.b.start_ms, 1)}" if d.b else "-",
                "query": {"clip": str(p.clip_id), "t": str(d.at_ms),
                          "coders": f"{p.coder_a},{p.coder_b}"},
            })
    return sorted(rows, key=lambda r: (r["clip"], r["at_ms"], r["coder_a"], r["coder_b"]))


def report_pdf(pairs: Sequence[PairAgreement], title: str = "Inter-coder agreement",
               groups: Sequence[tuple[int, GroupAgreement]] = (),
               tallies: Sequence[PairTallyICC] = ()) -> bytes:
    """The agreement report as PDF bytes (see
    :func:`~attune.services.supervision.write_agreement_report`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_agreement_report(list(pairs), Path(folder) / "agreement.pdf",
                                      title=title, groups=list(groups),
                                      tallies=list(tallies))
        return path.read_bytes()


def report_csv(pairs: Sequence[PairAgreement], parameters: dict[str, object]) -> bytes:
    """The per-pair table as CSV bytes, the parameters in sentences as comment lines
    first."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_agreement_csv(agreement_table(list(pairs)),
                                   Path(folder) / "agreement.csv",
                                   parameter_sentences(parameters))
        return path.read_bytes()


@dataclass(frozen=True)
class TeamView:
    """What the Supervision page shows of the team's agreement, made once per data
    version and parameters (a page run only lays it out; nothing here is changed)."""

    pairs: list[PairAgreement]
    double: list[PairAgreement]  # double-coded clips
    gold: list[PairAgreement]  # a coder against the gold coding
    parameters: dict[str, object]
    per_pair: pd.DataFrame
    per_code: pd.DataFrame
    drift: pd.DataFrame
    coders: pd.DataFrame
    calibration: pd.DataFrame
    disagreements: list[dict[str, Any]]
    csv: bytes


def team_view(pairs: list[PairAgreement], tolerance_ms: int, step_ms: int) -> TeamView:
    """The page's tables of ``pairs`` (none: an empty view, stating the parameters)."""
    double = [p for p in pairs if p.role != CodingRole.GOLD]
    gold = [p for p in pairs if p.role == CodingRole.GOLD]
    parameters = report_parameters(pairs, tolerance_ms, step_ms)
    return TeamView(pairs, double, gold, parameters, per_pair_frame(double),
                    per_code_frame(double), drift_long(double),
                    coders_long(pairs) if pairs else pd.DataFrame(),
                    calibration_long(gold), disagreement_rows(pairs),
                    report_csv(pairs, parameters))


def _team_view(ctx: Context, user: User, tolerance_ms: int, step_ms: int) -> TeamView:
    return team_view(team_agreement(ctx, user, tolerance_ms=tolerance_ms, step_ms=step_ms,
                                    audit=False), tolerance_ms, step_ms)


def agreement_for_page(ctx: Context, user: User, tolerance_ms: int, step_ms: int,
                       audit: bool) -> TeamView:
    """The team's agreement and the page's tables of it, made once per data version and
    parameters for this supervisor and not copied on each run (a year of a team's pairs
    takes longer to copy than to lay out; the reports reuse it). ``audit``: the first
    view with these parameters in a browser session is audited, as
    :func:`team_agreement` does."""
    view = kept(ctx, user, _team_view, tolerance_ms, step_ms)
    if audit:  # a look: the entry does not change the data's version
        record_agreement_view(ctx, user, [p.clip_id for p in view.pairs], tolerance_ms,
                              step_ms)
    return view


def _report_pdf_of(ctx: Context, user: User, tolerance_ms: int, step_ms: int) -> bytes:
    return report_pdf(kept(ctx, user, _team_view, tolerance_ms, step_ms).pairs,
                      tallies=pair_icc_for_page(ctx, user))


def team_report_pdf(ctx: Context, user: User, tolerance_ms: int, step_ms: int) -> bytes:
    """The PDF report of :func:`agreement_for_page`, made once per data version."""
    return cached(ctx, user, _report_pdf_of, tolerance_ms, step_ms)


# The calibration reads of the page, cached per data version like the agreement above (a
# refusal or a "not yet" is an answer too, kept as its sentence, so that a rerun does not
# ask the database again).

def _group_or_reason(ctx: Context, user: User, clip_id: int, tolerance_ms: int,
                     step_ms: int) -> GroupAgreement | str:
    try:
        return clip_group_agreement(ctx, user, clip_id, tolerance_ms, step_ms, audit=False)
    except AttuneError as exc:
        return str(exc)


def group_for_page(ctx: Context, user: User, clip_id: int, tolerance_ms: int,
                   step_ms: int) -> GroupAgreement | str:
    """Every coder of a clip compared at once, or the sentence saying why not yet."""
    return cached(ctx, user, _group_or_reason, clip_id, tolerance_ms, step_ms)


def _group_pdf_of(ctx: Context, user: User, clip_id: int, tolerance_ms: int,
                  step_ms: int) -> bytes:
    group = group_for_page(ctx, user, clip_id, tolerance_ms, step_ms)
    if isinstance(group, str):
        return b""
    return report_pdf([], "Agreement of a group of coders", [(clip_id, group)])


def group_pdf_for_page(ctx: Context, user: User, clip_id: int, tolerance_ms: int,
                       step_ms: int) -> bytes:
    """The group report PDF, laid out once per data version."""
    return cached(ctx, user, _group_pdf_of, clip_id, tolerance_ms, step_ms)


def _results_or_reason(ctx: Context, user: User, calibration_id: int,
                       tolerance_ms: int) -> list[CalibrationResult] | str:
    try:
        return calibration_results(ctx, user, calibration_id, tolerance_ms)
    except AttuneError as exc:
        return str(exc)


def calibration_results_for_page(ctx: Context, user: User, calibration_id: int,
                                 tolerance_ms: int) -> list[CalibrationResult] | str:
    """Each trainee's calibration result, or the sentence saying why not."""
    return cached(ctx, user, _results_or_reason, calibration_id, tolerance_ms)


def calibrations_for_page(ctx: Context, user: User) -> list[Any]:
    """The supervisor's calibration sessions (cached per data version)."""
    return cached(ctx, user, calibrations)


def team_for_page(ctx: Context, user: User) -> list[str]:
    """The supervisor's practitioners, then the supervisor (cached per data version)."""
    return cached(ctx, user, team_names)


def pair_icc_for_page(ctx: Context, user: User) -> list[PairTallyICC]:
    """Each double-coding pair's ICC of the tallies over their clips (cached)."""
    return cached(ctx, user, pair_icc)


def pair_icc_frame(pairs: Sequence[PairTallyICC]) -> pd.DataFrame:
    """One row per pair and measure: clips compared, ICC, its 95% interval, flag."""
    rows = [{"coders": f"{p.coder_a} and {p.coder_b}", "tally": m.measure,
             "clips": m.clips, "ICC": value(m.value),
             "95% interval": "-" if m.low is None or m.high is None
             else f"{m.low:.2f} to {m.high:.2f}",
             "flag": m.flag.value if m.flag else "not yet"}
            for p in pairs for m in p.measures]
    return pd.DataFrame(rows, columns=["coders", "tally", "clips", "ICC", "95% interval",
                                       "flag"])


def pair_icc_lines(pairs: Sequence[PairTallyICC]) -> list[str]:
    """What each pair's ICCs say, one line per pair (sentences joined)."""
    return icc_lines(list(pairs))


def supervision_log_frame(entries: Sequence[LoggedSession], *, who: str = "practitioner"
                          ) -> pd.DataFrame:
    """The supervision log, newest first, in words (clips and reels named by family,
    visit, title and day, never by a number alone); ``who`` is the other person's column:
    the practitioner (a supervisor's log) or the supervisor (a practitioner's own)."""
    rows = [{"day": e.session.held_on, who: getattr(e.session, who),
             "minutes": e.session.minutes, "watched": "; ".join(e.watched) or "-",
             "notes": e.session.notes or "-", "next steps agreed": e.session.actions or "-"}
            for e in reversed(entries)]
    return pd.DataFrame(rows, columns=["day", who, "minutes", "watched", "notes",
                                       "next steps agreed"])


def supervision_log_for_page(ctx: Context, user: User) -> list[LoggedSession]:
    """The reader's supervision log in words (cached per data version)."""
    return cached(ctx, user, supervision_log_entries)


def my_calibrations_for_page(ctx: Context, user: User
                             ) -> list[tuple[Calibration, CalibrationResult]]:
    """A practitioner's own calibration results (cached per data version)."""
    return cached(ctx, user, my_calibration_results)


def my_calibration_frame(found: Sequence[tuple[Calibration, CalibrationResult]]
                         ) -> pd.DataFrame:
    """One row per calibration session of the practitioner's, in words."""
    frame = calibration_frame([r for _, r in found]).drop(columns=["trainee"])
    frame.insert(0, "calibration", [c.title for c, _ in found])
    frame.insert(1, "pass line", [f"{c.pass_line_percent}%" for c, _ in found])
    return frame


def _log_tab_reads(ctx: Context, user: User
                   ) -> tuple[list[LoggedSession], dict[int, str]]:
    return supervision_log_entries(ctx, user), reel_choices(ctx, user)


def log_tab_for_page(ctx: Context, user: User
                     ) -> tuple[list[LoggedSession], dict[int, str]]:
    """The supervisor's log in words and the reels they may name in a session, in one
    cached read (the page's statements stay under the N+1 guard's cap)."""
    return cached(ctx, user, _log_tab_reads)


def portfolio_pdf_for_page(ctx: Context, user: User, practitioner: str) -> bytes:
    """A practitioner's portfolio PDF (made by their supervisor or by themselves), made
    once per data version."""
    return cached(ctx, user, portfolio_pdf, practitioner)
