"""Accounts: argon2 password hashes, and signing in so that it cannot be turned against
the server or against an account.

Signing in reads the account and counts the attempt in one short transaction, checks the
password with argon2 *outside* any transaction (it takes tenths of a second and must not
hold SQLite's write lock meanwhile), then records the outcome in a second short one.

Throttling (what was chosen and why is in the README's "Signing in"):

- per (typed username, client address): ``lockout_attempts`` wrong passwords in a row
  lock that address out of that account for ``lockout_minutes``, each further lock twice
  as long (up to a day); a right password or a new password clears it. An attacker at
  one address cannot lock the account for anybody else;
- per address: ``address_attempts`` wrong passwords from one address, for any usernames,
  lock that address out of signing in (password spraying), doubling the same way;
- per account, over all addresses: after ``ACCOUNT_SLOW_FACTOR`` times
  ``lockout_attempts`` wrong passwords since the last right one, an address that has
  already typed a wrong password for the account may try once every
  ``ACCOUNT_SPACING``; an address that has not is never held back, so the account's
  owner can always sign in from their own computer.

An attempt counts as wrong *before* its password is checked (and is uncounted when the
password was right), so that twenty attempts in parallel cannot all slip past the limit.
Unknown usernames are throttled and checked exactly like known ones (against a dummy
argon2 hash), with the same answer, so that neither the message nor the time tells
whether an account exists.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from attune.config import Settings
from attune.core.accounts import Role, User
from attune.errors import AuthError, InputError, NotFoundError
from attune.services import Context
from attune.storage.store import ThrottleState, utcnow

_hasher = PasswordHasher()
#: Password checks (argon2, deliberately slow) run this many at a time in a process, the
#: others wait their turn outside any transaction: a flood of wrong passwords then takes
#: longer to answer itself, instead of starving the processor that everyone else's
#: requests (and the sign-ins holding the database for a moment) need.
PASSWORD_CHECKS_AT_ONCE = max(1, (os.cpu_count() or 2) - 1)
_checking = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)
MIN_PASSWORD_LENGTH = 8
#: The address of sign-ins that come from this machine (the command line, a browser on
#: localhost, or an address the server could not see).
LOCAL_ADDRESS = "local"
#: Longest lock, however often it doubled.
MAX_LOCK = timedelta(days=1)
#: Account-wide: this many times ``lockout_attempts`` wrong passwords since the last right
#: one slow the account down for addresses that typed a wrong one ...
ACCOUNT_SLOW_FACTOR = 4
#: ... to one attempt every so often.
ACCOUNT_SPACING = timedelta(seconds=30)
#: An address's wrong passwords are forgotten after this long without one.
ADDRESS_MEMORY = timedelta(days=1)

WRONG = "That username and password do not match. Check them and try again."


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown usernames (same time as known)."""
    return _hasher.hash(secrets.token_urlsafe(24))


def verify_password(password_hash: str, password: str) -> bool:
    """True if ``password`` matches the argon2 ``password_hash`` (the slow part)."""
    with _checking:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def add_user(ctx: Context, actor: str, username: str, role: Role | str, password: str,
             display_name: str = "", supervisor: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InputError("A username needs 1-100 characters and no spaces.")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"{role!r} is not a role; use one of "
                         f"{', '.join(r.value for r in Role)}.") from None
    with ctx.db.transaction(actor) as tx:
        return tx.add_user(username, display_name, role, hash_password(password), supervisor)


def active_usernames(ctx: Context, actor: User, role: Role) -> list[str]:
    """Usernames of the active accounts of ``role`` (to assign a practitioner, link a
    parent)."""
    with ctx.db.transaction(actor.username) as tx:
        return [u.username for u in tx.list_users(role) if u.active]


def account_by_id(ctx: Context, user_id: int) -> User:
    """The account with this id, as it is now (raises :class:`NotFoundError`)."""
    with ctx.db.transaction("system") as tx:
        return tx.user_by_id(user_id)


