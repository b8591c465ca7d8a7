"""A school's worth of realistic data, written with bulk inserts, for benchmarks and trying out
the teacher views at scale (`flask --app quizapp demo generate`)."""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Classroom,
    Enrollment,
    Question,
    QuestionSet,
    QuestionVersion,
    Role,
    ShowAnswers,
    User,
    utcnow,
)
from quizapp.question_types import ground
from quizapp.question_types.base import QuestionType
from quizapp.services import accounts
from quizapp.services.classrooms import CODE_ALPHABET, CODE_LENGTH
from quizapp.services.demo import FIRST, LAST

# Days between two assignments of a class, and how long each stays open.
SPACING_DAYS, OPEN_DAYS = 4, 7


@dataclass
class Generated:
    password: str
    prefix: str
    teachers: int
    students: int
    classes: int
    assignments: int
    attempts: int
    items: int
    seconds: float = 0.0

    def summary(self) -> str:
        last_teacher = f"{self.prefix}.teacher{self.teachers:03d}"
        last_student = f"{self.prefix}.s{self.students:05d}"
        return (
            f"Generated {self.students} students in {self.classes} classes, "
            f"{self.assignments} assignments, {self.attempts} attempts with {self.items} answers "
            f"in {self.seconds:.1f} s.\n"
            f"Log in as {self.prefix}.teacher001 … {last_teacher} (one teacher per class) or "
            f"{self.prefix}.s00001 … {last_student}, all with the password: {self.password}"
        )


@dataclass
class _Version:
    id: int
    question_type: QuestionType
    content: dict[str, Any]
    order: list[str]
    ground_max: float
    difficulty: float


def generate(
    students: int,
    classes: int,
    assignments: int,
    *,
    password: str | None = None,
    prefix: str = "gen",
    seed: int = 7,
    now: datetime | None = None,
) -> Generated:
    """Add teachers, classes, students, assignments and graded attempts; the caller commits.

    Each class has its own teacher and `assignments` assignments, one every few days up to now:
    the last one is still open, with attempts under way. Students differ in skill and improve
    over the term; questions differ in difficulty.
    """
    if classes < 1 or students < classes:
        raise ValueError("need at least one class and one student per class")
    taken = db.session.scalar(sa.select(User.id).where(User.username.like(f"{prefix}.%")).limit(1))
    if taken:
        raise ValueError(f"users named {prefix}.… exist already: choose another prefix")
    sets = _bank_sets()
    if assignments and not sets:
        raise ValueError("the question bank is empty: run `flask --app quizapp questions load`")
    rng = random.Random(seed)
    now = (now or utcnow()).replace(microsecond=0)
    password = password or "-".join(secrets.token_hex(2) for _ in range(3))
    password_hash = generate_password_hash(password)  # once: hashing is slow on purpose

    teacher_ids = accounts.insert_users(
        [
            (f"{prefix}.teacher{c:03d}", f"{rng.choice(LAST)} (teacher {c})", Role.TEACHER)
            for c in range(1, classes + 1)
        ],
        password_hash,
    )
    student_ids = accounts.insert_users(
        [
            (f"{prefix}.s{n:05d}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", Role.STUDENT)
            for n in range(1, students + 1)
        ],
        password_hash,
    )
    codes = _join_codes(classes, rng)
    class_ids = _insert_returning(
        Classroom,
        [
            {
                "teacher_id": teacher_ids[c],
                "name": f"Year {7 + c % 6} group {c + 1}",
                "join_code": codes[c],
                "created_at": now - timedelta(days=SPACING_DAYS * assignments + 7),
            }
            for c in range(classes)
        ],
    )
    rosters: list[list[int]] = [student_ids[c::classes] for c in range(classes)]
    db.session.execute(
        sa.insert(Enrollment),
        [
            {"classroom_id": class_ids[c], "student_id": s, "joined_at": now - timedelta(days=120)}
            for c in range(classes)
            for s in rosters[c]
        ],
    )
    # Ability in the middle of the term; some students read more carefully than others.
    skills = {s: min(0.97, max(0.15, rng.gauss(0.62, 0.16))) for s in student_ids}
    result = Generated(password, prefix, classes, students, classes, 0, 0, 0)
    for c in range(classes):
        plans = _insert_assignments(class_ids[c], c, assignments, sets, rng, now)
        result.assignments += len(plans)
        attempts, items = _insert_attempts(plans, rosters[c], skills, sets, rng, now)
        result.attempts += attempts
        result.items += items
    db.session.flush()
    return result


def _bank_sets() -> dict[int, list[_Version]]:
    """The bank's active sets: each set's current questions in order, with a difficulty each."""
    rows = db.session.execute(
        sa.select(Question.set_id, QuestionVersion)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .join(QuestionSet, QuestionSet.id == Question.set_id)
        .where(QuestionSet.active, QuestionSet.owner_id.is_(None), Question.position.is_not(None))
        .order_by(QuestionSet.slug, Question.position)
    ).all()
    sets: dict[int, list[_Version]] = {}
    for set_id, version in rows:
        sets.setdefault(set_id, []).append(
            _Version(
                id=version.id,
                question_type=version.question_type,
                content=version.content,
                order=version.question_type.fixed_order(version.content, version.content_hash),
                ground_max=1.0 if "ground" in version.content else 0.0,
                difficulty=random.Random(version.id).uniform(-0.25, 0.25),
            )
        )
    return sets


