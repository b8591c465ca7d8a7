"""Starting, answering and submitting attempts; every rule is checked here, on the server."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import (
    Accommodation,
    Assignment,
    Attempt,
    AttemptItem,
    Enrollment,
    Question,
    QuestionVersion,
    ShowAnswers,
    Status,
    User,
)
from quizapp.question_types import ground
from quizapp.refusals import Refusal
from quizapp.services.accommodations import (
    Terms,
    accommodations_of,
    compute_terms,
    effective_terms,
    time_multipliers,
)
from quizapp.services.version_cache import CachedVersion, cached_version

# Time on one page beyond this is counted as the student having walked away.
MAX_COUNTED_VIEW = timedelta(minutes=30)


class QuizError(Refusal):
    """A request the rules refuse; the message is shown to the student as it is."""


# What needs the student's attention first.
STATUS_ORDER = {
    Status.IN_PROGRESS: 0,
    Status.TO_DO: 1,
    Status.UPCOMING: 2,
    Status.OVERDUE: 3,
    Status.DONE: 4,
}


@dataclass
class AssignmentRow:
    """An assignment as a student's home lists it, on the student's own terms."""

    assignment: Assignment
    status: Status  # one of STATUS_ORDER
    attempts: list[Attempt]  # reset ones too: they stay in the history
    terms: Terms

    @property
    def counted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.reset_at is None]

    @property
    def best(self) -> Attempt | None:
        scored = [a for a in self.counted if a.percent is not None]
        return max(scored, key=lambda a: a.percent or 0) if scored else None

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.counted if not a.submitted), None)

    @property
    def attempts_left(self) -> int:
        # A reset attempt is one of the attempts and adds one to those allowed: it evens out.
        return max(0, self.terms.attempts_allowed - len(self.attempts))


# The question page's statements are built once: building one costs more than running it
# (see services.quick_save).
_ENROLLED = sa.select(
    sa.exists().where(
        Enrollment.classroom_id == sa.bindparam("classroom_id"),
        Enrollment.student_id == sa.bindparam("student_id"),
        Enrollment.removed_at.is_(None),
    )
)


def is_enrolled(student: User, classroom_id: int) -> bool:
    return db.session.scalar(_ENROLLED, {"classroom_id": classroom_id, "student_id": student.id})


def student_assignments(student: User, now: datetime) -> list[AssignmentRow]:
    """The assignments of every class the student is in, with their attempts, soonest due first."""
    assignments = db.session.scalars(
        sa.select(Assignment)
        .join(Enrollment, Enrollment.classroom_id == Assignment.classroom_id)
        .where(Enrollment.student_id == student.id, Enrollment.removed_at.is_(None))
        .options(so.selectinload(Assignment.question_set), so.selectinload(Assignment.classroom))
    ).all()
    attempts = db.session.scalars(
        sa.select(Attempt)
        .where(
            Attempt.student_id == student.id,
            Attempt.assignment_id.in_([a.id for a in assignments]),
        )
        .order_by(Attempt.number)
    ).all()
    for attempt in attempts:
        finalise_if_expired(attempt, now)
    by_assignment: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_assignment.setdefault(attempt.assignment_id, []).append(attempt)
    accommodations = accommodations_of(student.id, [a.id for a in assignments])
    multipliers = time_multipliers(student.id)
    rows = []
    for assignment in assignments:
        mine = by_assignment.get(assignment.id, [])
        terms = compute_terms(
            assignment,
            accommodations.get(assignment.id),
            mine,
            multipliers.get(assignment.classroom_id, 1.0),
        )
        rows.append(AssignmentRow(assignment, "", mine, terms))
    for row in rows:
        row.status = _status(row, now)
    far = datetime.max
    return sorted(
        rows,
        key=lambda r: (STATUS_ORDER[r.status], r.terms.due_at or far, r.assignment.opens_at),
    )


def _status(row: AssignmentRow, now: datetime) -> Status:
    if row.in_progress:
        return Status.IN_PROGRESS
    if row.counted:
        return Status.DONE
    if now < row.terms.opens_at:
        return Status.UPCOMING
    if row.terms.due_at and now >= row.terms.due_at:
        return Status.OVERDUE
    return Status.TO_DO


def start_attempt(assignment: Assignment, student: User, now: datetime) -> Attempt:
    """Resume the student's attempt in progress, or start a new one if the rules allow it."""
    if not is_enrolled(student, assignment.classroom_id):
        raise QuizError("You are not in the class this quiz was set for.")
    attempts = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.assignment_id == assignment.id, Attempt.student_id == student.id
        )
    ).all()
    for attempt in attempts:
        finalise_if_expired(attempt, now)
        if not attempt.submitted and attempt.reset_at is None:
            return attempt
    terms = effective_terms(assignment, student.id)
    if now < terms.opens_at:
        raise QuizError("This quiz is not open yet.")
    if terms.due_at and now >= terms.due_at:
        raise QuizError("This quiz is closed: its due time has passed.")
    # Reset attempts count here and add to those allowed, so the numbers carry on.
    if len(attempts) >= terms.attempts_allowed:
        raise QuizError("You have used all your attempts at this quiz.")

    number = max((a.number for a in attempts), default=0) + 1
    attempt = Attempt(
        assignment_id=assignment.id,
        student_id=student.id,
        number=number,
        started_at=now,
        deadline_at=terms.deadline(now),
    )
    items = _build_items(assignment, attempt_seed=f"{assignment.id}:{student.id}:{number}")
    attempt.max_score = float(sum(item["max_points"] + item["ground_max_points"] for item in items))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            # One statement for all the questions: the ORM would insert them one by one, to
            # learn each id, and a class starts its quiz at the same moment.
            db.session.execute(
                sa.insert(AttemptItem), [{**i, "attempt_id": attempt.id} for i in items]
            )
        db.session.expire(attempt, ["items"])  # read when first needed
    except IntegrityError:
        # Another request started the same attempt a moment ago: use that one.
        existing = db.session.scalar(
            sa.select(Attempt).where(
                Attempt.assignment_id == assignment.id,
                Attempt.student_id == student.id,
                Attempt.submitted_at.is_(None),
                Attempt.reset_at.is_(None),
            )
        )
        if existing is None:
            raise QuizError("You have used all your attempts at this quiz.") from None
        return existing
    return attempt


