import contextlib
import re

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.errors import when_busy
from quizapp.join_limits import limit_code_guesses
from quizapp.models import utcnow
from quizapp.security import (
    enrolled_assignment_or_404,
    own_attempt_or_404,
    session_account,
    student_required,
)
from quizapp.services import attempts as quiz
from quizapp.services.articles import article_label, question_articles
from quizapp.services.attempts import QuizError
from quizapp.services.classrooms import JoinRefused, classroom_by_code, enrol
from quizapp.services.quick_save import quick_save
from quizapp.student import bp
from quizapp.student.forms import AnswerForm, JoinClassForm, StartForm, SubmitAttemptForm


@bp.route("/home")
@student_required
def home():
    now = utcnow()
    rows = quiz.student_assignments(current_user, now)
    return render_template(
        "student/home.html", rows=rows, join_form=JoinClassForm(), start_form=StartForm(), now=now
    )


@bp.post("/classes/join")
@limit_code_guesses
@student_required
def join_class():
    form = JoinClassForm()
    if form.validate_on_submit():
        classroom = classroom_by_code(form.join_code.data)
        try:
            enrol(current_user, classroom)
        except JoinRefused as refusal:
            flash(str(refusal), "error")
            return redirect(url_for("student.home"))
        flash(f"You have joined {classroom.name}.", "success")
    else:
        for error in form.join_code.errors + form.csrf_token.errors:
            flash(error, "error")
    return redirect(url_for("student.home"))


@bp.post("/assignments/<id:assignment_id>/start")
@student_required
def start(assignment_id: int):
    assignment = enrolled_assignment_or_404(assignment_id)
    if not StartForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
        return redirect(url_for("student.home"))
    try:
        # A refused start keeps what it closed on the way (attempts whose time had run out).
        attempt = quiz.start_attempt(assignment, current_user, utcnow())
    except QuizError as error:
        flash(str(error), "error")
        return redirect(url_for("student.home"))
    return redirect(
        url_for("student.question", attempt_id=attempt.id, position=attempt.current_position)
    )


@bp.get("/attempts/<id:attempt_id>/q/<id:position>")
@student_required
def question(attempt_id: int, position: int):
    attempt = own_attempt_or_404(attempt_id, all_questions=False)
    now = utcnow()
    if quiz.finalise_if_expired(attempt, now):
        flash("Time was up, so your quiz was submitted with the answers you had saved.", "info")
    if attempt.submitted:
        return redirect(url_for("student.result", attempt_id=attempt.id))
    try:
        quiz.ensure_enrolled(attempt)
    except QuizError as error:
        flash(str(error), "error")
        return redirect(url_for("student.home"))
    items = quiz.page_items(attempt.id)
    try:
        item = quiz.item_at(items, position)
    except QuizError as error:
        flash(str(error), "error")
        return redirect(url_for("student.question", attempt_id=attempt.id, position=0))
    quiz.record_view(attempt, position, now)
    return render_template("student/question.html", **_question_context(attempt, items, item, now))


def _question_context(attempt, items, item, now) -> dict:
    version = item.question_version
    reveal = quiz.may_see_item_answer(attempt, item, now)
    # Before the answer may be shown, nothing on the page tells right from wrong.
    choice_marks, ground_marks = quiz.answer_marks(item) if reveal else ({}, {})
    articles = question_articles(version.content)  # every article the question cites
    return {
        "attempt": attempt,
        "item": item,
        "version": version,
        "choices": _choices(item, choice_marks),
        "ground": _ground(item, ground_marks),
        "titles": {a.slug: article_label(a.title, a.outlet) for a in articles},
        "articles": articles,
        "form": AnswerForm(),
        "reveal": reveal,
        "checked": quiz.item_result(item, show=True) if reveal else None,
        "answered": [quiz.is_answered(i) for i in items],
        "remaining": (attempt.deadline_at - now) if attempt.deadline_at else None,
        "check_mode": attempt.assignment.show_answers == "after_each",
        "answer": item.answer,
        "unsaved": False,
    }


def _choices(item, marks: dict[str, str]) -> list[dict]:
    """The choices in this student's order, each with its opaque token and its mark, if any."""
    by_id = {c["id"]: c for c in item.question_version.content["choices"]}
    key = _token_key()
    return [
        {**by_id[cid], "token": quiz.choice_token(item, cid, key), "mark": marks.get(cid)}
        for cid in item.choice_order
    ]


