"""Jobs that always end: a reel render whose worker is killed half-way becomes failed with
a reason, its temporary files go, and it renders again (the ingest case is in
tests/test_jobs.py); a job of a kind recovery knows nothing about still ends."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

from attune.core.jobs import JobStatus
from attune.core.reel import ReelStatus
from attune.services import Context
from attune.services.recovery import recover_stalled_jobs, remove_partial_files
from attune.services.reels import add_moment, create_reel, queue_render, reel_job, update_moment
from tests.factories import coded_sample
from tests.test_jobs import installation, start_worker, stop, wait_for

__all__ = ["installation"]  # the fixture (SQLite queue, and Redis when configured)


def test_a_killed_render_ends_failed_leaves_no_tmp_and_renders_again(
        installation: Context) -> None:
    ctx = installation
    pat, _mum, family, clip = coded_sample(ctx)
    assert clip.duration_ms
    # long moments with film-stop and slow replay: a render slow enough to stop half-way
    step = clip.duration_ms // 3
    moments = [add_moment(ctx, pat, clip.id, i * step, (i + 1) * step - 40, "Maya looks at you")
               for i in range(3)]
    for m in moments:
        update_moment(ctx, pat, m.id, slow_replay=True, film_stop=True)
    reel = create_reel(ctx, pat, family.code, [m.id for m in moments], "Maya and you")
    queue_render(ctx, pat, reel.id)
    folder = ctx.media.reel_dir(reel.id)
    worker = start_worker(ctx)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job = reel_job(ctx, reel.id)
            partial = [p for p in folder.iterdir() if p.name.startswith(".")] \
                if folder.is_dir() else []
            if job and job.status == JobStatus.RUNNING and job.percent >= 3 and partial:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the render never got going: {reel_job(ctx, reel.id)}")
    finally:
        stop(worker, signal.SIGKILL)  # dies half-way, as on a power cut
    assert any(p.name.endswith(".tmp") for p in partial)
    with ctx.db.transaction("x") as tx:
        assert tx.get_reel(reel.id).status == ReelStatus.RENDERING  # stuck, as reported

    recovered = recover_stalled_jobs(ctx)
    assert [(j.kind, j.object_id, j.status) for j in recovered] == \
        [("reel", reel.id, JobStatus.FAILED)]
    assert "Render again" in recovered[0].error
    with ctx.db.transaction("x") as tx:
        failed = tx.get_reel(reel.id)
    assert failed.status == ReelStatus.FAILED and "attune reel render" in failed.error
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert recover_stalled_jobs(ctx) == []  # once

    queue_render(ctx, pat, reel.id)  # what the page's Render button and the CLI do
    worker = start_worker(ctx)
    try:
        job = wait_for(ctx, reel.id, {"done", "failed"}, timeout_s=240, job_of=reel_job)
    finally:
        stop(worker)
    assert getattr(job, "status", None) == JobStatus.DONE, job
    with ctx.db.transaction("x") as tx:
        ready = tx.get_reel(reel.id)
    assert ready.status == ReelStatus.READY and (folder / "reel.mp4").is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_a_job_of_any_kind_ends(installation: Context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ctx = installation
    with ctx.db.transaction("system") as tx:
        job = tx.create_job("handout", 7)
        tx.update_job(job.id, status=JobStatus.RUNNING, worker="another-host:123")
    assert recover_stalled_jobs(ctx) == []  # another machine's worker: not stale yet
    recovered = recover_stalled_jobs(ctx, stale_after=timedelta(0))
    assert [(j.id, j.status) for j in recovered] == [(job.id, JobStatus.FAILED)]
    assert "start it again" in recovered[0].error
    folder = tmp_path / "reel"
    folder.mkdir()
    (folder / "reel.mp4").write_bytes(b"finished")
    (folder / ".reel.mp4.ab12.tmp").write_bytes(b"half")
    assert [p.name for p in remove_partial_files(folder)] == [".reel.mp4.ab12.tmp"]
    assert [p.name for p in folder.iterdir()] == ["reel.mp4"]