def _build_items(assignment: Assignment, attempt_seed: str) -> list[dict[str, Any]]:
    """The attempt's questions as rows to insert, in their order, each with its choice order."""
    versions = db.session.scalars(
        sa.select(QuestionVersion)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.set_id == assignment.set_id, Question.position.is_not(None))
        .order_by(Question.position)
    ).all()
    if not versions:
        raise QuizError("This quiz has no questions.")
    rng = random.Random(attempt_seed)
    if assignment.shuffle_questions:
        rng.shuffle(versions)
    items = []
    for position, version in enumerate(versions):
        question_type = version.question_type
        order = question_type.fixed_order(version.content, version.content_hash)
        question_type.shuffle(order, rng, assignment.shuffle_choices)
        items.append(
            {
                "position": position,
                "question_version_id": version.id,
                "choice_order": order,
                "max_points": 1.0,
                "ground_max_points": 1.0 if "ground" in version.content else 0.0,
            }
        )
    return items


def finalise_if_expired(attempt: Attempt, now: datetime) -> bool:
    """Submit, with the answers saved so far, an attempt whose time has run out."""
    if attempt.submitted or not _time_is_up(attempt, now):
        return False
    _submit(attempt, attempt.deadline_at)
    return True


RESET_WHILE_OPEN = (
    "Your teacher reset this attempt, so it was closed with the answers you had saved. "
    "It no longer counts: you can start again from your quizzes."
)


def closed_by_reset(attempt: Attempt) -> bool:
    """Whether a teacher's reset is what ended this attempt (see accommodations.reset_attempt)."""
    return attempt.reset_at is not None and attempt.submitted_at == attempt.reset_at


TIME_WAS_UP = "Time was up, so your quiz was submitted with the answers you had saved."
TIME_UP_NOT_SAVED = (
    "Time is up: your quiz was submitted with the answers saved before the deadline. "
    "This last answer was not saved."
)


