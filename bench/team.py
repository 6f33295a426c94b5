"""Benchmark: the load a team makes on the team server (issue 16, item 5).

Run ``python bench/team.py`` (PostgreSQL and Redis running, Debian's ``caddy``
installed: ``make team`` needs the same). It starts the deployment the way ``make team``
does (``deploy/team.py``: Caddy with its local certificate authority in front of two
Streamlit app servers, the worker on Redis, a PostgreSQL database of its own, dropped at
the end, a temporary shared data folder) on free loopback ports, then:

1. makes N practitioner accounts (``bench01``...), each with a family, every consent and
   one stored clip of a sample recording, through the services (``add_user``,
   ``add_family``, ``record_consent``, ``store_clip``), and signs each in with the
   services the sign-in form calls (password check, sign-in session, session token);
   each practitioner's client then sets its sign-in cookie through Caddy
   (``POST /api/session``) as the browser does, and gets its saving link the way the
   workspace page makes it (:func:`attune.ui.outbox.outbox_url`);
2. **reference**: one practitioner alone on the idle deployment places marks;
3. **load**: N practitioners at once, each placing a mark every 2 s for the duration,
   through ``POST /api/outbox`` via Caddy, speaking the timeline's protocol
   (``attune/ui/timeline/timeline.js``: the whole outbox in one request at a time, a
   message sent again says ``replay``, resent 2.5 s after a failed send), while two
   uploads go through ``POST /api/upload`` (real recordings from ``tests/data/video``)
   and are ingested by the worker, and a reel of the demo family is queued for rendering
   as the Reels page does (``create_reel``, ``queue_render``);
4. the same again with the app server holding the most practitioners killed (SIGKILL)
   half way: their clients go on through Caddy, which sends them to the other server.

A mark's latency is from the moment it is placed (its time in the 2-s rhythm, as a key
press would be) to the acknowledgement of its message arriving back (``acks``, sent
after the database commit). After each run the clients have up to 60 s to get their
last marks acknowledged; then every practitioner's marks are read back from the database
(``list_events``): an acknowledged mark not there is **lost**, a mark stored twice a
**duplicate**. "database is locked" is counted in the answers and in the servers' logs.
The machine's load average is printed before and after each run, and the deployment's
logs (Caddy's, the app servers', the worker's) are kept in a folder it names.

    python bench/team.py [--practitioners 30] [--duration 300] [--interval 2]
                         [--kill both|no|yes] [--reference-marks 30] [--caddyfile FILE]

A short try: ``python bench/team.py --practitioners 4 --duration 20``. Everything
stays on 127.0.0.1; the run is bounded by ``--duration`` (each run, plus at most 60 s to
drain and 240 s for the uploads and reel to finish) and by ``--practitioners`` (at most
60).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import secrets
import signal
import ssl
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD_BYTES = 18
MAX_PRACTITIONERS = 60
RETRY_AFTER_S = 2.5  # the timeline resends its outbox 2.5 s after the last send
REQUEST_TIMEOUT_S = 15.0  # the timeline's fetch gives up after 15 s
DRAIN_S = 60.0
JOBS_WAIT_S = 240.0
MARK_STEP_MS = 40  # one frame at 25 fps: each mark of a practitioner is at its own time
LOCKED = "database is locked"
UPLOADS = (ROOT / "tests" / "data" / "video" / "phone_h264_vfr_rot180_fire2.mp4",
           ROOT / "tests" / "data" / "video" / "quicktime_h264_1080p50_pcm.mov")
SAMPLE = ROOT / "sample_clips" / "sample_b_turns.mp4"


# ---------------------------------------------------------------------- figures
def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def lat_line(values: list[float]) -> str:
    if not values:
        return "no mark acknowledged"
    return (f"n={len(values)}  p50 {pct(values, 0.5) * 1000:7.1f} ms  "
            f"p95 {pct(values, 0.95) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms")


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min; {os.cpu_count()} cores)"


def server_of(cookie_value: str | None, secret: str, ports: Iterable[int]) -> int | None:
    """The app server's port Caddy's sticky cookie names (it is the HMAC-SHA-256 of the
    upstream's address with the secret), or None."""
    if not cookie_value:
        return None
    for port in ports:
        dial = f"127.0.0.1:{port}".encode()
        if hmac.new(secret.encode(), dial, hashlib.sha256).hexdigest() == cookie_value:
            return port
    return None


# ---------------------------------------------------------------------- the outbox
@dataclass
class Outbox:
    """The timeline's outbox (``timeline.js``), without the drawing: messages kept until
    acknowledged, the whole outbox sent in one request, a sent message marked ``replay``."""

    tab: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    page: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    seq: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    placed: dict[str, float] = field(default_factory=dict)  # cid -> when placed (monotonic)
    have: dict[str, Any] | None = None
    latencies: list[float] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)  # cid -> event id
    refused: Counter[str] = field(default_factory=Counter)

    def place(self, code: str, start_ms: int, at: float) -> str:
        self.seq += 1
        cid = uuid.uuid4().hex
        self.items.append({"cid": cid, "page": self.page, "seq": self.seq, "op": "create",
                           "code": code, "start_ms": start_ms, "end_ms": start_ms,
                           "t": int(time.time() * 1000)})
        self.placed[cid] = at
        return cid

    def body(self) -> bytes:
        """The request's body; the messages in it count as sent (``markSent``)."""
        body = json.dumps({"page": self.page, "tab": self.tab, "items": list(self.items),
                           "have": self.have}).encode()
        for m in self.items:
            m["replay"] = True
        return body

    def take_answer(self, answer: Mapping[str, Any], now: float) -> None:
        """Drop the acknowledged messages (``takeAcks``); keep the events revision."""
        acks = answer.get("acks") or {}
        kept = []
        for m in self.items:
            result = acks.get(m["cid"])
            if result is None:
                kept.append(m)
                continue
            if result.get("ok") and result.get("event_id") is not None:
                self.stored[m["cid"]] = int(result["event_id"])
                self.latencies.append(now - self.placed[m["cid"]])
            else:
                self.refused[_kind(str(result.get("error") or "refused"))] += 1
        self.items = kept
        if isinstance(answer.get("events_rev"), Mapping):
            self.have = dict(answer["events_rev"])
        delta = answer.get("events_delta")
        if isinstance(delta, Mapping):
            self.have = {"epoch": delta.get("epoch"), "rev": delta.get("rev")}