def _ground(item, marks: dict[str, str]) -> list[dict] | None:
    """The sentences of the "which sentence shows it?" step, each with its opaque token and mark."""
    ground = item.question_version.content.get("ground")
    if ground is None:
        return None
    key = _token_key()
    return [
        {**s, "token": quiz.ground_token(item, s["id"], key), "mark": marks.get(s["id"])}
        for s in ground["sentences"]
    ]


def _token_key() -> bytes:
    """The key of the choices' opaque tokens on the question page."""
    return current_app.config["SECRET_KEY"].encode()


def _form_values() -> dict:
    values = request.form.to_dict()
    values["choices"] = request.form.getlist("choices")
    values["ground"] = request.form.getlist("ground")
    return values


@bp.post("/attempts/<id:attempt_id>/q/<id:position>")
def answer(attempt_id: int, position: int):
    """The question page's button: save the answer and go where the button says. The CSRF
    token was checked before the view (CSRFProtect), as for every form."""
    go = request.form.get("go", "stay")
    if go != "check":
        try:
            if (count := _quick_save(attempt_id, position)) is not None:
                return redirect(_next_page(attempt_id, count, position, go))
        except QuizError as error:  # a choice that was not offered
            flash(str(error), "error")
            return redirect(url_for("student.question", attempt_id=attempt_id, position=position))
    return _answer(attempt_id, position, go)


@student_required
def _answer(attempt_id: int, position: int, go: str):
    """The save with each rule checked in turn, for a check or when the quick way declined:
    it says why a save is refused, or finalises an attempt whose time ran out."""
    now = utcnow()
    attempt = own_attempt_or_404(attempt_id, all_questions=False)
    if quiz.finalise_if_expired(attempt, now):
        # The attempt is submitted as it stood at its deadline; this late answer is not saved.
        flash(quiz.TIME_UP_NOT_SAVED, "error")
        return redirect(url_for("student.result", attempt_id=attempt.id))
    try:
        if go == "check":
            quiz.check_answer(attempt, position, _form_values(), _token_key(), now)
        else:
            quiz.save_answer(attempt, position, _form_values(), _token_key(), now)
    except QuizError as error:
        flash(str(error), "error")
        if attempt.submitted:
            return redirect(url_for("student.result", attempt_id=attempt.id))
        target = position if 0 <= position < len(attempt.items) else 0
        return redirect(url_for("student.question", attempt_id=attempt.id, position=target))
    return redirect(_next_page(attempt.id, len(attempt.items), position, go))


def _quick_save(attempt_id: int, position: int) -> int | None:
    """The common case of a save in three statements, the account checked in them rather
    than loaded (services.quick_save); None when the full way must decide."""
    student = session_account()
    if student is None:
        return None
    return quick_save(attempt_id, student, position, _form_values(), _token_key(), utcnow())


@when_busy("student.answer")
def answer_not_saved(attempt_id: int, position: int):
    """The question again with the answer just sent still given, to be sent again."""
    if not (current_user.is_authenticated and current_user.is_student):
        return None
    attempt = own_attempt_or_404(attempt_id, all_questions=False)
    items = quiz.page_items(attempt.id)
    if attempt.submitted or not 0 <= position < len(items):
        return None
    item = items[position]
    context = _question_context(attempt, items, item, utcnow())
    # A choice that was never offered (QuizError) leaves the saved answer shown.
    with contextlib.suppress(QuizError):
        if not item.locked:
            context["answer"] = quiz.parse_answer(item, _form_values(), _token_key())
    context["unsaved"] = True
    flash(
        "Your answer was not saved yet: the server was busy for a moment. It is still given "
        "below; press the button again to save it.",
        "error",
    )
    return render_template("student/question.html", **context)


def _next_page(attempt_id: int, count: int, position: int, go: str) -> str:
    """Where the question page's button goes, in an attempt of count questions."""
    if go == "review":
        return url_for("student.review", attempt_id=attempt_id)
    if go == "next":
        position += 1
    elif go == "prev":
        position -= 1
    elif re.fullmatch(r"[0-9]{1,4}", go):
        position = int(go)
    if position >= count:
        return url_for("student.review", attempt_id=attempt_id)
    return url_for("student.question", attempt_id=attempt_id, position=max(0, position))


