"""The Tallies and Supervision pages under AppTest (widgets by key), the role rules, the
parent-safe view, the exports; and the small logic behind them."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from attune.analysis.tallies import Audience
from attune.core.accounts import Role, User
from attune.core.clip import ClipStatus
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.core.words import check_words
from attune.services import Context
from attune.services.analysis import family_coding, family_tallies
from attune.services.demo import DEMO_FAMILY
from attune.services.supervision import (
    report_parameters,
    set_gold_coder,
    team_agreement,
    team_names,
)
from attune.ui import supervision as sup
from attune.ui import tallies as tal
from attune.ui.workspace import coders_from_query, seek_from_query
from tests.factories import demo_users, demo_without_video, make_clip, make_family, make_user

from .conftest import open_tab, texts

App = Callable[..., AppTest]
PRACTITIONER_ONLY = ("N01", "N02", "N03", "Unanswered cues", "Proportion answered",
                     "Practitioner-only", "unanswered_cues", "proportion_answered",
                     "beyond chance", "Yule's Q", "Shift test p", "Fisher p")


@pytest.fixture
def demo(ctx: Context) -> dict[str, User]:
    """The demo without video processing: clips marked ready with their lengths."""
    demo_without_video(ctx)
    return demo_users(ctx, "pat", "sam", "sue", "parent")


def _all_text(at: AppTest) -> str:
    frames = " ".join(" ".join(map(str, df.value.columns)) for df in at.dataframe)
    return texts(at) + " " + frames + " " + " ".join(str(m.label) for m in at.metric)


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The page's (first) table that has ``column`` (AppTest does not keep table keys)."""
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


# ------------------------------------------------------------------------ Tallies page
def test_tallies_page_for_a_practitioner(demo: dict[str, User], app: App) -> None:
    at = app(demo["pat"], "tallies.py", family=DEMO_FAMILY)
    at.run()
    assert not at.exception
    assert at.selectbox(key="tallies_family").value == DEMO_FAMILY
    assert at.selectbox(key="tallies_clip").value.clip_id == 3  # the latest clip
    said = _all_text(at)
    assert "Practitioner-only" in said and "N01" in said and "Proportion answered" in said
    assert "What the parent hears" in said
    assert at.get("download_button")  # CSV and XLSX
    assert {b.key for b in at.get("download_button")} == {"tallies_csv", "tallies_xlsx"}
    assert len(at.get("vega_lite_chart")) == 4  # rates, principles, bands, beyond chance
    assert "Unanswered cues" in _frame(at, "Cues per minute").columns


def test_beyond_chance_for_a_practitioner_with_its_parameters(demo: dict[str, User],
                                                              app: App) -> None:
    at = app(demo["pat"], "tallies.py", family=DEMO_FAMILY, clip="1")
    at.run()
    assert not at.exception
    said = _all_text(at)
    assert "Responsiveness beyond chance" in said
    assert "time units of 1 s" in said and "answer windows: engagement 3 s" in said
    table = _frame(at, "Yule's Q")
    assert list(table["Cues"]) == ["engagement", "needs a break", "distress", "every cue"]
    at.selectbox(key="tallies_step").set_value("half a second").run()
    at.selectbox(key="tallies_window").set_value("1 second (immediate answers only)").run()
    assert not at.exception
    said = _all_text(at)
    assert "time units of 0.5 s" in said and "engagement 1 s, needs a break 1 s" in said


def test_tallies_clip_from_the_link_and_the_rescoring_window(demo: dict[str, User],
                                                               app: App) -> None:
    at = app(demo["sue"], "tallies.py", family=DEMO_FAMILY, clip="1")
    at.run()
    assert not at.exception
    assert at.selectbox(key="tallies_clip").value.clip_id == 1
    before = {m.label: m.value for m in at.metric}["Attuned responses"]
    at.selectbox(key="tallies_window").select("1 second (immediate answers only)").run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}["Attuned responses"]
    assert int(after) < int(before)  # clip 1: 2 of 6 attuned responses are "prompt"


def test_parent_safe_view_never_shows_practitioner_only_figures(demo: dict[str, User],
                                                                  app: App) -> None:
    at = app(demo["pat"], "tallies.py", family=DEMO_FAMILY)
    at.run()
    at.toggle(key="tallies_parent_view").set_value(True).run()
    assert not at.exception
    said = _all_text(at)
    for word in PRACTITIONER_ONLY:
        assert word not in said, word
    frame = _frame(at, "Moments you noticed and answered")
    assert list(frame.columns) == list(tal.PARENT_WORDS_COLUMNS.values())
    assert at.get("download_button")
    metrics = [m.label for m in at.metric]
    assert metrics and "Cues seen" not in metrics and "Median answer" not in metrics
    for word in ("Cues", "cues", "latency", "Median", "IQR", "per minute", "window"):
        assert word not in " ".join(metrics) + " ".join(frame.columns), word


