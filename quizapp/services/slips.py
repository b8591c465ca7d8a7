"""Password slips: the one-time passwords of new or reset accounts, held until shown once.

The form that makes the accounts (or resets a password) posts, the accounts are saved, and the
browser is sent on to the slips page (post, redirect, get): reloading that page makes nothing
again and shows no password twice. Until the page takes them, the passwords wait in the job
queue's store (the instance's SQLite file, or Redis), which every server process shares and no
browser sees: never in a cookie or an address. Only the teacher (or administrator) who made
them can take them, once, from the page they are held for: a class's slips page, or the
administrator's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from huey import Huey

from quizapp.extensions import db
from quizapp.models import Classroom, Enrollment, User
from quizapp.services import accounts
from quizapp.services.classrooms import NewAccount, reset_refused

# Slips not shown within this time are dropped unseen: the teacher makes new ones instead.
KEPT_FOR = timedelta(minutes=30)


@dataclass
class HeldSlips:
    accounts: list[NewAccount]
    made_at: datetime
    reset: bool  # new one-time passwords for accounts that were there, not new accounts


def for_class(classroom_id: int) -> str:
    """The place of a class's slips page."""
    return f"class-{classroom_id}"


# The place of the administrator's slip page.
FOR_ADMIN = "admin"


def _key(owner_id: int, place: str) -> str:
    return f"password-slips:{owner_id}:{place}"


def keep(store: Huey, owner_id: int, place: str, held: HeldSlips) -> None:
    """Hold the slips for the page of that place; any not shown yet are shown with them."""
    key = _key(owner_id, place)
    earlier = store.get(key)
    if earlier is not None and held.made_at - earlier.made_at <= KEPT_FOR:
        held.accounts = earlier.accounts + held.accounts
        held.reset = held.reset and earlier.reset
    store.put(key, held)


def take(store: Huey, owner_id: int, place: str, now: datetime) -> HeldSlips | None:
    """The slips this user made for that place, which are then no longer held; None if none."""
    held = store.get(_key(owner_id, place))
    return held if held is not None and now - held.made_at <= KEPT_FOR else None


def waiting_students(classroom: Classroom, teacher: User) -> list[User]:
    """The class's students who have not chosen their own password yet, whose one-time password
    this teacher may replace."""
    students = db.session.scalars(
        sa.select(User)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(
            Enrollment.classroom_id == classroom.id,
            Enrollment.removed_at.is_(None),
            User.must_change_password,
        )
        .order_by(User.display_name)
    ).all()
    refused = reset_refused(teacher.id, [s.id for s in students])
    return [s for s in students if s.id not in refused]


def new_slips(classroom: Classroom, teacher: User) -> list[NewAccount]:
    """A new one-time password for each student waiting for their first log-in; the one on
    their old slip stops working."""
    return [
        NewAccount(s.display_name, s.username, accounts.reset_password(s, teacher))
        for s in waiting_students(classroom, teacher)
    ]
