"""Accounts: making them (every account is made here), and the school administrator's work:
teacher invitations, approvals, and password resets."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import (
    AccountEvent,
    AccountStatus,
    Classroom,
    Enrollment,
    Invitation,
    Role,
    User,
)
from quizapp.models.api_token import hash_token
from quizapp.refusals import Refusal
from quizapp.services.passwords import one_time_password, password_problem

MAX_INVITATION_DAYS = 30
RECENT_EVENTS = 30
MAX_FOUND = 50


USERNAME_RULE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
USERNAME_RULE_MESSAGE = (
    "Use 3 to 40 lower-case letters, digits, dots, dashes or underscores, starting with a "
    "letter or digit."
)
USERNAME_TAKEN = "That username is taken. Please choose another."
MAX_NAME_LENGTH = 120


class AccountError(Refusal):
    """A change that cannot be made, with the reason to show."""


class UsernameTaken(AccountError):
    """Another account has the username (perhaps made a moment ago)."""


class InvitationSpent(AccountError):
    """The invitation stopped working between the form and the sign-up."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_taken(username: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(User.username == username)) is not None


def username_problem(username: str) -> str | None:
    """What is wrong with a (normalised) username for a new account, if anything."""
    if not USERNAME_RULE.match(username):
        return USERNAME_RULE_MESSAGE
    if username_taken(username):
        return USERNAME_TAKEN
    return None


def new_account_problems(username: str, display_name: str, password: str) -> list[str]:
    """The sign-up rules, for accounts made elsewhere (the command line)."""
    problems = [
        username_problem(normalise_username(username)),
        password_problem(password, username=normalise_username(username)),
    ]
    if not display_name.strip() or len(display_name) > MAX_NAME_LENGTH:
        problems.append(f"Give a name of 1 to {MAX_NAME_LENGTH} characters.")
    return [p for p in problems if p]


def create_user(
    username: str,
    display_name: str,
    role: Role,
    *,
    password: str | None = None,
    password_hash: str | None = None,
    temporary: bool = False,
    status: AccountStatus = AccountStatus.ACTIVE,
    created_by_id: int | None = None,
    created_at: datetime | None = None,
) -> User:
    """Make an account (the caller has checked the username is free, or catches the
    IntegrityError of a race); with a password, or a hash made beforehand (hash_password);
    a temporary one is a one-time password, changed at the first log-in."""
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        status=status,
        created_by_id=created_by_id,
    )
    if created_at is not None:
        user.created_at = created_at
    if password is not None:
        user.set_password(password, temporary=temporary)
    elif password_hash is not None:
        user.set_password_hash(password_hash, temporary=temporary)
    db.session.add(user)
    db.session.flush()
    return user


def insert_users(people: list[tuple[str, str, Role]], password_hash: str) -> list[int]:
    """Many accounts in one statement, for the generated school of the benchmarks; their ids
    in the order given. The usernames must be free."""
    rows = [
        {
            "username": username,
            "display_name": name,
            "role": role,
            "password_hash": password_hash,
            "must_change_password": False,
            "session_token": secrets.token_hex(16),
        }
        for username, name, role in people
    ]
    statement = sa.insert(User).returning(User.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def sign_up(
    username: str,
    display_name: str,
    password: str,
    role: Role,
    *,
    now: datetime,
    status: AccountStatus = AccountStatus.ACTIVE,
    invitation: Invitation | None = None,
    classroom: Classroom | None = None,
) -> User:
    """A sign-up: the account, with the invitation it uses or the class it joins. Refused
    whole (UsernameTaken, InvitationSpent): then nothing of it is saved."""
    from quizapp.services.classrooms import enrol  # classrooms makes accounts through us

    try:
        with db.session.begin_nested():
            user = create_user(
                normalise_username(username),
                display_name.strip(),
                role,
                password=password,
                status=status,
            )
            if invitation is not None and not claim(invitation, user, now):
                raise InvitationSpent
            if classroom is not None:
                enrol(user, classroom)
    except IntegrityError:
        raise UsernameTaken(USERNAME_TAKEN) from None
    except InvitationSpent:
        db.session.refresh(invitation)  # as another sign-up left it
        raise InvitationSpent(invitation.problem(now) or "has stopped working") from None
    return user


@dataclass
class TeacherRow:
    teacher: User
    classes: int


def teachers() -> list[TeacherRow]:
    """Every teacher account, waiting ones first, each with their number of classes."""
    classes = (
        sa.select(Classroom.teacher_id, sa.func.count().label("n"))
        .group_by(Classroom.teacher_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(User, sa.func.coalesce(classes.c.n, 0))
        .outerjoin(classes, classes.c.teacher_id == User.id)
        .where(User.role == Role.TEACHER)
        .order_by(User.status != AccountStatus.PENDING, User.display_name, User.username)
    ).all()
    return [TeacherRow(user, count) for user, count in rows]


def open_invitations(now: datetime) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.open_at(now))
            .options(so.selectinload(Invitation.created_by))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def recent_events(limit: int = RECENT_EVENTS) -> list[AccountEvent]:
    return list(
        db.session.scalars(
            sa.select(AccountEvent)
            .options(so.selectinload(AccountEvent.actor))
            .order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc())
            .limit(limit)
        )
    )


