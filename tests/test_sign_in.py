"""Signing in that cannot be turned against the server or an account: argon2 outside
any write transaction, throttling per (account, address), per address and per account,
and the same answer and work for unknown and known usernames (attune.services.accounts)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from attune.core.accounts import Role
from attune.errors import AuthError
from attune.services import Context, accounts
from attune.services.accounts import (
    MAX_LOCK,
    SignInPolicy,
    client_address,
    count_attempt,
    set_password,
    sign_in,
    sign_in_refusal,
)
from attune.services.admin import reset_password
from attune.storage.store import ThrottleState
from tests.factories import PASSWORD, make_user


class Verifier:
    """Wraps the argon2 check: counts the calls and when each ran."""

    def __init__(self, real: Callable[[str, str], bool]) -> None:
        self.real = real
        self.spans: list[tuple[float, float]] = []
        self.started = threading.Event()
        self.release = threading.Event()  # a check waits for this before it answers
        self.release.set()
        self._lock = threading.Lock()

    def __call__(self, password_hash: str, password: str) -> bool:
        start = time.perf_counter()
        self.started.set()
        try:
            assert self.release.wait(60), "the test never let the password check finish"
            return self.real(password_hash, password)
        finally:
            with self._lock:
                self.spans.append((start, time.perf_counter()))


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> Verifier:
    wrapped = Verifier(accounts.verify_password)
    monkeypatch.setattr(accounts, "verify_password", wrapped)
    return wrapped


def _refused(ctx: Context, username: str, password: str, address: str) -> str:
    with pytest.raises(AuthError) as err:
        sign_in(ctx, username, password, address)
    return str(err.value)


@pytest.mark.slow  # dozens of argon2 checks
def test_parallel_wrong_passwords_do_not_hold_up_a_read(ctx: Context,
                                                        verifier: Verifier) -> None:
    make_user(ctx, "admin", Role.ADMIN)
    answers: list[str] = []

    def attack(i: int) -> None:
        answers.append(_refused(ctx, "admin", f"guess {i}", f"10.0.{i}.1"))

    threads = [threading.Thread(target=attack, args=(i,)) for i in range(20)]
    verifier.release.clear()  # every check is held open until the read below is done
    for t in threads:
        t.start()
    assert verifier.started.wait(30)
    users: list[str] = []

    def read() -> None:
        with ctx.db.transaction("sue") as tx:
            users.extend(u.username for u in tx.list_users())

    reader = threading.Thread(target=read)
    reader.start()
    # the read ends while password checks are still running: no check holds the database
    # (before, each one ran inside a write transaction and the read waited for it)
    reader.join(30)
    read_done_during_checks = not reader.is_alive()
    verifier.release.set()
    reader.join()
    for t in threads:
        t.join()
    assert read_done_during_checks
    assert users == ["admin"]
    assert len(verifier.spans) == 20  # every attempt was checked (twenty addresses)
    assert set(answers) == {accounts.WRONG}


@pytest.mark.slow  # dozens of argon2 checks
def test_unknown_and_known_usernames_get_the_same_answer_and_work(
        ctx: Context, verifier: Verifier) -> None:
    make_user(ctx, "pat")
    known = _refused(ctx, "pat", "wrong password", "192.0.2.7")
    unknown = _refused(ctx, "nobody", "wrong password", "192.0.2.7")
    assert known == unknown == accounts.WRONG
    assert len(verifier.spans) == 2  # argon2 ran for the unknown username too
    for _ in range(3):
        _refused(ctx, "pat", "wrong password", "192.0.2.7")
        _refused(ctx, "nobody", "wrong password", "192.0.2.7")
    locked_known = _refused(ctx, "pat", "wrong password", "192.0.2.7")
    locked_unknown = _refused(ctx, "nobody", "wrong password", "192.0.2.7")
    assert locked_known == locked_unknown
    assert "locked for 15 minutes" in locked_known
    assert "ask an administrator to reset the password" in locked_known
    # a locked address gets its answer without a password check, known or not
    checks = len(verifier.spans)
    again_known = _refused(ctx, "pat", PASSWORD, "192.0.2.7")
    again_unknown = _refused(ctx, "nobody", PASSWORD, "192.0.2.7")
    assert again_known == again_unknown and "locked after 5 wrong passwords" in again_known
    assert "Try again in 15 minute(s)" in again_known
    assert len(verifier.spans) == checks
    with ctx.db.transaction("x") as tx:
        refused = [e for e in tx.audit_entries() if e.action == "sign-in-refused"]
    assert len(refused) == 2  # refusals are audited


@pytest.mark.slow  # dozens of argon2 checks
def test_the_admin_signs_in_from_elsewhere_while_attacked(ctx: Context) -> None:
    admin = make_user(ctx, "admin", Role.ADMIN)
    attackers = [f"203.0.113.{i}" for i in range(1, 5)]
    for address in attackers:  # 4 x 5 = 20 wrong passwords: each address is locked
        for i in range(5):
            _refused(ctx, "admin", f"guess {i}", address)
    assert "locked after 5 wrong passwords" in _refused(ctx, "admin", PASSWORD, attackers[0])
    # account-wide: an address that has typed a wrong password is slowed down ...
    _refused(ctx, "admin", "one more guess", "198.51.100.9")
    assert "locked for a few seconds" in _refused(ctx, "admin", "again", "198.51.100.9")
    # ... but the right password from an address that has not failed always gets in
    assert sign_in(ctx, "admin", PASSWORD, "192.0.2.1").id == admin.id
    # and the attackers' addresses stay locked out
    assert "locked" in _refused(ctx, "admin", PASSWORD, attackers[1])


@pytest.mark.slow  # dozens of argon2 checks
def test_a_right_password_or_a_new_one_clears_the_count(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    admin = make_user(ctx, "admin", Role.ADMIN)
    for _ in range(4):
        _refused(ctx, "pat", "wrong password", "192.0.2.7")
    assert sign_in(ctx, "pat", PASSWORD, "192.0.2.7").id == pat.id
    for _ in range(4):  # four more in a row do not lock: the right one reset the count
        _refused(ctx, "pat", "wrong password", "192.0.2.7")
    assert "locked for 15" in _refused(ctx, "pat", "wrong password", "192.0.2.7")
    reset_password(ctx, admin, "pat", "a new password")
    assert sign_in(ctx, "pat", "a new password", "192.0.2.7").id == pat.id
    set_password(ctx, "system", "pat", "another new password")
    assert sign_in(ctx, "pat", "another new password").id == pat.id


def test_a_switched_off_account_says_so_only_to_the_right_password(ctx: Context) -> None:
    make_user(ctx, "pat")
    with ctx.db.transaction("admin") as tx:
        tx.set_user_active("pat", False)
    assert _refused(ctx, "pat", "wrong password", "192.0.2.7") == accounts.WRONG
    assert "switched off" in _refused(ctx, "pat", PASSWORD, "192.0.2.7")


NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
POLICY = SignInPolicy(attempts=5, lock=timedelta(minutes=15), address_attempts=30,
                      account_attempts=20)


def _fresh() -> dict[str, ThrottleState]:
    return {s: ThrottleState() for s in ("pair", "address", "account")}


def test_each_further_lock_doubles_up_to_a_day() -> None:
    policy = replace(POLICY, account_attempts=10_000)  # the pair lock alone
    states, now, locks = _fresh(), NOW, []
    for _ in range(10):
        for _ in range(5):
            assert sign_in_refusal(states, now, policy) is None
            states, lock = count_attempt(states, now, policy)
        assert lock is not None
        locks.append(lock)
        refusal = sign_in_refusal(states, now, policy)
        assert refusal is not None and refusal[0] == "pair"
        now += lock
    assert locks[:4] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert locks[-1] == MAX_LOCK == timedelta(days=1)


def test_an_address_that_sprays_many_usernames_is_locked() -> None:
    address = ThrottleState()
    for i in range(30):
        states = {"pair": ThrottleState(), "address": address, "account": ThrottleState()}
        assert sign_in_refusal(states, NOW, POLICY) is None, i
        address = count_attempt(states, NOW, POLICY)[0]["address"]
    states = {"pair": ThrottleState(), "address": address, "account": ThrottleState()}
    refusal = sign_in_refusal(states, NOW, POLICY)
    assert refusal is not None and refusal[0] == "address"
    assert "Try again in 15 minute(s)" in refusal[1]


@pytest.mark.parametrize(("remote", "forwarded", "trust", "expected"), [
    (None, None, False, "local"),
    ("198.51.100.4", None, False, "198.51.100.4"),
    ("198.51.100.4", "203.0.113.9", False, "198.51.100.4"),  # untrusted: ignored
    (None, "203.0.113.9", True, "203.0.113.9"),
    (None, "1.2.3.4, 203.0.113.9", True, "203.0.113.9"),  # the proxy's own entry
    (None, "not an address", True, "local"),
    ("2001:db8::1", None, False, "2001:db8::1"),
])
def test_client_address(remote: str | None, forwarded: str | None, trust: bool,
                        expected: str) -> None:
    assert client_address(remote, forwarded, trust) == expected


def test_sign_in_with_organisation_audits_each_outcome(ctx: Context) -> None:
    """The organisation's sign-in (moved out of the page): an unverified e-mail is refused
    and audited, an e-mail with no active account gives no user, a known one signs in."""
    pat = make_user(ctx, "pat@example.org")
    with pytest.raises(AuthError):
        accounts.sign_in_with_organisation(ctx, {"email": "pat@example.org",
                                                 "email_verified": False})
    assert accounts.sign_in_with_organisation(
        ctx, {"email": "eve@example.org", "email_verified": True}) == ("eve@example.org", None)
    email, user = accounts.sign_in_with_organisation(
        ctx, {"email": "pat@example.org", "email_verified": True})
    assert (email, user) == ("pat@example.org", pat)
    with ctx.db.transaction("test") as tx:
        actions = [e.action for e in tx.audit_entries(object_type="user", limit=2)]
    assert actions == ["sign-in", "sign-in-refused"]


class _Spy(PasswordHasher):
    """The real argon2 hasher, counting its hashes and the checks running at once; the
    first check waits a little for a second one to join it (there is no sleep: it is
    let go as soon as one does)."""

    def __init__(self, real: PasswordHasher) -> None:
        p = real._parameters
        super().__init__(p.time_cost, p.memory_cost, p.parallelism, p.hash_len, p.salt_len)
        self.hashes = 0
        self.running = self.most = 0
        self.lock = threading.Lock()
        self.second = threading.Event()
        self.first_waited = False

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self.lock:
            self.hashes += 1
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            if self.running > 1:
                self.second.set()
            wait, self.first_waited = not self.first_waited, True
        try:
            if wait:
                self.second.wait(3)
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.mark.slow  # twenty argon2 checks
def test_a_flood_of_wrong_passwords_is_checked_a_few_at_a_time(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty wrong passwords at once ran twenty argon2 checks at once: the processor was
    theirs, and a plain read (or a sign-in holding the database for a moment) waited
    seconds for it. The checks now take turns."""
    make_user(ctx, "admin", Role.ADMIN)
    spy = _Spy(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", spy)
    threads = [threading.Thread(target=_refused, args=(ctx, "admin", f"guess {i}",
                                                       f"10.9.{i}.1")) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert spy.first_waited
    assert 1 <= spy.most <= accounts.PASSWORD_CHECKS_AT_ONCE < 20


@pytest.mark.parametrize("username", ["sue", "nobody"])
def test_the_first_attempt_makes_the_dummy_hash_whoever_it_names(
        ctx: Context, monkeypatch: pytest.MonkeyPatch, username: str) -> None:
    """The hash an unknown username is checked against was made by the first attempt
    that named an unknown username, so that attempt took two argon2 runs where a known
    username took one: after each restart, whether a name exists showed in the time."""
    make_user(ctx, "sue", Role.SUPERVISOR)
    spy = _Spy(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", spy)
    spy.first_waited = True  # no waiting here
    accounts._dummy_hash.cache_clear()
    try:
        _refused(ctx, username, "a wrong password", "10.8.0.1")
        assert spy.hashes == 1  # the dummy, made now whether the name exists or not
        _refused(ctx, username, "another wrong one", "10.8.0.2")
        assert spy.hashes == 1
    finally:
        accounts._dummy_hash.cache_clear()
