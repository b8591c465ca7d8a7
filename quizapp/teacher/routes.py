from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from quizapp.models import Classroom, utcnow
from quizapp.security import (
    class_member_or_404,
    own_classroom_or_404,
    teacher_required,
    visible_set_or_404,
)
from quizapp.services import (
    accounts,
    assignments,
    attention,
    classrooms,
    drafts,
    set_catalogue,
    slips,
    worksheets,
)
from quizapp.services.accommodations import short_time_limit
from quizapp.services.articles import article_titles
from quizapp.teacher import bp
from quizapp.teacher.confirmation import confirm_page, confirmed
from quizapp.teacher.forms import ActionForm, AssignmentForm, ClassForm, RosterForm
from quizapp.teacher.results import people_page
from quizapp.timezone import to_local
from quizapp.transactions import after_commit, end_reads


@bp.route("/")
@teacher_required
def dashboard():
    return _dashboard(ClassForm())


def _dashboard(form: ClassForm, status: int = 200):
    """The teacher's home: what needs attention, their classes, and the form for a new one."""
    classes = classrooms.teacher_classes(current_user)
    return render_template(
        "teacher/dashboard.html",
        classes=classes,
        counts=classrooms.class_sizes(classes),
        form=form,
        attention=attention.for_teacher(current_user, classes, utcnow()),
    ), status


@bp.post("/classes")
@teacher_required
def create_class():
    form = ClassForm()
    if form.validate_on_submit():
        classroom = classrooms.create_classroom(current_user, form.name.data)
        flash(f"Class created. Students join with the code {classroom.join_code}.", "success")
        return redirect(url_for("teacher.classroom", classroom_id=classroom.id))
    return _dashboard(form, 400)


