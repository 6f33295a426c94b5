"""Errors a user can act on.

Misuse of the API raises ``ValueError``/``TypeError``; a user's bad input raises a
subclass of :class:`AttuneError` whose message says what is wrong *and what to do*.
Pages show these with ``st.error``; the CLI prints them and exits with status 2.
"""

from __future__ import annotations


class AttuneError(Exception):
    """Base of every error a user can fix; ``str(err)`` is shown to them as is."""


class NotFoundError(AttuneError):
    """A named family, clip, user, event or scheme does not exist."""


class InputError(AttuneError):
    """A value, document or file given by the user is malformed."""


class ConsentError(AttuneError):
    """The consent that an action needs is missing, refused, expired or withdrawn."""


class ConflictError(AttuneError):
    """Someone else changed the same object since it was read."""


class NotAllowedError(AttuneError):
    """The signed-in user's role or assignments do not allow this.

    ``what`` and ``detail`` describe the refused attempt; the database layer writes them
    to the audit log after rolling back the transaction the refusal happened in.
    """

    def __init__(self, message: str, what: str = "", detail: dict[str, object] | None = None,
                 audited: bool = False) -> None:
        super().__init__(message)
        self.what = what
        self.detail = detail or {}
        self.audited = audited


class AuthError(AttuneError):
    """Signing in failed (wrong password, locked or unknown account)."""


class MediaError(AttuneError):
    """A file is not a playable video, or processing it failed."""


class StateError(AttuneError):
    """The object is not in a state that allows this (e.g. a clip still ingesting)."""
