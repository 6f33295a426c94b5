"""A reel whose render worker died can be rendered again from the Reels page once the
recovery has run (before, the page shows it as busy and will not render it)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.jobs import JobKind, JobStatus
from attune.core.reel import ReelStatus
from attune.services import Context
from attune.services.recovery import recover_stalled_jobs
from attune.services.reels import add_moment, create_reel
from tests.factories import coded_sample

App = Callable[..., AppTest]


@pytest.mark.slow
def test_page_renders_again_after_a_dead_workers_reel_is_recovered(ctx: Context,
                                                                   app: App) -> None:
    pat, _mum, family, clip = coded_sample(ctx)
    moment = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = create_reel(ctx, pat, family.code, [moment.id], "Maya and you")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with ctx.db.transaction("worker") as tx:  # as a worker killed mid-render leaves it
        job = tx.create_job(JobKind.REEL, reel.id)
        tx.update_job(job.id, status=JobStatus.RUNNING, stage="render", percent=40,
                      worker=f"{socket.gethostname()}:{gone}")
        tx.set_reel_status(reel.id, ReelStatus.RENDERING)
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert not at.exception
    assert at.button(key="reels_render").disabled is True  # stuck "rendering"

    assert [j.id for j in recover_stalled_jobs(ctx)] == [job.id]
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert not at.exception
    assert at.button(key="reels_render").disabled is False
