"""The job queue as a user runs it: `attune worker` processes (SQLite queue by default,
Redis when configured), a worker killed half-way, and a retry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.config import Settings
from attune.core.clip import ClipStatus
from attune.core.jobs import Job
from attune.jobs import open_context
from attune.services import Context
from attune.services.ingest import ingest_job, queue_ingest
from attune.services.recovery import recover_stalled_jobs
from attune.services.schemes import install_default_scheme
from attune.services.suggestions import detection_job
from tests.factories import REAL_VIDEO, make_clip, make_family, make_user

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("ATTUNE_TEST_REDIS_URL", "")
QUEUES = ["sqlite", *(["redis"] if REDIS_URL else [])]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jobs")]


@pytest.fixture(params=QUEUES)
def installation(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    env = {"ATTUNE_DATA_DIR": str(tmp_path / "data")}
    if request.param == "redis":
        env["ATTUNE_REDIS_URL"] = REDIS_URL
    settings = Settings.from_env(env)
    ctx = open_context(settings, migrate=True)
    with ctx.db.transaction("system") as tx:
        install_default_scheme(tx)
    ctx.worker_env = {**os.environ, **env}  # type: ignore[attr-defined]
    yield ctx
    ctx.close()


def start_worker(ctx: Context) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in ctx.worker_env.items()  # type: ignore[attr-defined]
           if k != "ATTUNE_DATABASE_URL"}
    return subprocess.Popen([sys.executable, "-m", "attune", "worker", "--workers", "2"],
                            env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGINT) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def wait_for(ctx: Context, clip_id: int, done: set[str], timeout_s: float = 180,
             job_of: Callable[[Context, int], Job | None] = ingest_job) -> Job:
    deadline = time.monotonic() + timeout_s
    job = None
    while time.monotonic() < deadline:
        job = job_of(ctx, clip_id)
        if job is not None and job.status in done:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job of clip {clip_id} did not reach {done}: {job}")


def busy_video(path: Path, seconds: int = 20) -> Path:
    """A clip of noise (slow to encode), so that a test can stop the worker mid-job; in
    Matroska, which ingest always transcodes (an MP4 of H.264 would be copied at once)."""
    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=25)
        vs.width, vs.height, vs.pix_fmt = 960, 540, "yuv420p"
        vs.options = {"preset": "ultrafast", "crf": "30"}
        tile = rng.integers(0, 255, (540, 960, 3), dtype=np.uint8)
        for i in range(seconds * 25):
            frame = av.VideoFrame.from_ndarray(np.roll(tile, i * 7, axis=1), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 25)
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
    return path


def test_worker_ingests_queued_clips(installation: Context) -> None:
    ctx = installation
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clips = [make_clip(ctx, pat, family), make_clip(ctx, pat, family, REAL_VIDEO.parent /
                                                    "vp9_opus_vfr_no_duration.webm")]
    for clip in clips:
        queue_ingest(ctx, clip.id)
    worker = start_worker(ctx)
    try:
        for clip in clips:
            job = wait_for(ctx, clip.id, {"done", "failed"})
            assert job.status == "done", job.error
        for clip in clips:  # then the worker listens to each, a job of its own
            job = wait_for(ctx, clip.id, {"done", "failed"}, job_of=detection_job)
            assert job.status == "done", job.error
    finally:
        stop(worker)
    with ctx.db.transaction("x") as tx:
        for clip in clips:
            ready = tx.get_clip(clip.id)
            assert ready.status == ClipStatus.READY
            assert (ctx.media.clip_dir(clip.id) / "proxy.mp4").is_file()


def test_a_killed_worker_leaves_a_failed_clip_that_can_be_retried(
        installation: Context, tmp_path: Path) -> None:
    ctx = installation
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family, busy_video(tmp_path / "busy.mkv"))
    queue_ingest(ctx, clip.id)
    worker = start_worker(ctx)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = ingest_job(ctx, clip.id)
            if job and job.status == "running" and job.stage == "proxy" and job.percent >= 5:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the job never got going: {ingest_job(ctx, clip.id)}")
    finally:
        stop(worker, signal.SIGKILL)  # dies half-way, as on a power cut
    assert [(j.kind, j.object_id) for j in recover_stalled_jobs(ctx)] == [("ingest", clip.id)]
    with ctx.db.transaction("x") as tx:
        failed = tx.get_clip(clip.id)
    assert failed.status == ClipStatus.FAILED and "Retry" in failed.failure_reason
    assert not ctx.media.clip_dir(clip.id).exists()  # no partial files
    assert ctx.media.original_path(clip.sha256).exists()  # the original is safe

    from attune.services.ingest import retry_ingest

    retry_ingest(ctx, pat, clip.id)
    worker = start_worker(ctx)
    try:
        job = wait_for(ctx, clip.id, {"done", "failed"})
    finally:
        stop(worker)
    assert job.status == "done", job.error
    with ctx.db.transaction("x") as tx:
        assert tx.get_clip(clip.id).status == ClipStatus.READY