def invite(admin: User, name: str, days: int, now: datetime) -> tuple[Invitation, str]:
    """A new invitation link's record and its secret, which is shown once."""
    invitation, secret = Invitation.issue(admin, name.strip(), timedelta(days=days), now)
    db.session.add(invitation)
    db.session.flush()
    _record(admin, None, "invited", f"Invitation made for {invitation.name}, valid {days} days.")
    return invitation, secret


def invitation_for(secret: str) -> Invitation | None:
    """The invitation a link carries, whatever its state; None if there is no such link."""
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(secret.strip()))
    )


def claim(invitation: Invitation, teacher: User, now: datetime) -> bool:
    """Use the invitation for the new teacher; False if it stopped working a moment ago.

    One conditional update, so that two sign-ups sent at once cannot both use it.
    """
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.open_at(now))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        return False
    invitation.used_by = teacher
    return True


def revoke(invitation: Invitation, admin: User, now: datetime) -> None:
    if (problem := invitation.problem(now)) is not None:
        raise AccountError(f"The invitation for {invitation.name} {problem}.")
    invitation.revoked_at = now
    _record(admin, None, "invitation_revoked", f"Invitation for {invitation.name} withdrawn.")


def approve(teacher: User, admin: User) -> None:
    _expect(teacher, AccountStatus.PENDING, "is not waiting for approval")
    teacher.status = AccountStatus.ACTIVE
    _record(admin, teacher, "approved", f"Teacher account of {_named(teacher)} approved.")


def refuse(teacher: User, admin: User) -> None:
    """Remove a sign-up that waits for approval: it has no classes or anything else yet."""
    _expect(teacher, AccountStatus.PENDING, "is not waiting for approval")
    _record(admin, None, "refused", f"Sign-up of {_named(teacher)} refused and removed.")
    db.session.execute(
        sa.update(AccountEvent).where(AccountEvent.user_id == teacher.id).values(user_id=None)
    )
    db.session.delete(teacher)
    db.session.flush()


def disable(teacher: User, admin: User) -> None:
    """Stop a teacher from logging in, ending their sessions; their classes stay as they are."""
    _expect(teacher, AccountStatus.ACTIVE, "is not active")
    teacher.status = AccountStatus.DISABLED
    teacher.rotate_session()
    _record(admin, teacher, "disabled", f"Teacher account of {_named(teacher)} disabled.")


def enable(teacher: User, admin: User) -> None:
    _expect(teacher, AccountStatus.DISABLED, "is not disabled")
    teacher.status = AccountStatus.ACTIVE
    _record(admin, teacher, "enabled", f"Teacher account of {_named(teacher)} enabled again.")


def reset_password(user: User, actor: User) -> str:
    """Give the account a one-time password, to be changed at the next log-in, and return it."""
    password = one_time_password()
    user.set_password(password, temporary=True)
    _record(actor, user, "password_reset", f"Password of {_named(user)} reset.")
    return password


@dataclass
class StudentRow:
    student: User
    classes: list[tuple[str, str]]  # (class name, teacher's name)


def find_students(query: str) -> list[StudentRow]:
    """Students whose username or name contains the query, each with the classes they are in."""
    text = query.strip().lower()
    if not text:
        return []
    students = db.session.scalars(
        sa.select(User)
        .where(
            User.role == Role.STUDENT,
            sa.or_(
                User.username.contains(text, autoescape=True),
                sa.func.lower(User.display_name).contains(text, autoescape=True),
            ),
        )
        .order_by(User.display_name, User.username)
        .limit(MAX_FOUND)
    ).all()
    classes: dict[int, list[tuple[str, str]]] = {s.id: [] for s in students}
    rows = db.session.execute(
        sa.select(Enrollment.student_id, Classroom.name, User.display_name)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .join(User, User.id == Classroom.teacher_id)
        .where(Enrollment.student_id.in_(classes), Enrollment.removed_at.is_(None))
        .order_by(Classroom.name)
    )
    for student_id, class_name, teacher_name in rows:
        classes[student_id].append((class_name, teacher_name))
    return [StudentRow(s, classes[s.id]) for s in students]


def has_admin() -> bool:
    return db.session.scalar(sa.select(sa.exists().where(User.role == Role.ADMIN)))


def _named(user: User) -> str:
    return f"{user.display_name} ({user.username})"


def _expect(teacher: User, status: AccountStatus, otherwise: str) -> None:
    if teacher.status != status:
        raise AccountError(f"{_named(teacher)} {otherwise}.")


def _record(actor: User, user: User | None, action: str, detail: str) -> None:
    db.session.add(AccountEvent(actor_id=actor.id, user=user, action=action, detail=detail))
    db.session.flush()