def _time_is_up(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now >= attempt.deadline_at


def submit_attempt(attempt: Attempt, now: datetime) -> None:
    """Submit the student's attempt; one whose time ran out is refused, to be finalised by the
    caller (finalise_if_expired) with the answers saved before its deadline."""
    if closed_by_reset(attempt):
        raise QuizError(RESET_WHILE_OPEN)
    if not attempt.submitted and _time_is_up(attempt, now):
        raise QuizError(TIME_WAS_UP)
    if attempt.submitted:
        raise QuizError("This attempt was already submitted.")
    ensure_enrolled(attempt)
    _submit(attempt, now)


def _submit(attempt: Attempt, when: datetime) -> None:
    # The conditional update lets exactly one of two simultaneous submits through.
    claimed = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=when)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.refresh(attempt)
        raise QuizError("This attempt was already submitted.")
    attempt.submitted_at = when
    for item in attempt.items:
        _grade_item(item)
    attempt.score = round(
        sum((item.points or 0) + (item.ground_points or 0) for item in attempt.items), 4
    )
    db.session.flush()


def _grade_item(item: AttemptItem) -> None:
    version = item.question_version
    item.points = item.max_points * version.question_type.grade(version.content, item.answer)
    if item.ground_max_points:
        item.ground_points = item.ground_max_points * ground.grade(version.content, item.answer)


def item_at(items: Sequence[Item], position: int) -> Item:
    """The attempt's question at position, of its items (Attempt.items, or page_items)."""
    if not 0 <= position < len(items):
        raise QuizError("That question is not part of this quiz.")
    return items[position]


@dataclass(frozen=True)
class PageItem:
    """An attempt's question as its page reads it: the item's columns, with its version from
    the per-process cache. It answers the same reading functions as an AttemptItem
    (is_answered, item_result, answer_marks, parse_answer)."""

    id: int
    position: int
    choice_order: list[str]
    answer: dict[str, Any] | None
    locked: bool
    points: float | None
    max_points: float
    ground_points: float | None
    ground_max_points: float
    question_version: CachedVersion


# An attempt's question, as an object or as its page reads it.
Item = AttemptItem | PageItem


_PAGE_ITEMS = (
    sa.select(
        AttemptItem.id,
        AttemptItem.position,
        AttemptItem.choice_order,
        AttemptItem.answer,
        AttemptItem.locked,
        AttemptItem.points,
        AttemptItem.max_points,
        AttemptItem.ground_points,
        AttemptItem.ground_max_points,
        AttemptItem.question_version_id,
        QuestionVersion.content_hash,
    )
    .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
    .where(AttemptItem.attempt_id == sa.bindparam("attempt_id"))
    .order_by(AttemptItem.position)
)


def page_items(attempt_id: int) -> list[PageItem]:
    """Every question of the attempt, in order, in one statement and without objects: the
    question page is the page a class loads most."""
    rows = db.session.execute(_PAGE_ITEMS, {"attempt_id": attempt_id})
    return [
        PageItem(
            *row[:9], question_version=cached_version(row.question_version_id, row.content_hash)
        )
        for row in rows
    ]


def record_view(attempt: Attempt, position: int, now: datetime) -> None:
    """Remember which question the student is looking at, to resume there and time it."""
    attempt.current_position = position
    attempt.viewed_at = now


def save_answer(
    attempt: Attempt, position: int, values: dict[str, Any], key: bytes, now: datetime
) -> None:
    """Store the answer given on one question page; values are the submitted form fields,
    their choices named by the tokens made with key."""
    _check_open(attempt, now)
    item = item_at(attempt.items, position)
    answer = parse_answer(item, values, key)
    if item.locked:
        # A checked answer's fields are disabled on the page, so moving on sends none.
        if answer is None or answer == item.answer:
            return
        raise QuizError("You have already checked this answer, so it can no longer change.")
    # Only the question on screen is timed. A save for another one (the page script's save
    # arriving after the next page opened) must not move the resume point back.
    if attempt.current_position == position:
        if attempt.viewed_at:
            spent = min(now - attempt.viewed_at, MAX_COUNTED_VIEW)
            item.time_spent_ms += max(0, int(spent.total_seconds() * 1000))
        attempt.viewed_at = now
    if answer != item.answer:
        item.answer = answer
        item.answered_at = now