def _insert_returning(model: type, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _join_codes(count: int, rng: random.Random) -> list[str]:
    existing = set(db.session.scalars(sa.select(Classroom.join_code)))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in existing:
            existing.add(code)
            codes.append(code)
    return codes


def _insert_assignments(
    class_id: int,
    class_index: int,
    count: int,
    sets: dict[int, list[_Version]],
    rng: random.Random,
    now: datetime,
) -> list[dict[str, Any]]:
    """A term of assignments, oldest first; the newest opened two days ago and is still open."""
    set_ids = list(sets)
    plans = []
    for k in range(count):
        opens = now - timedelta(days=SPACING_DAYS * (count - 1 - k) + 2, hours=rng.randint(0, 8))
        plans.append(
            {
                "classroom_id": class_id,
                "set_id": set_ids[(class_index + k) % len(set_ids)],
                "opens_at": opens,
                "due_at": opens + timedelta(days=OPEN_DAYS),
                "attempts_allowed": 2 if k % 3 == 0 else 1,
                "shuffle_choices": rng.random() < 0.8,
                "show_answers": ShowAnswers.AFTER_SUBMIT,
                "created_at": opens - timedelta(days=1),
            }
        )
    for plan, assignment_id in zip(plans, _insert_returning(Assignment, plans), strict=True):
        plan["id"] = assignment_id
    return plans


def _insert_attempts(
    plans: list[dict[str, Any]],
    roster: list[int],
    skills: dict[int, float],
    sets: dict[int, list[_Version]],
    rng: random.Random,
    now: datetime,
) -> tuple[int, int]:
    """Every student's attempts at one class's assignments, graded as the app grades them."""
    attempts: list[dict[str, Any]] = []
    items: list[list[dict[str, Any]]] = []
    for k, plan in enumerate(plans):
        versions = sets[plan["set_id"]]
        closed = plan["due_at"] <= now
        # Students improve over the term.
        growth = 0.12 * (k / max(1, len(plans) - 1) - 0.5)
        for student in roster:
            if rng.random() > (0.93 if closed else 0.7):
                continue
            start = plan["opens_at"] + timedelta(hours=rng.uniform(1, 24 * (OPEN_DAYS - 1.5)))
            tries = 2 if plan["attempts_allowed"] > 1 and rng.random() < 0.3 else 1
            for number in range(1, tries + 1):
                finishes = closed or number < tries or rng.random() < 0.6
                attempt, attempt_items = _attempt(
                    plan, student, number, versions, skills[student] + growth, start, finishes, rng
                )
                attempts.append(attempt)
                items.append(attempt_items)
                start = (attempt["submitted_at"] or start) + timedelta(hours=rng.uniform(2, 30))
    ids = _insert_returning(Attempt, attempts)
    rows = [
        {**item, "attempt_id": attempt_id}
        for attempt_id, attempt_items in zip(ids, items, strict=True)
        for item in attempt_items
    ]
    if rows:
        # The ORM leaves None values out of an INSERT and batches only neighbouring rows with
        # the same columns.
        rows.sort(key=lambda row: (tuple(row), tuple(value is None for value in row.values())))
        db.session.execute(sa.insert(AttemptItem), rows)
    return len(attempts), len(rows)


def _attempt(
    plan: dict[str, Any],
    student: int,
    number: int,
    versions: list[_Version],
    skill: float,
    start: datetime,
    finishes: bool,
    rng: random.Random,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    skill = skill + 0.08 * (number - 1)  # a second try goes better
    moment = start
    items = []
    stop = len(versions) if finishes else rng.randrange(len(versions))
    for position, version in enumerate(versions):
        order = list(version.order)
        version.question_type.shuffle(order, rng, plan["shuffle_choices"])
        item: dict[str, Any] = {
            "position": position,
            "question_version_id": version.id,
            "choice_order": order,
            "answer": None,
            "answered_at": None,
            "locked": False,
            "time_spent_ms": 0,
            "points": None,
            "max_points": 1.0,
            "ground_points": None,
            "ground_max_points": version.ground_max,
        }
        if position < stop:
            # Reading time is skewed: most answer in under a minute, a few linger.
            spent = min(600.0, rng.lognormvariate(math.log(35), 0.5))
            moment += timedelta(seconds=spent)
            item["answer"] = _answer(version, rng, skill - version.difficulty)
            item["answered_at"] = moment if item["answer"] else None
            item["time_spent_ms"] = int(spent * 1000)
        if finishes:
            item["points"] = version.question_type.grade(version.content, item["answer"])
            if version.ground_max:
                item["ground_points"] = ground.grade(version.content, item["answer"])
        if item["answer"] is None:
            # Left out, it is SQL NULL as in a new attempt; given as None it would be JSON null.
            del item["answer"]
        items.append(item)
    submitted = moment + timedelta(seconds=rng.uniform(10, 60)) if finishes else None
    score = (
        round(sum(i["points"] + (i["ground_points"] or 0) for i in items), 4) if finishes else None
    )
    attempt = {
        "assignment_id": plan["id"],
        "student_id": student,
        "number": number,
        "started_at": start,
        "deadline_at": None,
        "submitted_at": submitted,
        "score": score,
        "max_score": float(sum(1.0 + v.ground_max for v in versions)),
        "current_position": min(stop, len(versions) - 1),
        "viewed_at": moment,
        "override_score": None,
        "override_reason": None,
        "reset_at": None,
    }
    return attempt, items


def _answer(version: _Version, rng: random.Random, p: float) -> dict[str, Any] | None:
    """An answer right with probability about p, wrong in the ways students are wrong."""
    content = version.content
    if rng.random() < 0.03:
        return None  # skipped
    answer = version.question_type.sample(content, rng, p)
    if "ground" in content and rng.random() < p + 0.1:
        answer["ground"] = ground.sample(content, rng, p)
    return answer
