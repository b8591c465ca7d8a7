"""Classes, join codes and student accounts."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Classroom, Enrollment, Role, User, utcnow
from quizapp.models.user import hash_password
from quizapp.refusals import Refusal
from quizapp.services.accounts import create_user
from quizapp.services.passwords import one_time_password

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and copied from a board.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(sa.select(Classroom.id).where(Classroom.join_code == code)):
            return code


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def create_classroom(teacher: User, name: str) -> Classroom:
    classroom = Classroom(teacher_id=teacher.id, name=name.strip(), join_code=new_join_code())
    db.session.add(classroom)
    db.session.flush()
    return classroom


def teacher_classes(teacher: User, order_by: sa.ColumnElement | None = None) -> list[Classroom]:
    """The teacher's classes, newest first unless order_by says otherwise."""
    return list(
        db.session.scalars(
            sa.select(Classroom)
            .where(Classroom.teacher_id == teacher.id)
            .order_by(Classroom.created_at.desc() if order_by is None else order_by)
        )
    )


def class_sizes(classrooms: list[Classroom]) -> dict[int, int]:
    """How many students each class has now (removed ones are not counted); absent when none."""
    return dict(
        db.session.execute(
            sa.select(Enrollment.classroom_id, sa.func.count())
            .where(
                Enrollment.classroom_id.in_([c.id for c in classrooms]),
                Enrollment.removed_at.is_(None),
            )
            .group_by(Enrollment.classroom_id)
        ).all()
    )


def members(classroom: Classroom) -> list[tuple[User, bool]]:
    """Every student who is or was in the class, by name, and whether they still are."""
    rows = db.session.execute(
        sa.select(User, Enrollment.removed_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == classroom.id)
        .order_by(User.display_name, User.id)
    ).all()
    return [(user, removed is None) for user, removed in rows]


def regenerate_code(classroom: Classroom) -> None:
    classroom.join_code = new_join_code()


def classroom_by_code(code: str) -> Classroom | None:
    return db.session.scalar(
        sa.select(Classroom).where(Classroom.join_code == normalise_code(code))
    )


class JoinRefused(Refusal):
    """A join the rules refuse; the message is shown to the student as it is."""


def enrol(student: User, classroom: Classroom) -> Enrollment:
    """Add a student to a class; one the teacher removed stays out until the teacher adds them
    back (add_back), whatever code they type."""
    enrollment = db.session.scalar(
        sa.select(Enrollment).where(
            Enrollment.classroom_id == classroom.id, Enrollment.student_id == student.id
        )
    )
    if enrollment is None:
        enrollment = Enrollment(classroom_id=classroom.id, student_id=student.id)
        db.session.add(enrollment)
        db.session.flush()
    elif enrollment.removed_at is not None:
        raise JoinRefused(
            f"Your teacher removed you from {classroom.name}. To be in the class again, "
            "ask your teacher to add you back."
        )
    return enrollment


def remove_student(classroom: Classroom, student_id: int) -> bool:
    """Take a student off the roster; their attempts stay in the records."""
    enrollment = db.session.scalar(
        sa.select(Enrollment).where(
            Enrollment.classroom_id == classroom.id,
            Enrollment.student_id == student_id,
            Enrollment.removed_at.is_(None),
        )
    )
    if enrollment is None:
        return False
    enrollment.removed_at = utcnow()
    return True


def add_back(classroom: Classroom, student_id: int) -> bool:
    """Put a student the teacher removed back on the roster; False if they were not removed."""
    enrollment = db.session.scalar(
        sa.select(Enrollment).where(
            Enrollment.classroom_id == classroom.id,
            Enrollment.student_id == student_id,
            Enrollment.removed_at.is_not(None),
        )
    )
    if enrollment is None:
        return False
    enrollment.removed_at = None
    return True


def roster(classroom: Classroom) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Enrollment, Enrollment.student_id == User.id)
            .where(Enrollment.classroom_id == classroom.id, Enrollment.removed_at.is_(None))
            .order_by(User.display_name)
        )
    )


def username_base(name: str) -> str:
    """'Zoë O'Brien' -> 'zoe.obrien'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = [re.sub(r"[^a-z0-9]", "", p) for p in ascii_name.lower().split()]
    return ".".join(p for p in parts if p)[:40] or "student"


def usernames_starting_with(prefixes: set[str]) -> set[str]:
    """Every username that starts with one of prefixes, in one query."""
    by_length: dict[int, set[str]] = defaultdict(set)
    for prefix in prefixes:
        by_length[len(prefix)].add(prefix)
    starts = (sa.func.substr(User.username, 1, n).in_(group) for n, group in by_length.items())
    return set(db.session.scalars(sa.select(User.username).where(sa.or_(*starts))))


def unique_username(base: str, taken: set[str]) -> str:
    """base, else base2, base3…: the first not in taken, which is added to it."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def free_username(name: str) -> str:
    """A username made from a person's name that no account has yet."""
    base = username_base(name)
    return unique_username(base, usernames_starting_with({base}))


@dataclass
class NewAccount:
    name: str
    username: str
    password: str
    # Why the username is not the one made from the name, in words for the teacher; or None.
    adjusted: str | None = None


@dataclass
class NewStudent:
    name: str
    password: str
    password_hash: str


def new_students(names: list[str]) -> list[NewStudent]:
    """A one-time password and its hash for each name: slow (scrypt) and needs no database,
    so the caller does it before its write transaction begins."""
    passwords = [one_time_password() for _ in names]
    return [
        NewStudent(n, p, hash_password(p, one_time=True))
        for n, p in zip(names, passwords, strict=True)
    ]


def create_roster(classroom: Classroom, students: list[NewStudent]) -> list[NewAccount]:
    """Create the students' accounts in the class, with the one-time passwords to hand out
    and, for each username that got a number, the reason."""
    taken = usernames_starting_with({username_base(s.name) for s in students})
    before = set(taken)
    accounts = []
    for new in students:
        base = username_base(new.name)
        username = unique_username(base, taken)
        adjusted = None
        if username != base:
            adjusted = (
                f"another account already has the username {base}"
                if base in before
                else f"a name above it in the list also makes the username {base}"
            )
        student = create_user(
            username,
            new.name,
            Role.STUDENT,
            password_hash=new.password_hash,
            temporary=True,
            created_by_id=classroom.teacher_id,
        )
        db.session.add(Enrollment(classroom=classroom, student=student))
        accounts.append(NewAccount(new.name, username, new.password, adjusted))
    db.session.flush()
    return accounts


def parse_roster(text: str) -> list[str]:
    names = [" ".join(line.split()) for line in text.splitlines()]
    return [n for n in names if n]


def reset_refused(teacher_id: int, student_ids: list[int]) -> set[int]:
    """Of these students, those whose password only the administrator may reset.

    An account is one for all of a student's classes, so a teacher may reset it only when the
    student is in none of another teacher's classes (or was: their past answers are in it), or
    when the teacher made the account. Otherwise any teacher who got a student to join their
    class could take over the student's place in other teachers' classes.
    """
    elsewhere = (
        sa.select(Enrollment.student_id)
        .join(Classroom, Classroom.id == Enrollment.classroom_id)
        .where(Classroom.teacher_id != teacher_id)
    )
    return set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(student_ids),
                User.id.in_(elsewhere),
                User.created_by_id.is_distinct_from(teacher_id),
            )
        )
    )
