"""One student on one assignment: their own terms, the teacher's corrections, and the log."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, User, utcnow
from quizapp.security import class_member_or_404, own_assignment_or_404, teacher_required
from quizapp.services import accommodations
from quizapp.services import attempts as quiz
from quizapp.services.accommodations import AdjustmentError
from quizapp.teacher import bp
from quizapp.teacher.forms import (
    ClearOverrideForm,
    ExtraAttemptForm,
    OverrideScoreForm,
    PersonalDueForm,
    PersonalTimeLimitForm,
    ResetAttemptForm,
)
from quizapp.templating import format_percent
from quizapp.timezone import to_local

PAGE = "/assignments/<id:assignment_id>/students/<id:student_id>"


def _assignment_and_student(assignment_id: int, student_id: int) -> tuple[Assignment, User, bool]:
    """The teacher's assignment and a student who is or was in its class (and whether still)."""
    assignment = own_assignment_or_404(assignment_id)
    student, in_class = class_member_or_404(assignment.classroom_id, student_id)
    return assignment, student, in_class


def _label(attempt: Attempt) -> str:
    if not attempt.submitted:
        return f"Attempt {attempt.number} (in progress)"
    return f"Attempt {attempt.number} ({format_percent(attempt.percent)})"


def _choose(form: FlaskForm, field: str, attempts: list[Attempt], keep: Callable) -> None:
    getattr(form, field).choices = [SelectChoice(a.id, _label(a)) for a in attempts if keep(a)]


def _forms(attempts: list[Attempt], given: dict[str, FlaskForm]) -> dict[str, FlaskForm]:
    """Every form of the page: the one just sent (with its errors) and fresh ones."""
    forms = {
        "due_form": PersonalDueForm,
        "limit_form": PersonalTimeLimitForm,
        "extra_form": ExtraAttemptForm,
        "reset_form": ResetAttemptForm,
        "override_form": OverrideScoreForm,
        "clear_form": ClearOverrideForm,
    }
    forms = {name: given.get(name) or form(formdata=None) for name, form in forms.items()}
    _choose(forms["reset_form"], "reset_attempt", attempts, _resettable)
    _choose(forms["override_form"], "override_attempt", attempts, _scored)
    _choose(forms["clear_form"], "clear_attempt", attempts, _overridden)
    return forms


def _resettable(attempt: Attempt) -> bool:
    return attempt.reset_at is None


def _scored(attempt: Attempt) -> bool:
    return attempt.reset_at is None and attempt.submitted


def _overridden(attempt: Attempt) -> bool:
    return attempt.override_score is not None


def _page(assignment: Assignment, student: User, in_class: bool, status: int = 200, **given):
    attempts = accommodations.student_attempts(assignment.id, student.id)
    accommodation = accommodations.accommodation_of(assignment.id, student.id)
    terms = accommodations.compute_terms(
        assignment,
        accommodation,
        attempts,
        accommodations.time_multiplier(assignment.classroom_id, student.id),
    )
    forms = _forms(attempts, given)
    due_form = forms["due_form"]
    # Start from the student's due time, unless it is the class's and already past.
    due = terms.due_at
    if "due_form" not in given and due and (terms.personal_due or due > utcnow()):
        due_form.due_at.data = to_local(due).replace(tzinfo=None)
    if "limit_form" not in given and terms.personal_time_limit:
        forms["limit_form"].minutes.data = terms.time_limit_minutes
    return render_template(
        "teacher/accommodations.html",
        assignment=assignment,
        student=student,
        in_class=in_class,
        terms=terms,
        attempts=attempts,
        events=accommodations.events(
            assignment.classroom_id, student_id=student.id, assignment_id=assignment.id
        ),
        **forms,
    ), status


