"""Jobs that always end: a reel render or an analysis (detect) whose worker is killed
half-way becomes failed with a reason, leaves nothing half-made, and runs again (the
ingest case is in tests/test_jobs.py); a job of a kind recovery knows nothing about still
ends."""

from __future__ import annotations

import signal
import time
import wave
from datetime import timedelta
from pathlib import Path

import numpy as np

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


def _long_sound(path: Path, minutes: int = 10, rate: int = 16_000) -> None:
    """A clip's processed copy with only sound: room noise and, every 4 s, a second of a
    voiced sound at a baby's pitch (slow enough to listen to that a worker can be stopped
    half-way). Written as WAV: the copy is opened by its content, not its name."""
    rng = np.random.default_rng(3)
    t = np.arange(minutes * 60 * rate) / rate
    sound = 0.01 * rng.standard_normal(t.size)
    voiced = (t % 4.0) < 1.0
    pitch = 420 + 40 * np.sin(2 * np.pi * 3 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    sound += voiced * 0.3 * sum(np.sin(k * phase) / k for k in (1, 2, 3))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(sound, -1, 1) * 32000).astype("<i2").tobytes())


def test_a_killed_analysis_ends_failed_keeps_nothing_and_runs_again(
        installation: Context) -> None:
    """The third job kind, the listening for suggested marks (detect): its worker killed
    half-way, the job is seen at once as failed with what to do, no suggestion is kept,
    the clip stays ready and codable, and the analysis runs again."""
    from attune.core.clip import ClipStatus
    from attune.services.suggestions import detection_job, queue_detection
    from tests.factories import make_clip, make_family, make_user

    ctx = installation
    pat = make_user(ctx, "pat")
    clip = make_clip(ctx, pat, make_family(ctx, pat))
    proxy = ctx.media.clip_files(clip.id, clip.sha256)["proxy"]
    proxy.parent.mkdir(parents=True, exist_ok=True)
    _long_sound(proxy)
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=600_000)
    queue_detection(ctx, clip.id)
    worker = start_worker(ctx)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job = detection_job(ctx, clip.id)
            if job and job.status == JobStatus.RUNNING and job.stage == "listening" \
                    and 10 <= job.percent < 90:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the analysis never got going: {detection_job(ctx, clip.id)}")
    finally:
        stop(worker, signal.SIGKILL)  # dies half-way, as on a power cut

    recovered = recover_stalled_jobs(ctx)  # at once: the job named its (dead) worker
    assert [(j.kind, j.object_id, j.status) for j in recovered] == \
        [("detect", clip.id, JobStatus.FAILED)]
    assert f"attune detect {clip.id}" in recovered[0].error
    with ctx.db.transaction("x") as tx:
        assert tx.get_clip(clip.id).status == ClipStatus.READY  # still codable
        assert tx.list_suggestions(clip.id, None) == []  # nothing half-kept
    assert recover_stalled_jobs(ctx) == []  # once

    queue_detection(ctx, clip.id)  # what `attune detect --queue` does
    worker = start_worker(ctx)
    try:
        job = wait_for(ctx, clip.id, {"done", "failed"}, job_of=detection_job)
    finally:
        stop(worker)
    assert job.status == JobStatus.DONE, job.error
    with ctx.db.transaction("x") as tx:
        assert tx.list_suggestions(clip.id, None)  # the voiced sounds were heard