def sign_in_with_organisation(ctx: Context, identity: Mapping[str, Any]
                              ) -> tuple[str, User | None]:
    """The e-mail the organisation vouched for and its active attune account (None when
    no active account has that username), the sign-in audited. Raises :class:`AuthError`
    (audited) when the provider did not check the e-mail."""
    try:
        email = organisation_username(identity)
    except AuthError:
        with ctx.db.transaction("system") as tx:
            tx.audit("sign-in-refused", "user", "", {"via": "oidc", "why": "unverified"})
        raise
    try:
        with ctx.db.transaction("system") as tx:
            user: User | None = tx.get_user(email)
    except NotFoundError:
        user = None
    if user is None or not user.active:
        return email, None
    with ctx.db.transaction(user.username) as tx:
        tx.audit("sign-in", "user", user.id, {"via": "oidc"})
    return email, user


def set_password(ctx: Context, actor: str, username: str, password: str) -> None:
    """Set a new password: it lifts any lock, and signs the account out everywhere (a
    copied media link of an old sign-in stops working too)."""
    hashed = hash_password(password)
    with ctx.db.transaction(actor) as tx:
        tx.set_password_hash(username, hashed)
        user = tx.get_user(username)
        tx.end_sign_in(user_id=user.id)
        tx.audit("sign-out-everywhere", "user", user.id, {"why": "new password"})


def client_address(remote_ip: str | None, forwarded_for: str | None, trust_proxy: bool
                   ) -> str:
    """The address sign-in throttling counts: the connection's own address, or behind a
    trusted reverse proxy (``ATTUNE_TRUST_PROXY``) the last X-Forwarded-For entry, which
    that proxy added (the ones before it are whatever the browser sent)."""
    candidates = []
    if trust_proxy and forwarded_for:
        candidates.append(forwarded_for.split(",")[-1].strip())
    candidates.append((remote_ip or "").strip())
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return LOCAL_ADDRESS


def organisation_username(identity: Mapping[str, Any]) -> str:
    """The attune username of a person signed in with the organisation's provider
    (OIDC): their e-mail address, only if the provider says it verified it (anyone can
    type any address into an account at some providers). Raises :class:`AuthError`."""
    email = str(identity.get("email") or "").strip()
    if not email:
        raise AuthError("Your organisation's sign-in did not tell attune your e-mail "
                        "address. Sign in with your attune username and password instead.")
    verified = identity.get("email_verified")
    if verified is not True and str(verified).lower() != "true":
        raise AuthError(f"Your organisation has not confirmed the e-mail address {email}, so "
                        "attune cannot sign you in with it. Confirm it with your "
                        "organisation, or sign in with your attune username and password.")
    return email


# ------------------------------------------------------------------ throttling (pure)
@dataclass(frozen=True)
class SignInPolicy:
    attempts: int
    lock: timedelta
    address_attempts: int
    account_attempts: int
    spacing: timedelta = ACCOUNT_SPACING

    @classmethod
    def of(cls, settings: Settings) -> SignInPolicy:
        return cls(settings.lockout_attempts, timedelta(minutes=settings.lockout_minutes),
                   settings.address_attempts, ACCOUNT_SLOW_FACTOR * settings.lockout_attempts)

    def lock_for(self, lockouts_before: int) -> timedelta:
        return min(MAX_LOCK, self.lock * 2 ** min(lockouts_before, 20))


def _minutes(delta: timedelta) -> int:
    return max(1, round(delta.total_seconds() / 60))


def _has_failed(pair: ThrottleState) -> bool:
    return pair.failures > 0 or pair.lockouts > 0


def sign_in_refusal(states: dict[str, ThrottleState], now: datetime,
                    policy: SignInPolicy) -> tuple[str, str] | None:
    """``(scope, message)`` if this attempt must not even be checked, else None."""
    pair, address, account = states["pair"], states["address"], states["account"]
    if pair.locked_until is not None and pair.locked_until > now:
        return "pair", (
            f"Signing in to this account from here is locked after {policy.attempts} wrong "
            f"passwords. Try again in {_minutes(pair.locked_until - now)} minute(s), or ask "
            "an administrator to reset the password.")
    if address.locked_until is not None and address.locked_until > now:
        return "address", (
            "Signing in from here is locked after many wrong passwords. Try again in "
            f"{_minutes(address.locked_until - now)} minute(s).")
    if account.locked_until is not None and account.locked_until > now and _has_failed(pair):
        seconds = max(1, round((account.locked_until - now).total_seconds()))
        return "account", (
            "This account is locked for a few seconds after many wrong passwords from "
            f"several places. Try again in {seconds} seconds.")
    return None


