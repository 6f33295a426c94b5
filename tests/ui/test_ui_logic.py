"""The logic behind the pages (attune/ui), without Streamlit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from attune.core.accounts import Role, User
from attune.core.consent import ConsentDecision, ConsentScope
from attune.errors import InputError
from attune.schemes import default_scheme_document, parse_scheme
from attune.services import Context
from attune.services.schemes import save_scheme
from attune.ui.app import ROLE_PAGES, SIGN_IN, SIGN_OUT, WORKSPACE, pages_for, routable_for
from attune.ui.consent import consent_rows, scope_state, withdrawable
from attune.ui.scheme_edit import COLUMNS, code_rows, document_from_rows
from tests.factories import make_user

DAY = date(2026, 6, 1)


def _user(role: Role) -> User:
    return User(1, "u", "U", role)


def test_each_role_gets_its_own_menu(tmp_path: Path) -> None:
    (tmp_path / "app_pages").mkdir()
    for spec in {p for pages in ROLE_PAGES.values() for p in pages} - {WORKSPACE}:
        (tmp_path / "app_pages" / spec.file).touch()
    assert pages_for(None, tmp_path) == [SIGN_IN]
    titles = {r: [p.title for p in pages_for(_user(r), tmp_path)] for r in Role}
    assert titles[Role.PARENT] == ["Your film", "Sign out"]
    assert titles[Role.ADMIN] == ["Accounts", "Sign out"]
    # no workspace file yet
    # supervisors read and edit schemes too
    assert titles[Role.SUPERVISOR] == ["Families", "Goals and visits", "Supervision",
                                       "Tallies", "Coding scheme", "Search", "Sign out"]
    assert titles[Role.PRACTITIONER] == ["My work", "Families", "Goals and visits", "Consent",
                                         "Upload",
                                         "Coding scheme", "Reels", "Tallies", "Search",
                                         "My supervision", "Sign out"]
    (tmp_path / "app_pages" / WORKSPACE.file).touch()
    assert WORKSPACE in pages_for(_user(Role.SUPERVISOR), tmp_path)
    # a parent can reach the guarded pages (to be told "Not allowed"), never the workspace
    parent_routes = routable_for(_user(Role.PARENT), tmp_path)
    assert WORKSPACE not in parent_routes and SIGN_OUT in parent_routes
    assert routable_for(None, tmp_path) == [SIGN_IN]


def test_consent_rows_show_the_deciding_record() -> None:
    decisions = [
        ConsentDecision(1, ConsentScope.SHARED_REVIEW, True, date(2026, 1, 1), evidence="form"),
        ConsentDecision(1, ConsentScope.RESEARCH, False, date(2026, 1, 1)),
        ConsentDecision(1, ConsentScope.TRAINING, True, date(2026, 1, 1),
                        withdrawn_on=date(2026, 2, 1)),
        ConsentDecision(1, ConsentScope.PARENT_COPY, True, date(2026, 1, 1),
                        retain_until=date(2026, 3, 1)),
    ]
    rows = {r["consent for"]: r for r in consent_rows(decisions, DAY)}
    assert rows["Shared review"]["state"] == "granted"
    assert rows["Shared review"]["evidence"] == "form"
    assert rows["Research"]["state"] == "declined"
    assert rows["Training"]["state"] == "withdrawn"
    assert rows["Parent's copy"]["state"] == "ran out"
    assert rows["Supervision"]["state"] == "not recorded"
    assert all(r["what it allows"] for r in rows.values())
    assert withdrawable(decisions, DAY) == [ConsentScope.SHARED_REVIEW]
    assert scope_state(None, DAY) == "not recorded"


def test_scheme_rows_round_trip() -> None:
    doc = default_scheme_document()
    again = document_from_rows(doc, code_rows(doc), {"E": 3.0, "D": 3.0, "X": 5.0})
    assert again == doc
    parse_scheme(again)


def test_scheme_rows_edits_and_errors() -> None:
    doc = default_scheme_document()
    rows = code_rows(doc)
    rows.append({COLUMNS[k]: v for k, v in {
        "id": "C17", "kind": "cue", "label": "kicks legs", "key": "k", "valence": "E",
        "potency": "S", "principle": None, "fits": "", "vocal": False, "positive": False,
        "practitioner_only": False}.items()})
    rows.append({COLUMNS[k]: None for k in ("id", "kind", "label", "key")})  # blank row
    edited = document_from_rows(doc, rows, {"E": 2.5, "D": 3.0, "X": 5.0})
    assert edited["codes"][-1]["id"] == "C17"
    assert edited["latency_windows_ms"]["E"] == 2500
    with pytest.raises(InputError, match="no code id"):
        document_from_rows(doc, [*rows, {COLUMNS["id"]: "", COLUMNS["label"]: "x"}],
                           {"E": 3, "D": 3, "X": 5})
    with pytest.raises(InputError, match="principle"):
        bad = [{**rows[20], COLUMNS["principle"]: "six"}]
        document_from_rows(doc, bad, {"E": 3, "D": 3, "X": 5})
    with pytest.raises(InputError, match="window"):
        document_from_rows(doc, rows, {"E": 0, "D": 3, "X": 5})


def test_saving_a_duplicate_key_is_refused_with_a_message(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    doc = default_scheme_document()
    rows = code_rows(doc)
    rows[1][COLUMNS["key"]] = rows[0][COLUMNS["key"]]
    with pytest.raises(InputError):
        save_scheme(ctx, pat, document_from_rows(doc, rows, {"E": 3, "D": 3, "X": 5}))


def test_gold_clip_choices_are_named_not_numbered() -> None:
    """The Calibration tab's clip list names each clip as the other pages do."""
    from attune.core.clip import Clip, ClipStatus
    from attune.core.family import Family
    from attune.ui.families import FamilyRow
    from attune.ui.supervision import gold_clip_choices

    family = Family(4, "FAM-A", "Maya", "2026-03")
    clip = Clip(7, 1, 4, "visit.mp4", "0" * 64, 10, ClipStatus.READY, duration_ms=30_000)
    choices = gold_clip_choices([FamilyRow(family, [clip], False)])
    assert choices == {7: "FAM-A · Clip 7 · 0:30"}
    assert "visit.mp4" not in choices[7]