@bp.get(PAGE)
@teacher_required
def adjust(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    # Attempts whose time ran out (or that were reset while in progress) are submitted first,
    # so that the history shows them marked.
    quiz.finalise_expired([assignment.id], utcnow())
    return _page(assignment, student, in_class)


def _apply(assignment, student, in_class, name: str, form: FlaskForm, field: str, change):
    """Validate the form, make the change and commit; or show the page again, unchanged."""
    if form.validate_on_submit():
        try:
            event = change()
        except AdjustmentError as error:
            getattr(form, field).errors.append(str(error))
        else:
            flash(event.detail, "success")
            return redirect(
                url_for("teacher.adjust", assignment_id=assignment.id, student_id=student.id)
            )
    db.session.rollback()
    return _page(assignment, student, in_class, 400, **{name: form})


def _attempt_of(assignment: Assignment, student: User, attempt_id: int) -> Attempt:
    """The chosen attempt; the form's choices already hold it to this student's."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or (attempt.assignment_id, attempt.student_id) != (
        assignment.id,
        student.id,
    ):
        abort(404)
    return attempt


@bp.post(f"{PAGE}/due")
@teacher_required
def set_personal_due(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    form = PersonalDueForm()
    return _apply(
        assignment,
        student,
        in_class,
        "due_form",
        form,
        "due_at",
        lambda: accommodations.set_due_time(
            assignment,
            student,
            form.due_utc,
            actor=current_user,
            reason=form.due_reason.data,
            now=utcnow(),
        ),
    )


@bp.post(f"{PAGE}/time-limit")
@teacher_required
def set_personal_time_limit(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    form = PersonalTimeLimitForm()
    return _apply(
        assignment,
        student,
        in_class,
        "limit_form",
        form,
        "minutes",
        lambda: accommodations.set_time_limit(
            assignment,
            student,
            form.minutes.data,
            actor=current_user,
            reason=form.limit_reason.data,
            now=utcnow(),
        ),
    )


@bp.post(f"{PAGE}/extra-attempt")
@teacher_required
def grant_attempt(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    form = ExtraAttemptForm()
    return _apply(
        assignment,
        student,
        in_class,
        "extra_form",
        form,
        "extra_reason",
        lambda: accommodations.grant_extra_attempt(
            assignment, student, actor=current_user, reason=form.extra_reason.data, now=utcnow()
        ),
    )


@bp.post(f"{PAGE}/reset")
@teacher_required
def reset_attempt(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    attempts = accommodations.student_attempts(assignment.id, student.id)
    form = ResetAttemptForm()
    _choose(form, "reset_attempt", attempts, _resettable)
    return _apply(
        assignment,
        student,
        in_class,
        "reset_form",
        form,
        "reset_attempt",
        lambda: accommodations.reset_attempt(
            _attempt_of(assignment, student, form.reset_attempt.data),
            actor=current_user,
            reason=form.reset_reason.data,
            now=utcnow(),
        ),
    )


@bp.post(f"{PAGE}/override")
@teacher_required
def override_score(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    attempts = accommodations.student_attempts(assignment.id, student.id)
    form = OverrideScoreForm()
    _choose(form, "override_attempt", attempts, _scored)
    return _apply(
        assignment,
        student,
        in_class,
        "override_form",
        form,
        "points",
        lambda: accommodations.override_score(
            _attempt_of(assignment, student, form.override_attempt.data),
            form.points.data,
            actor=current_user,
            reason=form.override_reason.data,
            now=utcnow(),
        ),
    )


@bp.post(f"{PAGE}/override/clear")
@teacher_required
def clear_override(assignment_id: int, student_id: int):
    assignment, student, in_class = _assignment_and_student(assignment_id, student_id)
    attempts = accommodations.student_attempts(assignment.id, student.id)
    form = ClearOverrideForm()
    _choose(form, "clear_attempt", attempts, _overridden)
    return _apply(
        assignment,
        student,
        in_class,
        "clear_form",
        form,
        "clear_attempt",
        lambda: accommodations.clear_override(
            _attempt_of(assignment, student, form.clear_attempt.data),
            actor=current_user,
            reason=form.clear_reason.data,
            now=utcnow(),
        ),
    )