def check_answer(
    attempt: Attempt, position: int, values: dict[str, Any], key: bytes, now: datetime
) -> None:
    """Save, grade and lock one answer, for assignments that show answers after each question."""
    if attempt.assignment.show_answers != ShowAnswers.AFTER_EACH:
        raise QuizError("Answers to this quiz are shown after you submit it.")
    save_answer(attempt, position, values, key, now)
    item = attempt.items[position]
    if not is_answered(item):
        raise QuizError("Choose an answer before checking it.")
    # Checking locks both parts: an empty "which sentence shows it?" step would lose its point.
    if "ground" in item.question_version.content and not item.answer.get("ground"):
        raise QuizError(
            "Your answer is saved. Select the sentence that shows it too before checking: "
            "checking marks and locks both parts."
        )
    _grade_item(item)
    item.locked = True


def _check_open(attempt: Attempt, now: datetime) -> None:
    # Refusals change nothing: an attempt whose time ran out is finalised by the caller.
    if closed_by_reset(attempt):
        raise QuizError(RESET_WHILE_OPEN)
    if not attempt.submitted and _time_is_up(attempt, now):
        raise QuizError(TIME_UP_NOT_SAVED)
    if attempt.submitted:
        raise QuizError("This attempt has been submitted, so answers can no longer change.")
    ensure_enrolled(attempt)


def ensure_enrolled(attempt: Attempt) -> None:
    """A student removed from the class can read past results but not go on with a quiz."""
    if not is_enrolled(attempt.student, attempt.assignment.classroom_id):
        raise QuizError("You are no longer in the class this quiz was set for.")


def finalise_expired(assignment_ids: list[int], now: datetime) -> None:
    """Submit every attempt of these assignments whose time ran out, for the teacher's views."""
    expired = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.assignment_id.in_(assignment_ids),
            Attempt.submitted_at.is_(None),
            Attempt.deadline_at <= now,
        )
    )
    for attempt in expired:
        _submit(attempt, attempt.deadline_at)


def choice_token(item: AttemptItem, choice_id: str, key: bytes) -> str:
    """An opaque name for a choice, so the page does not reveal which choice is which; key is
    the application's secret, so a student cannot compute the name of a choice."""
    digest = hmac.new(key, f"{item.id}:{choice_id}".encode(), hashlib.sha256).hexdigest()
    return "c" + digest[:12]


def parse_answer(item: AttemptItem, values: dict[str, Any], key: bytes) -> dict[str, Any] | None:
    """Turn submitted form values into an answer, refusing anything not offered on the page."""
    version = item.question_version
    content = version.content
    tokens = {choice_token(item, cid, key): cid for cid in item.choice_order}

    def choice_of(token: str, offered: dict[str, str] = tokens) -> str:
        if token not in offered:
            raise QuizError("That answer is not one of the choices. Please choose again.")
        return offered[token]

    answer = version.question_type.parse(content, values, item.choice_order, choice_of)
    if "ground" in content:
        offered = {
            ground_token(item, s["id"], key): s["id"] for s in content["ground"]["sentences"]
        }
        chosen = {choice_of(t, offered) for t in values.get("ground", []) if t}
        if chosen:
            answer["ground"] = [
                s["id"] for s in content["ground"]["sentences"] if s["id"] in chosen
            ]
    return answer or None


def ground_token(item: AttemptItem, sentence_id: str, key: bytes) -> str:
    return choice_token(item, f"ground:{sentence_id}", key)


def is_answered(item: AttemptItem) -> bool:
    """Whether the item's saved answer counts as answered."""
    version = item.question_version
    return version.question_type.is_answered(version.content, item.answer)


def may_see_answers(attempt: Attempt, now: datetime) -> bool:
    """Whether the correct answers, explanations and evidence may be shown for this attempt.

    An attempt a teacher's reset closed was not submitted by the student, who may start afresh:
    "after submitting" shows it nothing, and "after each question" only the answers checked
    (may_see_item_answer). "After the due time" shows it answers then, as to everyone.
    """
    mode = attempt.assignment.show_answers
    if mode == ShowAnswers.NEVER or not attempt.submitted:
        return False
    if mode == ShowAnswers.AFTER_DUE:
        shown_from = answers_shown_from(attempt)
        return shown_from is not None and now >= shown_from
    return not closed_by_reset(attempt)


def answers_shown_from(attempt: Attempt) -> datetime | None:
    """In "after the due time" mode, when the answers may be shown.

    That is the latest due time of anyone in the class, personal extensions included: until
    then a classmate who was given more time could still read the answers and use them.
    """
    class_due = attempt.assignment.due_at
    if class_due is None:
        return None
    latest_extension = db.session.scalar(
        sa.select(sa.func.max(Accommodation.due_at)).where(
            Accommodation.assignment_id == attempt.assignment_id
        )
    )
    return max(class_due, latest_extension) if latest_extension else class_due


