"""The Supervision page's "Supervision log and portfolio" tab and the ICC across a pair's
clips, in Streamlit's AppTest on the demo (clips marked ready with their lengths)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import User
from attune.services import Context
from tests.factories import demo_users, demo_without_video

from .conftest import texts

App = Callable[..., AppTest]


@pytest.fixture
def demo(ctx: Context) -> dict[str, User]:
    demo_without_video(ctx)
    return demo_users(ctx, "pat", "sue")


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


def test_a_supervisor_logs_a_session_and_prepares_the_portfolio(demo: dict[str, User],
                                                                app: App) -> None:
    at = app(demo["sue"], "supervision.py")
    at.run()
    assert not at.exception
    # one double-coded clip: the ICC across the pair's clips says how many more it needs
    icc = _frame(at, "95% interval")
    assert set(icc["flag"]) == {"not yet"} and set(icc["clips"]) == {1}
    said = texts(at)
    assert "pat and sam: Not shown yet" in said and "there is 1, so 4 more" in said
    at.selectbox(key="sup_log_who").set_value("pat")
    at.number_input(key="sup_log_minutes").set_value(90)
    at.multiselect(key="sup_log_clips").select(1)
    at.text_area(key="sup_log_notes").input("Watched the pauses together.")
    at.text_area(key="sup_log_actions").input("Wait a moment longer before answering.")
    at.button(key="sup_log_submit").click().run()
    assert not at.exception and not at.error
    assert "Logged the supervision of pat on " in texts(at)
    log = _frame(at, "next steps agreed")
    assert list(log["practitioner"]) == ["pat"] and list(log["minutes"]) == [90]
    assert list(log["watched"]) == ["clip 1"] and list(log["day"]) == [date.today()]
    at.selectbox(key="sup_folio_who").set_value("pat")
    at.button(key="sup_folio_prepare").click().run()
    assert not at.exception and not at.error
    assert [b.label for b in at.get("download_button")
            if b.label == "Portfolio (PDF)"] == ["Portfolio (PDF)"]
