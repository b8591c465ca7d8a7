"""The teacher's views of results: class overview, assignment report, skills, a student, exports."""

import re

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from quizapp.models import Classroom, utcnow
from quizapp.security import (
    class_member_or_404,
    own_assignment_or_404,
    own_classroom_or_404,
    taught_attempt_or_404,
    teacher_required,
)
from quizapp.services import (
    accommodations,
    charts,
    classrooms,
    exports,
    item_analysis,
    reports,
    skills,
)
from quizapp.services import attempts as quiz
from quizapp.services.accommodations import AdjustmentError
from quizapp.services.articles import article_titles
from quizapp.teacher import bp
from quizapp.teacher.forms import RosterForm, TimeMultiplierForm


def _finalise(classroom: Classroom) -> None:
    """Submit attempts whose time ran out, so that every number shown is final."""
    quiz.finalise_expired(reports.class_assignment_ids(classroom), utcnow())


def _class_table(classroom: Classroom) -> reports.ScoreTable:
    _finalise(classroom)
    return reports.score_table(classroom)


@bp.get("/classes/<id:classroom_id>")
@teacher_required
def classroom(classroom_id: int):
    """Classwork: the class code and each assignment with how many have submitted it."""
    classroom = own_classroom_or_404(classroom_id)
    return render_template(
        "teacher/classroom.html", classroom=classroom, table=_class_table(classroom), tab="work"
    )


@bp.get("/classes/<id:classroom_id>/grades")
@teacher_required
def class_grades(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    table = _class_table(classroom).sorted_by(
        request.args.get("sort", "name"), request.args.get("dir") == "desc"
    )
    return render_template(
        "teacher/class_grades.html", classroom=classroom, table=table, tab="grades"
    )


@bp.get("/classes/<id:classroom_id>/people")
@teacher_required
def class_people(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    return people_page(classroom, RosterForm())


def people_page(classroom: Classroom, roster_form: RosterForm):
    """The roster, the students removed, and the form that creates accounts."""
    table = reports.score_table(classroom)
    return render_template(
        "teacher/class_people.html",
        classroom=classroom,
        table=table,
        reset_refused=classrooms.reset_refused(current_user.id, [s.id for s in table.roster]),
        roster_form=roster_form,
        tab="people",
    )


@bp.get("/assignments/<id:assignment_id>")
@teacher_required
def assignment(assignment_id: int):
    assignment = own_assignment_or_404(assignment_id)
    table = _class_table(assignment.classroom)
    by_student = reports.attempts_by_student(assignment)
    report = item_analysis.assignment_report(assignment, table)
    return render_template(
        "teacher/assignment.html",
        assignment=assignment,
        table=table,
        attempts=by_student,
        report=report,
        histogram=charts.score_histogram(report.bins),
        short_limit=accommodations.short_time_limit(
            assignment.question_set, assignment.time_limit_minutes
        ),
    )


@bp.get("/classes/<id:classroom_id>/students/<id:student_id>")
@teacher_required
def student(classroom_id: int, student_id: int):
    classroom = own_classroom_or_404(classroom_id)
    student, in_class = class_member_or_404(classroom.id, student_id)
    _finalise(classroom)
    assignments = reports.class_assignments(classroom)
    ids = [a.id for a in assignments]
    history = reports.student_history(student, ids)
    responses = reports.last_attempt_responses(ids, student_id=student.id)
    time_form = TimeMultiplierForm(formdata=None)
    time_form.multiplier.data = accommodations.time_multiplier(classroom.id, student.id)
    return render_template(
        "teacher/student.html",
        classroom=classroom,
        student=student,
        in_class=in_class,
        history=history,
        mastery=skills.mastery(responses.rows, responses),
        skill_names=skills.SKILLS,
        growth=skills.growth(assignments, [student], responses),
        events=accommodations.events(classroom.id, student_id=student.id),
        time_form=time_form,
    )


@bp.post("/classes/<id:classroom_id>/students/<id:student_id>/time")
@teacher_required
def set_time_multiplier(classroom_id: int, student_id: int):
    classroom = own_classroom_or_404(classroom_id)
    student, _ = class_member_or_404(classroom.id, student_id, current_only=True)
    form = TimeMultiplierForm()
    if not form.validate_on_submit():
        flash("Nothing was changed: choose one of the times offered.", "error")
    else:
        try:
            event = accommodations.set_time_multiplier(
                classroom,
                student,
                form.multiplier.data,
                actor=current_user,
                reason=form.multiplier_reason.data,
                now=utcnow(),
            )
        except AdjustmentError as error:
            flash(f"Nothing was changed: {error}", "error")
        else:
            flash(event.detail, "success")
    return redirect(url_for("teacher.student", classroom_id=classroom.id, student_id=student.id))


@bp.get("/classes/<id:classroom_id>/skills")
@teacher_required
def skills_report(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    table = _class_table(classroom)
    responses = reports.last_attempt_responses([a.id for a in table.assignments])
    return render_template(
        "teacher/skills.html",
        classroom=classroom,
        table=table,
        skill_names=skills.SKILLS,
        class_mastery=skills.mastery(responses.rows, responses),
        by_student=skills.mastery_by_student(responses),
        confusions=skills.speaker_confusions(responses),
        figures=skills.wrong_figures(responses),
        growth=skills.growth(table.assignments, table.students, responses),
    )


@bp.get("/attempts/<id:attempt_id>")
@teacher_required
def attempt(attempt_id: int):
    attempt = taught_attempt_or_404(attempt_id)
    return render_template(
        "teacher/attempt.html",
        attempt=attempt,
        results=quiz.item_results(attempt, utcnow(), reveal=True),
        shown=[_as_shown(item) for item in attempt.items],
        titles=article_titles(),
    )


def _as_shown(item) -> dict:
    """A question's choices in the order this student saw them, to show the page they saw."""
    content = item.question_version.content
    by_id = {c["id"]: c for c in content["choices"]}
    ground = content.get("ground")
    return {
        "choices": [{**by_id[cid], "token": cid} for cid in item.choice_order if cid in by_id],
        "ground": [{**s, "token": s["id"]} for s in ground["sentences"]] if ground else None,
    }


def _csv(classroom: Classroom, what: str, lines) -> Response:
    name = re.sub(r"[^A-Za-z0-9]+", "-", classroom.name).strip("-").lower() or "class"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}-{what}.csv"'},
    )


@bp.get("/classes/<id:classroom_id>/export/gradebook.csv")
@teacher_required
def export_gradebook(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    return _csv(classroom, "gradebook", exports.gradebook(_class_table(classroom)))


@bp.get("/classes/<id:classroom_id>/export/responses.csv")
@teacher_required
def export_responses(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    _finalise(classroom)
    return _csv(classroom, "responses", exports.responses(classroom))