def test_what_the_parent_hears_is_in_parent_words(demo: dict[str, User], app: App) -> None:
    at = app(demo["pat"], "tallies.py", family=DEMO_FAMILY)
    at.run()
    box = [m.value for m in at.markdown if str(m.value).startswith("- ")]
    assert box and any("Maya" in s for s in box)
    assert any(" her" in s for s in box)  # the family's record says "she"
    for sentence in box:
        assert "%" not in sentence
        assert not check_words(sentence.replace("Maya", "Baby")), sentence


def test_parent_and_admin_cannot_open_tallies(demo: dict[str, User], app: App) -> None:
    at = app(demo["parent"], "tallies.py")
    at.run()
    assert at.error and at.error[0].value.startswith("Not allowed")


# ------------------------------------------------------------------------ Supervision
@pytest.mark.parametrize("who", ["parent", "pat"])
def test_supervision_is_not_allowed_for_others(demo: dict[str, User], app: App,
                                               who: str) -> None:
    at = app(demo[who], "supervision.py")
    at.run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Not allowed")
    assert "Agreement" not in texts(at)


def test_supervision_shows_the_double_coded_clip(demo: dict[str, User], app: App) -> None:
    at = app(demo["sue"], "supervision.py")
    at.run()
    assert not at.exception
    said = texts(at)
    assert "Clip 1" in said and "pat and sam" in said
    # the page's pairs in one table, a line each; the one chosen shown in full below
    table = next(m.value for m in at.markdown if m.value.startswith("| Clip |"))
    assert "| Clip 1 | pat and sam |" in table and table.endswith(
        "| 0.87 | 0.26 | 0.93 | 94% | 2 | :green-badge[green] |"), table
    assert table.startswith("| Clip | Coders | Assigned | Event kappa | Time-unit kappa |")
    assert at.selectbox(key="sup_pair_look_1").options == ["Clip 1, coded by pat and sam"]
    # green overall (event kappa .87), not red for time-unit kappa over every lane (.26)
    assert "pat and sam · assigned" in said and "· :green-badge[green]" in said
    assert ":green-badge[green] Green for the same moments: event kappa 0.87" in said
    assert ":red-badge[red] Red for how long responses last" in said
    lanes = _frame(at, "durations flagged")
    assert list(lanes["lane"]) == ["cues", "responses", "reactions"]
    assert list(lanes["time-unit kappa"]) == ["0.60", "0.25", "0.38"]
    assert "at most 1.0 s apart (the tolerance)" in said and "not a tolerance" in said
    assert _frame(at, "agreement").iloc[0]["agreement"] < 1
    # only the open tab is laid out: the disagreements appear when their tab is opened
    assert not any("5900" in str(link.proto) for link in at.get("page_link"))
    open_tab(at, "sup_tab", "Disagreements")
    links = at.get("page_link")
    assert any("t=5900" in str(link.proto.page) or "5900" in str(link.proto) for link in links)
    open_tab(at, "sup_tab", "Agreement")
    # the PDF is laid out when asked for (it takes seconds with a full caseload)
    assert {b.key for b in at.get("download_button")} == {"sup_csv"}
    at.button(key="sup_pdf_prepare").click().run()
    assert not at.exception
    assert {b.key for b in at.get("download_button")} == {"sup_pdf", "sup_csv"}
    pdf = next(b for b in at.get("download_button") if b.key == "sup_pdf")
    assert pdf.proto.url  # the file is there to download
    open_tab(at, "sup_tab", "Calibration")
    assert {b.key for b in at.get("download_button")} == {"sup_group_pdf"}


def test_supervision_tolerance_changes_the_statistics(demo: dict[str, User],
                                                      app: App) -> None:
    at = app(demo["sue"], "supervision.py")
    at.run()
    at.number_input(key="sup_tolerance_ms").set_value(200).run()
    assert not at.exception
    assert "at most 0.2 s apart (the tolerance)" in texts(at)


def test_supervision_assigns_double_coding(demo: dict[str, User], app: App) -> None:
    at = app(demo["sue"], "supervision.py")
    open_tab(at, "sup_tab", "Assign double-coding")
    at.number_input(key="sup_share").set_value(100)
    at.number_input(key="sup_seed").set_value(7)
    at.button(key="sup_assign_submit").click().run()
    assert not at.exception
    assert "2 clip(s) assigned of 2 eligible" in texts(at)  # clip 1 is double-coded already
    plan = _frame(at, "second coder")
    assert set(plan["clip"]) == {2, 3} and set(plan["second coder"]) == {"sam"}


