"""Every page under AppTest (widgets found by key), with the role rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from attune.core.accounts import Role
from attune.core.clip import CLIP_STATUS_WORDS, ClipStatus
from attune.core.consent import ConsentScope
from attune.services import Context
from attune.services.consent import record_consent
from attune.services.tokens import SESSIONS
from attune.ui.session import COOKIE_KEY, NOTICE_KEY, SESSION_KEY, USER_KEY
from tests.factories import PASSWORD, age_session, make_clip, make_family, make_user

from .conftest import texts

App = Callable[..., AppTest]


def test_sign_in_page_signs_in_and_lands_on_my_work(ctx: Context, app: App) -> None:
    make_user(ctx, "pat")
    at = app()
    at.run()
    assert not at.exception
    at.text_input(key="sign_in_username").input("pat")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button(key="sign_in_submit").click()
    at.run()
    assert not at.exception
    assert at.session_state[USER_KEY].username == "pat"
    # the page waits for the browser to keep the sign-in cookie (media links need it)
    assert "Signing you in" in texts(at) and "My work" not in texts(at)
    del at.session_state[COOKIE_KEY]  # what the cookie component's answer does
    at.run()
    assert "My work" in texts(at)
    assert "No clips yet" in texts(at)  # the empty state


def test_five_wrong_passwords_lock_and_say_so(ctx: Context, app: App) -> None:
    make_user(ctx, "pat")
    at = app()
    at.run()
    for attempt in range(5):
        at.text_input(key="sign_in_username").input("pat")
        at.text_input(key="sign_in_password").input(f"wrong password {attempt}")
        at.button(key="sign_in_submit").click()
        at.run()
    assert "locked for 15 minutes" in at.error[0].value
    assert USER_KEY not in at.session_state


def test_idle_session_is_signed_out(ctx: Context, app: App) -> None:
    pat = make_user(ctx, "pat")
    at = app(pat)
    sid = SESSIONS.start(ctx, pat.id)
    age_session(ctx, sid, 31 * 60)
    at.session_state[SESSION_KEY] = sid
    at.run()
    assert USER_KEY not in at.session_state
    assert "30 minutes without activity" in texts(at)  # shown on the sign-in page


def test_parent_gets_only_the_parent_page(ctx: Context, app: App) -> None:
    pat = make_user(ctx, "pat")
    mum = make_user(ctx, "mum", Role.PARENT)
    make_family(ctx, pat, "FAM-A")
    with ctx.db.transaction("system") as tx:
        tx.link_parent("FAM-A", "mum")
    at = app(mum)
    at.run()
    assert not at.exception
    assert "Welcome, mum" in texts(at)
    assert "will share your film" in texts(at)
    for page in ("consent.py", "families.py", "upload.py", "my_work.py", "scheme.py",
                 "accounts.py"):
        other = app(mum, page, family="FAM-A")
        other.run()
        assert other.error and other.error[0].value.startswith("Not allowed"), page
        assert "FAM-A" not in texts(other)
    with ctx.db.transaction("system") as tx:
        refused = [e for e in tx.audit_entries(object_type="access")
                   if e.action == "not-allowed" and e.actor == "mum"]
    assert len(refused) == 6


def test_practitioner_opening_another_familys_consent_is_not_allowed(ctx: Context,
                                                                      app: App) -> None:
    pat = make_user(ctx, "pat")
    sam = make_user(ctx, "sam")
    make_family(ctx, pat, "FAM-A")
    at = app(sam, "consent.py", family="FAM-A")
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Not allowed")
    assert not at.dataframe  # no consent shown
    with ctx.db.transaction("system") as tx:
        assert any(e.action == "not-allowed" and e.actor == "sam"
                   for e in tx.audit_entries(object_type="access"))


def test_families_page_adds_and_assigns(ctx: Context, app: App) -> None:
    pat = make_user(ctx, "pat")
    make_user(ctx, "sam")
    make_user(ctx, "mum", Role.PARENT)
    at = app(pat, "families.py")
    at.run()
    assert "No families yet" in texts(at)
    at.text_input(key="add_family_code").input("FAM-9")
    at.text_input(key="add_family_baby").input("Ada")
    at.button(key="add_family_submit").click()
    at.run()
    assert not at.exception
    assert "FAM-9 · Ada" in texts(at)
    assert "No clips yet." in texts(at)
    # each family's controls are in a dialog its one button opens
    assert not [w for w in at.selectbox if w.key == "assign_who_FAM-9"]
    at.button(key="manage_FAM-9").click().run()
    at.selectbox(key="assign_who_FAM-9").select("sam")
    at.button(key="assign_FAM-9").click().run()
    assert not at.exception
    assert "sam now works with family FAM-9." in texts(at)
    assert not [w for w in at.selectbox if w.key == "assign_who_FAM-9"]  # closed again
    assert "Practitioners: pat, sam" in texts(at)
    at.button(key="manage_FAM-9").click().run()
    at.selectbox(key="link_who_FAM-9").select("mum")
    at.button(key="link_FAM-9").click().run()
    with ctx.db.transaction("system") as tx:
        family = tx.get_family("FAM-9")
    assert set(family.practitioners) == {"pat", "sam"} and family.parents == ("mum",)
    # a refused action says why in the dialog, which stays open with what was chosen
    at.button(key="manage_FAM-9").click().run()
    at.text_input(key="baby_name_FAM-9").input(" ")
    at.button(key="baby_save_FAM-9").click().run()
    assert not at.exception
    assert at.error and at.text_input(key="baby_name_FAM-9").value == " "
    assert "details for family FAM-9 are saved" not in texts(at)
    # a bad code is refused with the service's message
    at.text_input(key="add_family_code").input("Smith family")
    at.text_input(key="add_family_baby").input("Bo")
    at.button(key="add_family_submit").click()
    at.run()
    assert "never the family's surname" in at.error[0].value
    # ending involvement
    at.date_input(key="end_day_FAM-9").set_value(date.today())
    at.run()
    at.button(key="end_FAM-9").click()
    at.run()
    with ctx.db.transaction("system") as tx:
        assert tx.get_family("FAM-9").involvement_ended_on == date.today()
    assert f"involvement ended {date.today()}" in texts(at)


def test_the_family_dialog_leads_to_consent_and_closes(ctx: Context, app: App) -> None:
    pat = make_user(ctx, "pat")
    make_family(ctx, pat, "FAM-A")
    at = app(pat, "families.py")
    at.run()
    at.button(key="manage_FAM-A").click().run()
    at.button(key="to_consent_FAM-A").click().run()
    assert not at.exception
    assert "Family FAM-A" in texts(at) and at.dataframe  # its consent
    at.switch_page("app_pages/families.py").run()
    assert not [w for w in at.button if w.key == "assign_FAM-A"]  # not open again


def test_supervisor_sees_team_families_read_only(ctx: Context, app: App) -> None:
    make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    make_family(ctx, pat, "FAM-A")
    with ctx.db.transaction("system") as tx:
        sue = tx.get_user("sue")
    at = app(sue)
    at.run()
    assert not at.exception
    assert "Families of your team" in texts(at)
    assert "FAM-A · Maya" in texts(at)
    assert not [b for b in at.button if b.key in ("assign_FAM-A", "manage_FAM-A")]


def test_consent_page_records_and_withdraws_with_confirmation(ctx: Context,
                                                              app: App) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, "FAM-A", scopes=())
    at = app(pat, "consent.py")
    at.run()
    assert not at.exception
    assert "Nothing to withdraw" in texts(at)
    at.selectbox(key="consent_scope").select(ConsentScope.SHARED_REVIEW)
    at.text_input(key="consent_evidence").input("signed form")
    at.button(key="consent_record").click()
    at.run()
    assert not at.exception
    rows = at.dataframe[0].value
    shared = rows[rows["consent for"] == "Shared review"].iloc[0]
    assert shared["state"] == "granted" and shared["evidence"] == "signed form"
    assert "together with the parent" in shared["what it allows"]

    clip = make_clip(ctx, pat, family)
    at.run()
    warning = at.warning[0].value
    assert f"Clip {clip.id}" in warning and clip.original_name not in warning  # what goes
    assert at.button(key="withdraw_confirm").disabled
    at.checkbox(key="withdraw_sure").check()
    at.text_input(key="withdraw_code").input("FAM-B")  # the wrong code
    at.run()
    assert at.button(key="withdraw_confirm").disabled
    at.text_input(key="withdraw_code").input("FAM-A")
    at.run()
    at.button(key="withdraw_confirm").click()
    at.run()
    assert not at.exception
    assert "1 clip(s) and 0 reel(s) deleted" in texts(at)
    with ctx.db.transaction("system") as tx:
        assert tx.clips_for_family(family.id) == []


def test_upload_page_refuses_without_consent_then_shows_progress(ctx: Context,
                                                                 app: App) -> None:
    pat = make_user(ctx, "pat")
    make_family(ctx, pat, "FAM-A", scopes=())
    at = app(pat, "upload.py")
    at.run()
    assert not at.exception
    assert "Shared review consent for this family is not recorded" in at.error[0].value
    record_consent(ctx, pat, "FAM-A", ConsentScope.SHARED_REVIEW, True,
                   date.today() - timedelta(days=1), "form")
    at.run()
    assert not at.error
    assert "No clips yet" in texts(at)
    with ctx.db.transaction("system") as tx:
        family = tx.get_family("FAM-A")
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("worker") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.FAILED, failure_reason="No video stream.")
    at.run()
    assert "No video stream." in at.error[0].value
    assert at.button(key=f"retry_{clip.id}")


def test_upload_page_retry_requeues(ctx: Context, app: App, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    queued: list[int] = []
    monkeypatch.setattr("attune.jobs.enqueue_ingest",
                        lambda settings, clip_id, job_id: queued.append(clip_id))
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, "FAM-A")
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("worker") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.FAILED, failure_reason="Broken.")
    at = app(pat, "upload.py")
    at.run()
    at.button(key=f"retry_{clip.id}").click()
    at.run()
    assert not at.exception
    assert queued == [clip.id]
    assert "Preparing" in texts(at) or at.get("progress")


def test_my_work_lists_clips(ctx: Context, app: App) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, "FAM-A")
    clip = make_clip(ctx, pat, family)
    at = app(pat)
    at.run()
    assert not at.exception
    assert f"Clip {clip.id}" in texts(at)
    assert CLIP_STATUS_WORDS[ClipStatus.STORED] in texts(at)


def test_scheme_page_saves_a_new_version_and_shows_errors(ctx: Context, app: App) -> None:
    pat = make_user(ctx, "pat")
    at = app(pat, "scheme.py")
    at.run()
    assert not at.exception
    assert "version 2" in texts(at)  # the newest shipped (v1 and v2 are installed)
    assert len(at.dataframe[0].value) > 30
    at.number_input(key="scheme_window_X").set_value(6.0)
    at.button(key="scheme_save").click()
    at.run()
    assert not at.exception
    assert "version 3" in texts(at)
    with ctx.db.transaction("system") as tx:
        assert tx.get_scheme("attuned-moments").document["latency_windows_ms"]["X"] == 6000
        assert tx.get_scheme("attuned-moments", 1).document["latency_windows_ms"]["X"] == 5000


def test_accounts_page_for_admins_only(ctx: Context, app: App) -> None:
    admin = make_user(ctx, "root", Role.ADMIN)
    pat = make_user(ctx, "pat")
    at = app(admin)
    at.run()
    assert not at.exception
    assert "Accounts" in texts(at)
    at.text_input(key="account_username").input("newbie")
    at.text_input(key="account_display").input("New Bie")
    at.selectbox(key="account_role").select(Role.PRACTITIONER)
    at.text_input(key="account_password").input("a long password")
    at.button(key="account_add").click()
    at.run()
    assert "Account newbie added." in texts(at)
    at.selectbox(key="switch_who").select("pat")
    at.button(key="switch_off").click()
    at.run()
    with ctx.db.transaction("system") as tx:
        assert not tx.get_user("pat").active
    # a switched-off account is signed out at its next step
    pat_app = app(pat)
    pat_app.run()
    assert USER_KEY not in pat_app.session_state
    other = app(make_user(ctx, "sam"), "accounts.py")
    other.run()
    assert other.error[0].value.startswith("Not allowed")
    assert NOTICE_KEY not in other.session_state


def test_organisation_sign_in_is_offered_only_when_configured(ctx: Context, app: App) -> None:
    at = app()
    at.run()
    assert not [b for b in at.button if b.key == "sign_in_oidc"]
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "attune",
                          "client_secret": "s",
                          "server_metadata_url": "https://id.example/.well-known/openid"}
    at.run()
    assert not at.exception
    assert at.button(key="sign_in_oidc").label == "Sign in with your organisation account"