def test_search_hits_read_their_time_by_the_one_formatter() -> None:
    """A hit 59,960 ms in reads 1:00.0 (a formatter of its own once wrote 0:60.0)."""
    from attune.core.scheme import EventKind
    from attune.services.search import Hit
    from attune.ui.search import link_words, playlist_items

    hit = Hit("FAM-A", 3, "visit 1", DAY, "pat", 7, EventKind.CUE, "C02", "smiles",
              59_960, 60_500, (), "", "", True, "prompt", 400)
    assert link_words(hit) == "FAM-A · visit 1 · 1:00.0"
    (item,) = playlist_items([hit], lambda clip_id: f"/media/{clip_id}")
    assert item["title"].startswith("FAM-A · visit 1 · 1:00.0 · C02 smiles")


def test_a_familys_row_says_its_people_and_clips_in_a_few_words() -> None:
    """The Families page's row: clips by state, numbers one after another as a run, and
    a baby's name shown as typed (not made bold or a link)."""
    from attune.core.clip import Clip, ClipStatus
    from attune.core.family import Family
    from attune.ui.families import FamilyRow, clip_numbers, family_summary

    assert clip_numbers([4]) == "Clip 4"
    assert clip_numbers([3, 1, 2, 7, 9, 10]) == "Clips 1 to 3, 7, 9 and 10"
    family = Family(4, "FAM-A", "*Mo*", "2026-03", practitioners=("pat",))
    clips = [Clip(i, 1, 4, "visit.mp4", "0" * 64, 10,
                  ClipStatus.QUEUED if i == 5 else ClipStatus.READY) for i in range(1, 7)]
    said = family_summary(FamilyRow(family, clips, True))
    assert said.splitlines() == [
        r"##### FAM-A · \*Mo\*", "Practitioners: pat · Parent accounts: none  ",
        "Clips 1 to 4 and 6: ready to code · Clip 5: waiting to be prepared"]
    assert "visit.mp4" not in said
    assert family_summary(FamilyRow(family, [], False)).endswith("No clips yet.")