def _kind(text: str) -> str:
    return LOCKED if LOCKED in text.lower() else text[:80]


# ---------------------------------------------------------------------- a client
class Client:
    """One browser: its cookies (the sign-in cookie, Caddy's sticky cookie) and one
    kept-alive HTTPS connection to Caddy."""

    def __init__(self, url: str, ca: Path) -> None:
        parts = urlsplit(url)
        self.origin = url
        self.host, self.port = parts.hostname or "localhost", parts.port or 443
        self.ca = ca
        self.tls = ssl.create_default_context(cafile=str(ca))
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPSConnection | None = None

    def request(self, method: str, path: str, body: Any = None,
                headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.tls,
                                                    timeout=REQUEST_TIMEOUT_S)
        sent = {"Origin": self.origin, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# ---------------------------------------------------------------------- a practitioner
@dataclass
class Practitioner:
    username: str
    user: Any
    family: str
    clip_id: int
    session_id: str
    outbox_path: str
    client: Client
    codes: list[str]
    duration_ms: int
    outbox: Outbox = field(default_factory=Outbox)
    errors: Counter[str] = field(default_factory=Counter)
    marks: int = 0
    placed: int = 0

    @property
    def capacity(self) -> int:
        """How many marks :meth:`next_mark` can give, each at its own code and time."""
        return max(1, self.duration_ms // MARK_STEP_MS - 1) * len(self.codes)

    def next_mark(self) -> tuple[str, int]:
        """A code and a time this practitioner has not marked before."""
        slots = max(1, self.duration_ms // MARK_STEP_MS - 1)
        n = self.marks
        if n >= self.capacity:
            raise SystemExit("More marks than this clip has frames for each code: give a "
                             "shorter --duration or a longer --interval.")
        self.marks += 1
        return self.codes[(n // slots) % len(self.codes)], (n % slots) * MARK_STEP_MS

    def send(self) -> None:
        body = self.outbox.body()
        try:
            status, data = self.client.request(
                "POST", self.outbox_path, body=body,
                headers={"Content-Type": "application/json"})
        except (OSError, http.client.HTTPException) as exc:
            self.errors[f"no answer: {type(exc).__name__}"] += 1
            return
        if status != 200:
            text = data.decode(errors="replace")
            self.errors[f"HTTP {status}" + (f": {LOCKED}" if LOCKED in text.lower() else "")] \
                += 1
            return
        try:
            answer = json.loads(data)
        except ValueError:
            self.errors["an answer that is not JSON"] += 1
            return
        self.outbox.take_answer(answer, time.monotonic())
        for notice in answer.get("notices") or []:
            if LOCKED in str(notice.get("text", "")).lower():
                self.errors[f"notice: {LOCKED}"] += 1

    def run(self, start: float, end: float, interval: float, drain_until: float) -> None:
        """Place a mark every ``interval`` s from ``start`` (plus this practitioner's own
        offset) until ``end``; send as the timeline does; then drain the outbox."""
        next_at = start
        last_send = -1e9
        while True:
            now = time.monotonic()
            fresh = False
            while next_at <= now and next_at < end:  # key presses made while sending
                code, ms = self.next_mark()
                self.outbox.place(code, ms, next_at)
                self.placed += 1
                next_at += interval
                fresh = True
            if not self.outbox.items and next_at >= end:
                return
            if now > drain_until:
                return
            if fresh or (self.outbox.items and now - last_send >= RETRY_AFTER_S):
                last_send = now
                self.send()
                continue
            wake = min(next_at if next_at < end else drain_until,
                       last_send + RETRY_AFTER_S if self.outbox.items else drain_until)
            time.sleep(max(0.005, min(0.5, wake - time.monotonic())))


# ---------------------------------------------------------------------- setting up
def _context(state: Mapping[str, Any]) -> Any:
    from attune.config import Settings
    from attune.jobs import open_context

    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(state["env"])
    return open_context(Settings.from_env(env))


def sign_in_client(ctx: Any, state: Mapping[str, Any], username: str, password: str
                   ) -> tuple[Any, str, Client]:
    """Sign ``username`` in with the services the sign-in form calls, and set the
    sign-in cookie in a new client through Caddy, as the browser does."""
    from attune.services.accounts import sign_in
    from attune.services.tokens import SESSIONS, session_token

    user = sign_in(ctx, username, password, "127.0.0.1")
    sid = SESSIONS.start(ctx, user.id)
    client = Client(state["url"], Path(state["ca"]))
    token = session_token(ctx.settings.secret_key, user.id, sid)
    status, _ = client.request("POST", "/api/session", body=json.dumps({"token": token}),
                               headers={"Content-Type": "application/json"})
    if status != 204 or "attune_session" not in client.cookies:
        raise SystemExit(f"Setting {username}'s sign-in cookie answered {status}.")
    return user, sid, client


def make_practitioners(ctx: Any, state: Mapping[str, Any], n: int) -> list[Practitioner]:
    from attune.core.consent import ConsentScope
    from attune.services.accounts import add_user
    from attune.services.clips import store_clip
    from attune.services.consent import record_consent
    from attune.services.families import add_family
    from attune.ui.outbox import outbox_url
    from attune.ui.workspace import scheme_of

    scheme = scheme_of(ctx, "attuned-moments", None)
    codes = [c.id for c in scheme.codes][:9]
    out = []
    for i in range(1, n + 1):
        username, family = f"bench{i:02d}", f"BENCH-{i:02d}"
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        add_user(ctx, "admin", username, "practitioner", password,
                 f"Bench practitioner {i}", "sue")
        user, sid, client = sign_in_client(ctx, state, username, password)
        add_family(ctx, user, family, "Robin")
        for scope in ConsentScope:
            record_consent(ctx, user, family, scope, True, date.today(), "bench: made up")
        clip = store_clip(ctx, user, family, SAMPLE, SAMPLE.name)
        out.append(Practitioner(username, user, family, clip.id, sid,
                                outbox_url(ctx, user, clip.id, sid), client, codes,
                                int(clip.duration_ms or 30_000)))
    return out


def wait_ready(ctx: Any, user: Any, clip_id: int, until: float) -> str:
    from attune.services.clips import get_clip

    while True:
        status = str(get_clip(ctx, user, clip_id).status)
        if status in ("ready", "failed") or time.monotonic() > until:
            return status
        time.sleep(1)


# ---------------------------------------------------------------------- background work
@dataclass
class Work:
    """The uploads and the reel of one run, and how long each took."""

    lines: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, text: str) -> None:
        with self.lock:
            self.lines.append(text)

    def fail(self, kind: str, text: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.lines.append(text)


def upload(ctx: Any, p: Practitioner, source: Path, work: Work, until: float) -> None:
    """An upload as the Upload page's browser sends it, then its ingest by the worker."""
    from attune.services.tokens import upload_token

    token = upload_token(ctx.settings.secret_key, p.user.id, p.session_id, p.family)
    t0 = time.monotonic()
    client = Client(p.client.origin, p.client.ca)  # another connection, the same browser
    client.cookies = {"attune_session": p.client.cookies["attune_session"]}
    try:
        with source.open("rb") as fh:
            status, data = client.request(
                "POST", f"/api/upload?t={token}&name={source.name}", body=fh,
                headers={"Content-Type": "application/octet-stream",
                         "Content-Length": str(source.stat().st_size)})
    except (OSError, http.client.HTTPException) as exc:
        work.fail("upload: no answer", f"  upload of {source.name}: no answer ({exc})")
        return
    finally:
        client.close()
    sent = time.monotonic() - t0
    if status != 200:
        work.fail(f"upload: HTTP {status}", f"  upload of {source.name}: HTTP {status} "
                  f"{data[:200]!r}")
        return
    clip_id = int(json.loads(data)["clip_id"])
    status_now = wait_ready(ctx, p.user, clip_id, until)
    took = time.monotonic() - t0
    if status_now != "ready":
        work.fail(f"ingest: {status_now}", f"  upload of {source.name} "
                  f"({source.stat().st_size / 1e6:.1f} MB): sent in {sent:.1f} s, ingest "
                  f"{status_now} after {took:.0f} s")
    else:
        work.say(f"  upload of {source.name} ({source.stat().st_size / 1e6:.1f} MB): sent in "
                 f"{sent:.1f} s, ingested (ready) {took:.0f} s after the upload began")


def reel(ctx: Any, pat: Any, work: Work, until: float) -> None:
    """A reel of the demo family queued for rendering, as the Reels page does."""
    from attune.services.demo import DEMO_FAMILY
    from attune.services.reels import (
        accept_proposal,
        create_reel,
        propose,
        queue_render,
        reel_job,
    )

    t0 = time.monotonic()
    try:
        proposals = propose(ctx, pat, 1)[:2]
        moments = [accept_proposal(ctx, pat, 1, p).id for p in proposals]
        made = create_reel(ctx, pat, DEMO_FAMILY, moments)
        job = queue_render(ctx, pat, made.id)
    except Exception as exc:  # reported as an error of the run
        work.fail("reel: not queued", f"  reel: not queued ({exc})")
        return
    status = str(job.status)
    while status not in ("done", "failed") and time.monotonic() < until:
        time.sleep(1)
        now = reel_job(ctx, made.id)
        status = str(now.status) if now is not None else "gone"
    took = time.monotonic() - t0
    if status != "done":
        work.fail(f"reel: {status}", f"  reel of {len(moments)} moments: {status} after "
                  f"{took:.0f} s")
    else:
        work.say(f"  reel of {len(moments)} moments: queued and rendered in {took:.0f} s")


# ---------------------------------------------------------------------- one run
@dataclass
class Result:
    name: str
    placed: int
    latencies: list[float]
    errors: Counter[str]
    locked: int
    lost: int
    duplicates: int
    unacknowledged: int
    load_before: str
    load_after: str
    notes: list[str]
    seconds: float = 0.0
    bench_cpu_s: float = 0.0


def cpu_seconds() -> float:
    """CPU time this process (the bench's clients) has used so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def locked_in_logs(data: Path) -> int:
    """How often "database is locked" appears in the servers' and the worker's logs."""
    return sum((path.read_text(errors="replace").lower().count(LOCKED))
               for path in sorted((data / "logs").glob("*.log")))


def check_stored(ctx: Any, people: list[Practitioner], acked_before: dict[str, set[int]]
                 ) -> tuple[int, int]:
    """Marks acknowledged in this run but not in the database (lost), and marks stored
    more than once (duplicates: a replay that stored again)."""
    from attune.services.events import list_events

    lost = duplicates = 0
    for p in people:
        events = list_events(ctx, p.user, p.clip_id, coder=p.username)
        ids = {e.id for e in events}
        mine = set(p.outbox.stored.values()) - acked_before.get(p.username, set())
        lost += len(mine - ids)
        seen = Counter((e.code, e.start_ms) for e in events)
        duplicates += sum(n - 1 for n in seen.values() if n > 1)
    return lost, duplicates


def spread(state: Mapping[str, Any], people: list[Practitioner]) -> str:
    """How many practitioners each app server holds (by Caddy's sticky cookie)."""
    secret = (Path(state["data"]) / "caddy_lb_secret").read_text().strip()
    ports = sorted(int(port) for port in state["apps"])
    on = Counter(server_of(p.client.cookies.get("attune_server"), secret, ports)
                 for p in people)
    return ", ".join(f"{port}: {on.get(port, 0)}" for port in ports)


def run_load(name: str, ctx: Any, state: Mapping[str, Any], people: list[Practitioner],
             *, duration: float, interval: float, pat: Any, kill: bool,
             background: bool = True) -> Result:
    """One run: everyone marks; the uploads and the reel go on meanwhile; with ``kill``
    the app server holding the most practitioners is killed half way."""
    data = Path(state["data"])
    load_before = load_line()
    locked_logs = locked_in_logs(data)
    acked_before = {p.username: set(p.outbox.stored.values()) for p in people}
    done_before = {p.username: len(p.outbox.latencies) for p in people}
    placed_before = {p.username: p.placed for p in people}
    errors_before = {p.username: Counter(p.errors) for p in people}
    refused_before = {p.username: Counter(p.outbox.refused) for p in people}
    notes = [f"  practitioners on each app server (sticky cookie) at the start: "
             f"{spread(state, people)}"]
    cpu_before = cpu_seconds()
    start = time.monotonic() + 1.0
    end = start + duration
    drain_until = end + DRAIN_S
    threads = []
    for i, p in enumerate(people):  # spread over the interval, as people are
        offset = interval * i / max(1, len(people))
        threads.append(threading.Thread(target=p.run, name=p.username,
                                        args=(start + offset, end, interval, drain_until)))
    work = Work()
    if background:
        jobs_until = end + JOBS_WAIT_S
        for p, source in zip(people[:2], UPLOADS, strict=False):
            threads.append(threading.Thread(target=_delayed, args=(
                start + 5, upload, ctx, p, source, work, jobs_until)))
        threads.append(threading.Thread(target=_delayed, args=(
            start + 5, reel, ctx, pat, work, jobs_until)))
    if kill:
        threads.append(threading.Thread(target=_delayed, args=(
            start + duration / 2, kill_busiest, state, people, notes)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    notes.append(f"  practitioners on each app server at the end: {spread(state, people)}")
    lost, duplicates = check_stored(ctx, people, acked_before)
    latencies = [x for p in people for x in p.outbox.latencies[done_before[p.username]:]]
    errors: Counter[str] = Counter()
    for p in people:
        errors += p.errors - errors_before[p.username]
        errors += Counter({f"not stored: {k}": v for k, v in
                           (p.outbox.refused - refused_before[p.username]).items()})
    errors += work.errors
    locked = sum(v for k, v in errors.items() if LOCKED in k)
    locked += locked_in_logs(data) - locked_logs
    return Result(name, sum(p.placed - placed_before[p.username] for p in people), latencies,
                  errors, locked, lost, duplicates, sum(len(p.outbox.items) for p in people),
                  load_before, load_line(), notes + work.lines,
                  time.monotonic() - start, cpu_seconds() - cpu_before)


def _delayed(at: float, fn: Callable[..., None], *args: Any) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    fn(*args)


def kill_busiest(state: Mapping[str, Any], people: list[Practitioner], notes: list[str]
                 ) -> None:
    """Kill (SIGKILL) the app server that most practitioners' sticky cookies name."""
    secret = (Path(state["data"]) / "caddy_lb_secret").read_text().strip()
    apps = {int(port): pid for port, pid in state["apps"].items()}
    on = Counter(server_of(p.client.cookies.get("attune_server"), secret, apps) for p in people)
    port = max(apps, key=lambda q: on.get(q, 0))
    os.killpg(apps[port], signal.SIGKILL)
    notes.append(f"  killed the app server on port {port} (SIGKILL) half way, when it held "
                 f"{on.get(port, 0)} of {len(people)} practitioners")
    time.sleep(20)
    notes.append(f"  20 s after the kill: {spread(state, people)}")


def report(result: Result, reference: list[float]) -> None:
    print(f"\n== {result.name}")
    print(f"  load average before: {result.load_before}")
    print(f"  marks placed {result.placed}, stored and acknowledged {len(result.latencies)}")
    print(f"  mark stored (placed -> acknowledged): {lat_line(result.latencies)}")
    if result.latencies and reference:
        p50 = pct(result.latencies, 0.5) / pct(reference, 0.5)
        p95 = pct(result.latencies, 0.95) / pct(reference, 0.95)
        print(f"  ratio to the reference: p50 x{p50:.1f}, p95 x{p95:.1f}")
    kinds = ", ".join(f"{k}: {v}" for k, v in result.errors.most_common()) or "none"
    print(f"  errors by kind: {kinds}")
    print(f"  \"database is locked\": {result.locked}")
    print(f"  marks lost (acknowledged, not in the database): {result.lost}; stored twice: "
          f"{result.duplicates}; still unacknowledged after the {DRAIN_S:.0f} s drain: "
          f"{result.unacknowledged}")
    for line in result.notes:
        print(line)
    print(f"  load average after: {result.load_after}; the bench's own clients used "
          f"{result.bench_cpu_s:.0f} CPU-s in {result.seconds:.0f} s of this run")


# ---------------------------------------------------------------------- the deployment
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _options(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/team.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--practitioners", type=int, default=30)
    p.add_argument("--duration", type=float, default=300.0, help="seconds of each run")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between a "
                   "practitioner's marks")
    p.add_argument("--kill", choices=("both", "no", "yes"), default="both",
                   help="run without a killed app server, with one, or both (default)")
    p.add_argument("--reference-marks", type=int, default=30,
                   help="marks of the one practitioner on the idle deployment")
    p.add_argument("--database-server", default="postgresql+psycopg://postgres@127.0.0.1:5432/",
                   help="the PostgreSQL server; the bench makes its own database there")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    p.add_argument("--caddyfile", type=Path, help="another Caddyfile than deploy/Caddyfile "
                   "(to try a change to it under load)")
    p.add_argument("--keep", action="store_true", help="keep the database and data folder")
    opts = p.parse_args(argv)
    if not 1 <= opts.practitioners <= MAX_PRACTITIONERS:
        p.error(f"--practitioners is 1 to {MAX_PRACTITIONERS}")
    if not 1 <= opts.duration <= 1800 or not 0.2 <= opts.interval <= 60:
        p.error("--duration is 1 to 1800 s, --interval 0.2 to 60 s")
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = _options(argv)
    from deploy import team

    if opts.caddyfile is not None:
        team.CADDYFILE = opts.caddyfile.absolute()
    print(f"load average at the start: {load_line()}  (a shared machine: other people's "
          "work runs too)", flush=True)
    database = f"{opts.database_server.rstrip('/')}/attune_team_bench_{os.getpid()}"
    data = Path(tempfile.mkdtemp(prefix="attune-team-bench-"))
    ports = f"{_free_port()},{_free_port()}"
    procs: list[Any] = []
    ctx = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        t0 = time.monotonic()
        procs, state = team.start(team._options(
            ["--https-port", str(_free_port()), "--app-ports", ports, "--data", str(data / "team"),
             "--database-url", database, "--redis-url", opts.redis_url]))
        state = {**state, "data": str(data / "team")}
        print(f"deployment up in {time.monotonic() - t0:.0f} s at {state['url']} "
              f"(app servers on {ports})", flush=True)
        ctx = _context(state)
        from attune.services.accounts import sign_in
        from attune.services.demo import DEMO_PASSWORD

        pat = sign_in(ctx, "pat", DEMO_PASSWORD, "127.0.0.1")
        status = wait_ready(ctx, pat, 1, time.monotonic() + 300)
        if status != "ready":
            raise SystemExit(f"The demo's first clip is {status} after 5 minutes; see the "
                             f"worker's log in {data / 'team' / 'logs'}.")
        t0 = time.monotonic()
        people = make_practitioners(ctx, state, opts.practitioners)
        print(f"{len(people)} practitioners made and signed in in "
              f"{time.monotonic() - t0:.0f} s", flush=True)

        wanted = opts.reference_marks + 2 * opts.duration / opts.interval + 2
        if wanted > people[0].capacity:
            raise SystemExit(f"{wanted:.0f} marks a practitioner is more than the clip has "
                             "room for: give a shorter --duration or a longer --interval.")
        ref = run_load("reference: 1 practitioner alone on the idle deployment", ctx, state,
                       people[:1], duration=opts.reference_marks * 0.5, interval=0.5,
                       pat=pat, kill=False, background=False)
        report(ref, [])
        reference = ref.latencies
        plan = {"both": [False, True], "no": [False], "yes": [True]}[opts.kill]
        failed = False
        for kill in plan:
            name = (f"{len(people)} practitioners, a mark every {opts.interval:g} s for "
                    f"{opts.duration:g} s, two uploads and a reel"
                    + (", one app server killed half way" if kill else ""))
            print(f"\nrunning: {name}", flush=True)
            result = run_load(name, ctx, state, people, duration=opts.duration,
                              interval=opts.interval, pat=pat, kill=kill)
            report(result, reference)
            failed |= bool(result.lost or result.locked)
        print(f"\nload average at the end: {load_line()}")
        return 1 if failed else 0
    finally:
        if ctx is not None:
            ctx.close()
        team.stop(procs)
        if not opts.keep:
            import shutil

            drop_database(database)
            logs = Path(f"{data}-logs")
            if (data / "team" / "logs").is_dir():  # Caddy's, the servers' and the worker's
                shutil.copytree(data / "team" / "logs", logs)
                print(f"the deployment's logs: {logs}")
            shutil.rmtree(data, ignore_errors=True)
        else:
            print(f"kept: {database} and {data}")


if __name__ == "__main__":
    sys.exit(main())
