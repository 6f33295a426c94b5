"""What "My work" shows: the practitioner's clips to code and their assignments
(:func:`attune.services.supervision.my_work`)."""

from __future__ import annotations

from attune.core.accounts import User
from attune.services import Context
from attune.services.supervision import WorkRow, my_work

__all__ = ["WorkRow", "work_rows"]


def work_rows(ctx: Context, user: User) -> list[WorkRow]:
    """The clips of the families the user works with, and clips assigned to them."""
    return my_work(ctx, user)