def count_attempt(states: dict[str, ThrottleState], now: datetime, policy: SignInPolicy
                  ) -> tuple[dict[str, ThrottleState], timedelta | None]:
    """The throttles after counting this attempt as a wrong password, and the length of
    the lock on this address for this account that it sets (None: no lock)."""
    pair, address, account = states["pair"], states["address"], states["account"]
    pair_lock = None
    failures = pair.failures + 1
    if failures >= policy.attempts:
        pair_lock = policy.lock_for(pair.lockouts)
        pair = ThrottleState(0, pair.lockouts + 1, now + pair_lock, now)
    else:
        pair = replace(pair, failures=failures, last_failed_at=now)
    recent = address.last_failed_at is not None and now - address.last_failed_at < \
        ADDRESS_MEMORY
    failures = (address.failures if recent else 0) + 1
    if failures >= policy.address_attempts:
        address = ThrottleState(0, address.lockouts + 1,
                                now + policy.lock_for(address.lockouts), now)
    else:
        address = replace(address, failures=failures, last_failed_at=now)
    failures = account.failures + 1
    gate = account.locked_until
    if failures >= policy.account_attempts and _has_failed(states["pair"]):
        gate = now + policy.spacing
    account = ThrottleState(failures, account.lockouts, gate, now)
    return {"pair": pair, "address": address, "account": account}, pair_lock


def uncount_attempt(states: dict[str, ThrottleState]) -> dict[str, ThrottleState]:
    """The throttles after a right password (counted as wrong before it was checked)."""
    address = states["address"]
    return {"pair": ThrottleState(last_failed_at=states["pair"].last_failed_at),
            "address": replace(address, failures=max(0, address.failures - 1)),
            "account": ThrottleState(last_failed_at=states["account"].last_failed_at)}


# ------------------------------------------------------------------ signing in
def sign_in(ctx: Context, username: str, password: str, address: str = LOCAL_ADDRESS
            ) -> User:
    """Check a password typed for ``username`` at ``address`` (see the module doc);
    every attempt and every refusal is audited. Raises :class:`AuthError`."""
    policy = SignInPolicy.of(ctx.settings)
    address = address or LOCAL_ADDRESS
    # made once per process, by whichever attempt comes first, known username or not (made
    # only for an unknown one, the first unknown username took twice as long to answer)
    dummy = _dummy_hash()
    refused: tuple[str, str] | None = None
    with ctx.db.transaction(username) as tx:
        auth = tx.find_user_auth(username)
        states = tx.lock_sign_in_throttles(username, address)
        now = utcnow()
        refused = sign_in_refusal(states, now, policy)
        if refused is not None:
            tx.audit("sign-in-refused", "user", auth.user.id if auth else "",
                     {"known": auth is not None, "address": address, "why": refused[0]})
        else:
            counted, pair_lock = count_attempt(states, now, policy)
            tx.save_sign_in_throttles(username, address, counted)
    if refused is not None:
        raise AuthError(refused[1])
    # the slow part, outside any transaction, and the same for unknown usernames
    right = verify_password(auth.password_hash if auth else dummy, password)
    with ctx.db.transaction(username) as tx:
        if right and auth is not None:
            states = tx.lock_sign_in_throttles(username, address)
            tx.save_sign_in_throttles(username, address, uncount_attempt(states))
            if not auth.user.active:
                tx.audit("sign-in-refused", "user", auth.user.id,
                         {"known": True, "address": address, "why": "switched off"})
            else:
                tx.record_login(username, success=True)
        elif auth is not None:
            tx.record_login(username, success=False,
                            locked_until=now + pair_lock if pair_lock else None)
        else:
            tx.audit("sign-in-failed", "user", "", {"known": False, "address": address})
    if right and auth is not None:
        if not auth.user.active:
            raise AuthError("This account is switched off; ask an administrator.")
        return auth.user
    if pair_lock is not None:
        raise AuthError(
            f"That password was wrong {policy.attempts} times in a row, so signing in to "
            f"this account from here is locked for {_minutes(pair_lock)} minutes. Try "
            "again later, or ask an administrator to reset the password.")
    raise AuthError(WRONG)
