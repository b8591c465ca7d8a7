"""A demo school: an administrator, a teacher and a class with varied, realistic attempts."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Assignment, Classroom, QuestionSet, Role, ShowAnswers, User, utcnow
from quizapp.question_types import ground
from quizapp.services import attempts as quiz
from quizapp.services import classrooms
from quizapp.services.accounts import create_user
from quizapp.services.assignments import AssignmentTerms, assign

TEACHER = "demo.teacher"
ADMIN = "demo.admin"
CLASS_NAME = "Demo: Year 10 media literacy"
STUDENT_COUNT = 25
# Invented first and last names for the demo class.
FIRST = [
    "Amira",
    "Ben",
    "Chloé",
    "Dev",
    "Elena",
    "Finn",
    "Grace",
    "Hamza",
    "Ines",
    "Jonah",
    "Kai",
    "Lena",
    "Mateo",
    "Nia",
    "Oskar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Umar",
    "Vera",
    "Wes",
    "Yara",
    "Zoe",
]
LAST = [
    "Okafor",
    "Walsh",
    "Martin",
    "Patel",
    "Novak",
    "Byrne",
    "Kim",
    "Rahman",
    "Silva",
    "Cohen",
    "Tanaka",
    "Fischer",
    "Rossi",
    "Mensah",
    "Berg",
    "Shah",
    "Dubois",
    "Lopez",
    "Haddad",
    "Moreau",
    "Ali",
    "Petrova",
    "Hughes",
    "Nasser",
    "Clarke",
]


@dataclass
class DemoResult:
    created: bool
    password: str
    students: int
    join_code: str

    def summary(self) -> str:
        head = "Demo class created." if self.created else "Demo class already there."
        return (
            f"{head} Log in as {TEACHER} or demo.student01 … "
            f"demo.student{self.students:02d} with the password: {self.password}\n"
            f"Students can also join the demo class with the code {self.join_code}.\n"
            f"The demo school's administrator is {ADMIN}, with the same password."
        )


def seed_demo(password: str | None = None) -> DemoResult:
    """Create the demo data once; every run sets the demo accounts' password."""
    password = password or "-".join(secrets.token_hex(2) for _ in range(3))
    teacher = db.session.scalar(sa.select(User).where(User.username == TEACHER))
    created = teacher is None
    if created:
        teacher = _create(password)
    else:
        demo_users = db.session.scalars(
            sa.select(User).where(
                sa.or_(User.username.in_((TEACHER, ADMIN)), User.username.like("demo.student%"))
            )
        )
        for user in demo_users:
            user.set_password(password)
    if not db.session.scalar(sa.select(User.id).where(User.username == ADMIN)):
        # Also for a demo made before the demo school had an administrator.
        create_user(ADMIN, "Demo administrator", Role.ADMIN, password=password)
    classroom = db.session.scalar(
        sa.select(Classroom).where(Classroom.teacher_id == teacher.id, Classroom.name == CLASS_NAME)
    )
    return DemoResult(created, password, STUDENT_COUNT, classroom.join_code if classroom else "")


def _create(password: str) -> User:
    rng = random.Random(2019)
    teacher = create_user(TEACHER, "Ms Demo", Role.TEACHER, password=password)
    classroom = classrooms.create_classroom(teacher, CLASS_NAME)
    students = []
    for n in range(1, STUDENT_COUNT + 1):
        student = create_user(
            f"demo.student{n:02d}",
            f"{FIRST[n - 1]} {LAST[(n * 7) % len(LAST)]}",
            Role.STUDENT,
            password=password,
            created_by_id=teacher.id,
        )
        students.append(student)
    db.session.flush()
    for student in students:
        classrooms.enrol(student, classroom)

    now = utcnow().replace(second=0, microsecond=0)
    sets = db.session.scalars(
        sa.select(QuestionSet).where(QuestionSet.active).order_by(QuestionSet.slug)
    ).all()
    # One finished assignment, one under way, one not yet open: a realistic term.
    plans = [(-21, -14, 2, 0.9), (-3, 4, 1, 0.55), (2, 9, 1, 0.0)]
    for qset, (opens, due, attempts_allowed, take_rate) in zip(sets, plans, strict=False):
        terms = AssignmentTerms(
            opens_at=now + timedelta(days=opens),
            due_at=now + timedelta(days=due),
            attempts_allowed=attempts_allowed,
            time_limit_minutes=None,
            shuffle_questions=False,
            shuffle_choices=True,
            show_answers=ShowAnswers.AFTER_SUBMIT,
        )
        assignment = assign(classroom, qset, terms)
        for student in students:
            if rng.random() < take_rate:
                # Students read more carefully by the check-out: growth to see.
                _simulate(assignment, student, rng, now, 0.15 if qset.role == "check-out" else 0)
    return teacher


def _simulate(
    assignment: Assignment, student: User, rng: random.Random, now, growth: float
) -> None:
    """A student's attempt: skill varies by student, some stop half-way, some try again."""
    skill = min(0.97, 0.35 + 0.6 * ((student.id * 37) % 100) / 100 + growth)
    start = assignment.opens_at + timedelta(hours=rng.uniform(1, 40))
    tries = 2 if assignment.attempts_allowed > 1 and rng.random() < 0.3 else 1
    for number in range(tries):
        attempt = quiz.start_attempt(assignment, student, start)
        finishes = assignment.due_at < now or rng.random() < 0.7
        moment = start
        for item in attempt.items:
            if not finishes and item.position >= len(attempt.items) // 2:
                break
            item.answer = _answer(item, rng, skill + 0.1 * number)
            spent = timedelta(seconds=rng.uniform(15, 90))
            moment += spent
            item.answered_at = moment
            item.time_spent_ms = int(spent.total_seconds() * 1000)
        if not finishes:
            return
        quiz.submit_attempt(attempt, moment + timedelta(seconds=30))
        start = moment + timedelta(days=1)


def _answer(item, rng: random.Random, skill: float) -> dict | None:
    version = item.question_version
    if rng.random() < 0.04:
        return None  # skipped
    answer = version.question_type.sample(version.content, rng, skill)
    if "ground" in version.content and rng.random() < skill:
        answer["ground"] = ground.sample(version.content, rng, skill)
    return answer