def test_supervision_skips_clips_without_second_coder_consent(
        ctx: Context, demo: dict[str, User], app: App) -> None:
    scopes = tuple(s for s in ConsentScope if s != ConsentScope.SECOND_CODER)
    family = make_family(ctx, demo["pat"], "NOSECOND", "Ada", scopes=scopes)
    clip = make_clip(ctx, demo["pat"], family)
    with ctx.db.transaction("pat") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=1000)
        tx.add_events(clip.id, [Event(EventKind.CUE, "C02", 100, 100, coder="pat")])
    at = app(demo["sue"], "supervision.py")
    open_tab(at, "sup_tab", "Assign double-coding")
    at.button(key="sup_assign_submit").click().run()
    assert not at.exception
    assert f"Skipped for lack of second-coder consent: clip(s) {clip.id}" in texts(at)


def test_supervision_sets_a_gold_coder_and_shows_calibration(
        ctx: Context, demo: dict[str, User], app: App) -> None:
    at = app(demo["sue"], "supervision.py")
    open_tab(at, "sup_tab", "Calibration")
    at.selectbox(key="sup_gold_clip").select(1)
    at.selectbox(key="sup_gold_coder").select("sam")
    at.button(key="sup_gold_set").click().run()
    assert not at.exception
    assert "gold standard" in texts(at)
    with ctx.db.transaction("test") as tx:
        tx.mark_coding_done(1, "sam")
    at.run()
    table = _frame(at, "gold")
    assert list(table["coder"]) == ["pat"] and list(table["gold"]) == ["sam"]
    # everyone against the gold coding, on the same tab
    at.selectbox(key="sup_group_clip").select(1).run()
    assert not at.exception
    group = _frame(at, "gold moments found")
    assert list(group["coder"]) == ["pat"]
    assert list(_frame(at, "Fleiss' kappa")["lane"]) == ["cues", "responses", "reactions"]
    assert "for the same moments: Fleiss' kappa" in texts(at)


def test_my_work_marks_coding_done(ctx: Context, demo: dict[str, User], app: App) -> None:
    at = app(demo["sam"], "my_work.py")
    at.run()
    assert at.button(key="done_1").label == "Reopen my coding"
    at.button(key="done_1").click().run()
    assert not at.exception
    with ctx.db.transaction("test") as tx:
        mine = [a for a in tx.assignments(clip_id=1) if a.coder == "sam"]
    assert mine[0].done_at is None
    assert at.button(key="done_1").label == "Mark my coding done"


# ------------------------------------------------------------------------ logic
def test_exports_and_the_parents_figures(ctx: Context, demo: dict[str, User]) -> None:
    """What a parent may see of the tallies is the analysis's rule (Audience.PARENT): no
    practitioner-only column reaches a parent's frame or its exports."""
    frame = family_tallies(ctx, demo["pat"], DEMO_FAMILY, audience=Audience.PRACTITIONER)
    safe = family_tallies(ctx, demo["pat"], DEMO_FAMILY, audience=Audience.PARENT)
    assert "N01" in frame.columns and "N01" not in safe.columns
    assert set(safe.columns) < set(frame.columns)
    assert not [c for c in safe.columns if c in ("responses_without_cue", "unanswered_cues")
                or str(c).startswith("all_responses_band_")]
    assert "cues_per_minute" in safe.columns
    back = pd.read_excel(io.BytesIO(tal.xlsx_bytes(safe)))
    assert list(back.columns) == list(safe.columns) and len(back) == 3
    assert tal.csv_bytes(safe).decode().splitlines()[0].startswith("session,date,clips")
    long = tal.bands_long(frame)
    assert set(long["band"]) == set(tal.BANDS) and long["count"].sum() == 17
    assert len(tal.principles_long(frame)) == 3 * 6
    assert set(tal.rates_long(frame)["measure"]) == set(tal.RATES.values())


def test_parent_sentences_use_only_earlier_sessions(ctx: Context,
                                                    demo: dict[str, User]) -> None:
    _, clips = tal.family_clips(ctx, demo["pat"], DEMO_FAMILY)
    sessions = tal.session_parent_tallies(
        ctx, demo["pat"], DEMO_FAMILY, clips,
        coding=family_coding(ctx, demo["pat"], DEMO_FAMILY))
    first, second = sessions[0][0], sessions[1][0]
    said_first = tal.parent_sentences(sessions, first, "Maya", "she")
    said_second = tal.parent_sentences(sessions, second, "Maya", "she")
    assert not any("last time" in s for s in said_first)  # nothing earlier to compare
    assert any("last time" in s for s in said_second)  # more turns in session 2
    assert tal.parent_sentences(sessions, 999, "Maya") == []