@bp.post("/attempts/<id:attempt_id>/q/<id:position>/autosave")
def autosave(attempt_id: int, position: int):
    """The same save as the form, for the page's script; answers with JSON."""
    try:
        if _quick_save(attempt_id, position) is not None:
            return jsonify(saved=True)
    except QuizError as error:
        return jsonify(saved=False, message=str(error)), 409
    return _autosave(attempt_id, position)


@student_required
def _autosave(attempt_id: int, position: int):
    now = utcnow()
    attempt = own_attempt_or_404(attempt_id, all_questions=False)
    if quiz.finalise_if_expired(attempt, now):
        # The attempt is submitted as it stood at its deadline; this late answer is not saved.
        return jsonify(saved=False, message=quiz.TIME_UP_NOT_SAVED), 409
    try:
        quiz.save_answer(attempt, position, _form_values(), _token_key(), now)
    except QuizError as error:
        return jsonify(saved=False, message=str(error)), 409
    return jsonify(saved=True)


@when_busy("student.autosave")
def autosave_not_saved(attempt_id: int, position: int):
    """Nothing was saved; the page's script sends the answer again."""
    return jsonify(saved=False, retry=True, message="Not saved yet: the server is busy. Retrying…")


@bp.get("/attempts/<id:attempt_id>/review")
@student_required
def review(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    now = utcnow()
    quiz.finalise_if_expired(attempt, now)
    if attempt.submitted:
        return redirect(url_for("student.result", attempt_id=attempt.id))
    try:
        quiz.ensure_enrolled(attempt)
    except QuizError as error:
        flash(str(error), "error")
        return redirect(url_for("student.home"))
    answered = [quiz.is_answered(i) for i in attempt.items]
    return render_template(
        "student/review.html",
        attempt=attempt,
        answered=answered,
        unanswered=answered.count(False),
        form=SubmitAttemptForm(),
        remaining=(attempt.deadline_at - now) if attempt.deadline_at else None,
    )


@bp.post("/attempts/<id:attempt_id>/submit")
@student_required
def submit(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    form = SubmitAttemptForm()
    if not form.validate_on_submit():
        flash("The page had expired. Please submit again.", "error")
        return redirect(url_for("student.review", attempt_id=attempt.id))
    unanswered = sum(not quiz.is_answered(i) for i in attempt.items)
    if unanswered and not attempt.submitted and not form.confirm_unanswered.data:
        flash(
            f"You have {unanswered} unanswered question{'s' if unanswered > 1 else ''}. "
            "Tick the box to confirm you want to submit anyway.",
            "error",
        )
        return redirect(url_for("student.review", attempt_id=attempt.id))
    now = utcnow()
    if quiz.finalise_if_expired(attempt, now):
        flash(quiz.TIME_WAS_UP, "info")
        return redirect(url_for("student.result", attempt_id=attempt_id))
    try:
        quiz.submit_attempt(attempt, now)
        flash("Your quiz is submitted.", "success")
    except QuizError as error:
        flash(str(error), "info")
    return redirect(url_for("student.result", attempt_id=attempt_id))


@bp.get("/attempts/<id:attempt_id>")
@student_required
def result(attempt_id: int):
    attempt = own_attempt_or_404(attempt_id)
    now = utcnow()
    quiz.finalise_if_expired(attempt, now)
    if not attempt.submitted:
        return redirect(
            url_for("student.question", attempt_id=attempt.id, position=attempt.current_position)
        )
    reveal = quiz.may_see_answers(attempt, now)
    return render_template(
        "student/result.html",
        attempt=attempt,
        reveal=reveal,
        # Its score would tell which of the saved answers were right.
        unsubmitted_reset=quiz.closed_by_reset(attempt) and not reveal,
        answers_from=quiz.answers_shown_from(attempt),
        results=quiz.item_results(attempt, now, reveal=reveal),
        missed_only=request.args.get("show") == "missed",
    )


@bp.get("/history")
@student_required
def history():
    return render_template("student/history.html", attempts=quiz.student_history(current_user))