@bp.post("/classes/<id:classroom_id>/code")
@teacher_required
def regenerate_code(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    if ActionForm().validate_on_submit():
        if not confirmed():
            return confirm_page(
                "Make a new class code? The old code will stop working.",
                "Make a new code",
                url_for("teacher.classroom", classroom_id=classroom.id),
            )
        classrooms.regenerate_code(classroom)
        flash(f"New class code: {classroom.join_code}. The old code no longer works.", "success")
    return redirect(url_for("teacher.classroom", classroom_id=classroom.id))


@bp.post("/classes/<id:classroom_id>/roster")
@teacher_required
def add_roster(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    form = RosterForm()
    if not form.validate_on_submit():
        return people_page(classroom, form), 400
    # Hashing a class's passwords takes seconds. The transaction of the checks above ends
    # first, so that on SQLite students' saves are not held back meanwhile; the accounts are
    # then written in a short transaction of their own.
    end_reads()
    students = classrooms.new_students(classrooms.parse_roster(form.names.data))
    classroom = own_classroom_or_404(classroom_id)
    made = classrooms.create_roster(classroom, students)
    return _save_and_show_slips(classroom, made, reset=False)


def _save_and_show_slips(classroom: Classroom, made: list[classrooms.NewAccount], *, reset: bool):
    """Hold the accounts' one-time passwords for the slips page once they are saved, and send the
    browser there, so that a reload asks for that page again instead of posting the form again."""
    held = slips.HeldSlips(made, utcnow(), reset)
    teacher_id, store, key = (
        current_user.id,
        current_app.extensions["huey"],
        slips.for_class(classroom.id),
    )
    after_commit(lambda: slips.keep(store, teacher_id, key, held))
    return redirect(url_for("teacher.password_slips", classroom_id=classroom.id), 303)


@bp.get("/classes/<id:classroom_id>/slips")
@teacher_required
def password_slips(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    store = current_app.extensions["huey"]
    return render_template(
        "teacher/accounts.html",
        classroom=classroom,
        held=slips.take(store, current_user.id, slips.for_class(classroom.id), utcnow()),
        waiting=len(slips.waiting_students(classroom, current_user)),
        action=ActionForm(),
    )


@bp.post("/classes/<id:classroom_id>/slips/new")
@teacher_required
def new_password_slips(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    if not ActionForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
        return redirect(url_for("teacher.password_slips", classroom_id=classroom.id))
    made = slips.new_slips(classroom, current_user)
    return _save_and_show_slips(classroom, made, reset=True)


@bp.post("/classes/<id:classroom_id>/students/<id:student_id>/remove")
@teacher_required
def remove_student(classroom_id: int, student_id: int):
    classroom = own_classroom_or_404(classroom_id)
    student, _ = class_member_or_404(classroom.id, student_id, current_only=True)
    if ActionForm().validate_on_submit():
        if not confirmed():
            return confirm_page(
                f"Remove {student.display_name} from {classroom.name}? Their past results are "
                "kept, and you can add them back.",
                "Remove",
                url_for("teacher.class_people", classroom_id=classroom.id),
            )
        classrooms.remove_student(classroom, student.id)
        flash(
            f"{student.display_name} was removed from the class. Their past results are kept, "
            "and the class code no longer lets them in: you can add them back below.",
            "success",
        )
    return redirect(url_for("teacher.class_people", classroom_id=classroom.id))


@bp.post("/classes/<id:classroom_id>/students/<id:student_id>/add-back")
@teacher_required
def add_back_student(classroom_id: int, student_id: int):
    classroom = own_classroom_or_404(classroom_id)
    student, _ = class_member_or_404(classroom.id, student_id)
    if not ActionForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
    elif classrooms.add_back(classroom, student.id):
        flash(f"{student.display_name} is back in the class.", "success")
    else:
        flash(f"{student.display_name} is already in the class.", "info")
    return redirect(url_for("teacher.class_people", classroom_id=classroom.id))


@bp.post("/classes/<id:classroom_id>/students/<id:student_id>/reset-password")
@teacher_required
def reset_password(classroom_id: int, student_id: int):
    classroom = own_classroom_or_404(classroom_id)
    student, _ = class_member_or_404(classroom.id, student_id, current_only=True)
    if not ActionForm().validate_on_submit():
        flash("The page had expired. Please try again.", "error")
        return redirect(url_for("teacher.class_people", classroom_id=classroom.id))
    if classrooms.reset_refused(current_user.id, [student.id]):
        flash(
            f"{student.display_name} is, or was, also in another teacher's class, so only your "
            "school's administrator can reset their password.",
            "error",
        )
        return redirect(url_for("teacher.class_people", classroom_id=classroom.id))
    password = accounts.reset_password(student, current_user)
    made = [classrooms.NewAccount(student.display_name, student.username, password)]
    return _save_and_show_slips(classroom, made, reset=True)


@bp.route("/classes/<id:classroom_id>/assign", methods=["GET", "POST"])
@teacher_required
def assign(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    sets = assignments.assignable_sets(current_user)
    form = AssignmentForm()
    form.set_id.choices = [SelectChoice(s.id, s.title) for s in sets]
    if not form.is_submitted():
        chosen = next((s for s in sets if s.slug == request.args.get("set")), None)
        form.set_id.data = chosen.id if chosen else None
        form.opens_at.data = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
        form.due_at.data = form.opens_at.data + timedelta(days=7)
    # A limit shorter than the set takes is refused once, with a warning, then kept if ticked.
    valid, short = form.validate_on_submit(), None
    if valid:
        chosen = next(s for s in sets if s.id == form.set_id.data)  # the form offers only these
        short = short_time_limit(chosen, form.time_limit_minutes.data)
        if short and not form.keep_short_limit.data:
            valid = False
            form.time_limit_minutes.errors.append(
                f"{short} Give more minutes, or tick “{form.keep_short_limit.label.text}”."
            )
    if valid:
        assignment = assignments.assign(classroom, chosen, form.terms())
        flash(f"“{assignment.question_set.title}” is assigned to {classroom.name}.", "success")
        return redirect(url_for("teacher.classroom", classroom_id=classroom.id))
    return render_template(
        "teacher/assign.html",
        classroom=classroom,
        form=form,
        sets={s.id: s for s in sets},
        short_limit=bool(short),
    ), 400 if form.errors else 200


@bp.get("/sets")
@teacher_required
def sets():
    question_sets = assignments.assignable_sets(current_user)
    return render_template(
        "teacher/sets.html", sets=question_sets, summaries=set_catalogue.summaries(question_sets)
    )


@bp.get("/sets/<slug>")
@teacher_required
def question_set(slug: str):
    qset = visible_set_or_404(slug)
    classes = classrooms.teacher_classes(current_user, order_by=Classroom.name)
    return render_template(
        "teacher/set.html",
        qset=qset,
        questions=worksheets.printable(qset),
        titles=article_titles(),
        classes=classes,
        draft=drafts.draft_of_set(qset, current_user),
    )


@bp.get("/sets/<slug>/worksheet")
@teacher_required
def worksheet(slug: str):
    qset = visible_set_or_404(slug)
    return render_template(
        "teacher/worksheet.html", qset=qset, questions=worksheets.printable(qset), key=False
    )


@bp.get("/sets/<slug>/key")
@teacher_required
def answer_key(slug: str):
    qset = visible_set_or_404(slug)
    return render_template(
        "teacher/worksheet.html", qset=qset, questions=worksheets.printable(qset), key=True
    )