def test_agreement_tables(ctx: Context, demo: dict[str, User]) -> None:
    pairs = team_agreement(ctx, demo["sue"])
    per_code = sup.per_code_frame(pairs)
    assert "unmatched" not in set(per_code["code"])
    worst = per_code.iloc[0]
    assert worst["agreement"] == pytest.approx(2 * worst["both"] / (worst["coder A"]
                                                                    + worst["coder B"]))
    rows = sup.disagreement_rows(pairs)
    assert [r["at_ms"] for r in rows] == sorted(r["at_ms"] for r in rows)
    assert rows[0]["query"] == {"clip": "1", "t": str(rows[0]["at_ms"]), "coders": "pat,sam"}
    drift = sup.drift_long(pairs)
    assert set(drift["statistic"]) == set(sup.STATISTICS.values())
    monthly = sup.by_month(drift, ["statistic"], "value")  # what the drift chart draws
    assert set(monthly["statistic"]) == set(drift["statistic"])
    assert monthly["clips"].sum() == len(drift) and (monthly["date"].dt.day == 1).all()
    one = drift[drift["statistic"] == monthly["statistic"].iloc[0]]
    first = one[one["date"].dt.to_period("M") == monthly["date"].iloc[0].to_period("M")]
    assert monthly["value"].iloc[0] == pytest.approx(first["value"].mean())
    assert sup.by_month(drift.iloc[0:0], ["statistic"], "value").empty
    for chart in (sup.drift_chart(drift), sup.coders_chart(sup.coders_long(pairs))):
        assert chart.to_dict()["layer"]  # valid Vega-Lite
    params = report_parameters(pairs, 1000, 1000)
    csv = sup.report_csv(pairs, params).decode()
    assert csv.startswith("# Events of the two coders were paired")
    assert "# Time-unit agreement sampled both timelines every 1.0 s" in csv
    assert "tolerance_ms" not in csv.split("\nclip,")[0]
    assert sup.report_pdf(pairs)[:5] == b"%PDF-"
    lines = sup.parameter_lines(params)
    assert "tolerance" in lines[0] and "sampling step, not a tolerance" in lines[1]
    assert [f"# {line}" for line in lines] == csv.split("\nclip,")[0].splitlines()


def test_calibration_long_has_each_coder_against_gold(ctx: Context,
                                                      demo: dict[str, User]) -> None:
    make_user(ctx, "eve", Role.PRACTITIONER, supervisor="sue")
    set_gold_coder(ctx, demo["sue"], 1, "sam")
    with ctx.db.transaction("test") as tx:
        tx.mark_coding_done(1, "sam")
    pairs = team_agreement(ctx, demo["sue"])
    calib = sup.calibration_long(pairs)
    assert len(calib) == 1 and calib.iloc[0]["coder"] == "pat"
    assert [p.role for p in pairs].count(CodingRole.GOLD) == 1
    assert "eve" in team_names(ctx, demo["sue"])


def test_workspace_link_params() -> None:
    from attune.core.clip import Clip

    clip = Clip(4, 1, 1, "a.mp4", "", 0, ClipStatus.READY, duration_ms=10_000)
    assert coders_from_query("sam,pat", ["pat", "sam", "eve"]) == ["sam", "pat"]
    assert coders_from_query("mallory", ["pat", "sam", "eve"]) == ["pat", "sam"]
    assert seek_from_query("-5", clip, []) is None
    assert seek_from_query(" 1200 ", clip, ["pat"]) == {"ms": 1200, "key": "4:1200:pat"}


def test_supervision_runs_a_calibration_session(ctx: Context, demo: dict[str, User],
                                                app: App) -> None:
    set_gold_coder(ctx, demo["sue"], 1, "sam")
    with ctx.db.transaction("test") as tx:
        tx.mark_coding_done(1, "sam")
    at = app(demo["sue"], "supervision.py")
    open_tab(at, "sup_tab", "Calibration")
    at.text_input(key="sup_cal_title").input("Spring calibration")
    at.multiselect(key="sup_cal_clips").select(1)
    at.multiselect(key="sup_cal_trainees").select("pat")
    at.number_input(key="sup_cal_line").set_value(75)
    at.button(key="sup_cal_create").click().run()
    assert not at.exception and not at.error
    assert "'Spring calibration' is ready" in texts(at)
    results = _frame(at, "codes at the pass line")
    assert list(results["trainee"]) == ["pat"]
    assert list(results["clips done"]) == ["1 of 1"]
    assert results.iloc[0]["result"] == "below the pass line on some codes"
    assert "Pass line 75% per code." in texts(at)
