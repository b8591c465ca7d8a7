"""The school administrator's pages: teachers, their invitations, and password resets."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizapp.admin import bp
from quizapp.admin.forms import InvitationForm, StudentSearchForm
from quizapp.config import TeacherSignup
from quizapp.extensions import db
from quizapp.models import Invitation, Role, User, utcnow
from quizapp.security import admin_required
from quizapp.services import accounts, slips
from quizapp.services.classrooms import NewAccount
from quizapp.teacher.forms import ActionForm
from quizapp.transactions import after_commit

EXPIRED = "The page had expired. Please try again."


def _teachers_page(form: InvitationForm, **shown):
    now = utcnow()
    rows = accounts.teachers()
    return render_template(
        "admin/teachers.html",
        waiting=[r for r in rows if r.teacher.is_waiting],
        rows=[r for r in rows if not r.teacher.is_waiting],
        invitations=accounts.open_invitations(now),
        events=accounts.recent_events(),
        form=form,
        mode=current_app.config["TEACHER_SIGNUP"],
        **shown,
    )


@bp.get("/")
@admin_required
def teachers():
    return _teachers_page(InvitationForm())


@bp.post("/invitations")
@admin_required
def create_invitation():
    if current_app.config["TEACHER_SIGNUP"] == TeacherSignup.OFF:
        flash(
            "Teacher sign-up is switched off on this server, so an invitation would not work.",
            "error",
        )
        return redirect(url_for("admin.teachers"))
    form = InvitationForm()
    if not form.validate_on_submit():
        return _teachers_page(form), 400
    invitation, secret = accounts.invite(current_user, form.name.data, form.days.data, utcnow())
    # Shown once, in this response only: the link is not stored anywhere.
    link = url_for("auth.signup_teacher", invite=secret, _external=True)
    return _teachers_page(InvitationForm(formdata=None), new_invitation=invitation, link=link)


@bp.post("/invitations/<id:invitation_id>/revoke")
@admin_required
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    if _confirmed():
        try:
            accounts.revoke(invitation, current_user, utcnow())
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            flash(
                f"The invitation for {invitation.name} is withdrawn: it no longer works.", "success"
            )
    return redirect(url_for("admin.teachers"))


def _account_or_404(user_id: int, role: Role) -> User:
    user = db.session.scalar(sa.select(User).where(User.id == user_id, User.role == role))
    if user is None:
        abort(404)
    return user


def _change_teacher(teacher_id: int, change: Callable[[User, User], None], done: str):
    """Apply an approval, refusal, disabling or enabling, and say what happened."""
    teacher = _account_or_404(teacher_id, Role.TEACHER)
    name = teacher.display_name  # a refused account is gone after the commit
    if _confirmed():
        try:
            change(teacher, current_user)
        except accounts.AccountError as error:
            flash(str(error), "error")
        else:
            flash(done.format(name=name), "success")
    return redirect(url_for("admin.teachers"))


@bp.post("/teachers/<id:teacher_id>/approve")
@admin_required
def approve_teacher(teacher_id: int):
    return _change_teacher(
        teacher_id, accounts.approve, "{name} is approved and can now create classes."
    )


@bp.post("/teachers/<id:teacher_id>/refuse")
@admin_required
def refuse_teacher(teacher_id: int):
    return _change_teacher(
        teacher_id, accounts.refuse, "The sign-up of {name} is refused and the account removed."
    )


@bp.post("/teachers/<id:teacher_id>/disable")
@admin_required
def disable_teacher(teacher_id: int):
    return _change_teacher(
        teacher_id,
        accounts.disable,
        "{name} can no longer log in. Their classes and results are kept.",
    )


@bp.post("/teachers/<id:teacher_id>/enable")
@admin_required
def enable_teacher(teacher_id: int):
    return _change_teacher(teacher_id, accounts.enable, "{name} can log in again.")


@bp.post("/teachers/<id:teacher_id>/reset-password")
@admin_required
def reset_teacher_password(teacher_id: int):
    teacher = _account_or_404(teacher_id, Role.TEACHER)
    return _reset_password(teacher, url_for("admin.teachers"))


@bp.get("/students")
@admin_required
def students():
    form = StudentSearchForm(request.args)
    query = (form.q.data or "").strip() if form.validate() else ""
    return render_template(
        "admin/students.html",
        form=form,
        query=query,
        found=accounts.find_students(query),
        limit=accounts.MAX_FOUND,
    )


@bp.post("/students/<id:student_id>/reset-password")
@admin_required
def reset_student_password(student_id: int):
    student = _account_or_404(student_id, Role.STUDENT)
    return _reset_password(student, url_for("admin.students", q=student.username))


def _reset_password(user: User, back: str):
    if not _confirmed():
        return redirect(back)
    password = accounts.reset_password(user, current_user)
    slip = NewAccount(user.display_name, user.username, password)
    # Post, redirect, get: a reload of the slip's page does not reset the password again. The
    # slip is kept once the reset is saved.
    held = slips.HeldSlips([slip], utcnow(), reset=True)
    admin_id, store = current_user.id, current_app.extensions["huey"]
    after_commit(lambda: slips.keep(store, admin_id, slips.FOR_ADMIN, held))
    return redirect(url_for("admin.password_slip", back=back), 303)


@bp.get("/password-slip")
@admin_required
def password_slip():
    store = current_app.extensions["huey"]
    back = request.args.get("back", "")
    return render_template(
        "admin/password.html",
        held=slips.take(store, current_user.id, slips.FOR_ADMIN, utcnow()),
        back=back if back.startswith("/admin/") else url_for("admin.teachers"),
    )


def _confirmed() -> bool:
    """A button's POST with a valid CSRF token; an expired page says so."""
    if ActionForm().validate_on_submit():
        return True
    flash(EXPIRED, "error")
    return False