def may_see_item_answer(attempt: Attempt, item: AttemptItem, now: datetime) -> bool:
    if item.locked and attempt.assignment.show_answers == ShowAnswers.AFTER_EACH:
        return True
    return may_see_answers(attempt, now)


@dataclass
class ItemResult:
    """One question of an attempt, as the result page, or the question checked, shows it."""

    item: AttemptItem
    prompt: str
    given: list[str]  # the student's answer in words, one line per choice or pair
    expected: list[str] | None  # the correct answer in words, when it may be shown
    explanation: str | None
    evidence: list[dict[str, str]] | None
    # The "which sentence shows it?" step, when the question has one.
    ground_given: list[str] | None = None
    ground_expected: list[str] | None = None

    @property
    def marked(self) -> bool:
        """Right or wrong is itself an answer: known only where the correct answer may be."""
        return self.expected is not None and self.item.points is not None

    @property
    def outcome(self) -> str:
        return _outcome(self.item.points, self.item.max_points)

    @property
    def ground_outcome(self) -> str:
        return _outcome(self.item.ground_points, self.item.ground_max_points)

    @property
    def total_points(self) -> float:
        return (self.item.points or 0) + (self.item.ground_points or 0)

    @property
    def total_max_points(self) -> float:
        return self.item.max_points + self.item.ground_max_points

    @property
    def overall(self) -> str:
        """The question as a whole, its "which sentence shows it?" step included."""
        return _outcome(self.total_points, self.total_max_points)


def _outcome(points: float | None, max_points: float) -> str:
    if (points or 0) >= max_points:
        return "correct"
    return "partly correct" if points else "incorrect"


def item_results(
    attempt: Attempt, now: datetime, *, reveal: bool | None = None
) -> list[ItemResult]:
    """Per question: the answer given and, when allowed, the correct one with its evidence."""
    if reveal is None:
        reveal = may_see_answers(attempt, now)
    checking = attempt.assignment.show_answers == ShowAnswers.AFTER_EACH
    return [item_result(item, reveal or (checking and item.locked)) for item in attempt.items]


def item_result(item: AttemptItem, show: bool) -> ItemResult:
    """One question's answer given and, when show, the correct one with its evidence."""
    version = item.question_version
    content = version.content
    question_type = version.question_type
    grounded = "ground" in content
    return ItemResult(
        item=item,
        prompt=content["prompt"],
        given=question_type.describe(content, item.answer),
        expected=question_type.describe(content, question_type.correct_answer(content))
        if show
        else None,
        explanation=content["explanation"] if show else None,
        evidence=content["evidence"] if show else None,
        ground_given=ground.describe(content, (item.answer or {}).get("ground", []))
        if grounded
        else None,
        ground_expected=ground.describe(content, content["ground"]["answer"])
        if grounded and show
        else None,
    )


def _marks(right: set[str], chosen: set[str]) -> dict[str, str]:
    return {
        **dict.fromkeys(right, "missed"),
        **{c: "right" if c in right else "wrong" for c in chosen},
    }


def answer_marks(item: AttemptItem) -> tuple[dict[str, str], dict[str, str]]:
    """How the choices, and the sentences of the "which sentence shows it?" step, are marked
    once the answer may be shown: "right" (chosen, and right), "wrong" (chosen, not right) or
    "missed" (right, not chosen); choices not in the map are neither."""
    version = item.question_version
    content = version.content
    question_type = version.question_type
    choices = _marks(
        question_type.selected(question_type.correct_answer(content)),
        question_type.selected(item.answer),
    )
    if "ground" not in content:
        return choices, {}
    chosen = set((item.answer or {}).get("ground", []))
    return choices, _marks(set(content["ground"]["answer"]), chosen)


def student_history(student: User) -> list[Attempt]:
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.student_id == student.id)
            .options(
                so.selectinload(Attempt.assignment).selectinload(Assignment.question_set),
                so.selectinload(Attempt.assignment).selectinload(Assignment.classroom),
            )
            .order_by(Attempt.started_at.desc())
        )
    )
