import re

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from quizapp.auth import bp
from quizapp.auth.forms import (
    ChangePasswordForm,
    FirstPasswordForm,
    LoginForm,
    StudentSignupForm,
    TeacherSignupForm,
)
from quizapp.config import TeacherSignup
from quizapp.join_limits import limit_code_guesses, limit_signups
from quizapp.login_limits import limit_login
from quizapp.models import AccountStatus, Role, User, utcnow
from quizapp.services import accounts
from quizapp.services.classrooms import classroom_by_code
from quizapp.services.passwords import authenticate
from quizapp.transactions import begin_reading


def home_for(user: User) -> str:
    if user.is_waiting:
        return url_for("auth.waiting")
    if user.is_admin:
        return url_for("admin.teachers")
    return url_for("teacher.dashboard" if user.is_teacher else "student.home")


# A path on this site: printable ASCII without spaces or backslashes (which some browsers read
# as slashes), and not "//", which starts another site's address.
LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")


def _safe_next(default: str) -> str:
    """The page asked for in ?next= when it is a plain local path, else the default."""
    target = request.args.get("next", "")
    return target if LOCAL_PATH.fullmatch(target) else default


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("auth/index.html")


@bp.route("/login", methods=["GET", "POST"])
@limit_login
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        # A log-in writes nothing: reading without SQLite's write lock keeps the password hash
        # (a tenth of a second) from holding up everyone's saves.
        begin_reading()
        user = authenticate(form.username.data.strip().lower(), form.password.data)
        if user is None:
            form.password.errors.append(
                "That username and password do not match. Check both and try again."
            )
        elif not user.is_active:
            form.password.errors.append(
                "This account is disabled. Your school's administrator can enable it again."
            )
        else:
            session.clear()  # nothing from before the log-in carries over into the new session
            login_user(user)  # which marks this browser as trusted for the user (login_limits)
            if user.must_change_password:
                flash("Welcome! Please choose your own password to finish setting up.", "info")
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(home_for(user)))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if FlaskForm().validate_on_submit():
        current_user.rotate_session()  # a copy of the old cookie stops working
        logout_user()
        flash("You are logged out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup_teacher():
    mode = current_app.config["TEACHER_SIGNUP"]
    if mode == TeacherSignup.OFF:
        abort(404)
    refused = 400 if request.method == "POST" else 200
    now = utcnow()
    invitation = None
    if secret := request.args.get("invite", ""):
        invitation = accounts.invitation_for(secret)
        problem = invitation.problem(now) if invitation else "is not complete or not valid"
        if problem:
            return render_template("auth/signup_closed.html", mode=mode, problem=problem), refused
    elif mode == TeacherSignup.INVITE:
        return render_template("auth/signup_closed.html", mode=mode), refused
    # Without an invitation, sign-up waits for the administrator unless it is open to all.
    waiting = invitation is None and mode == TeacherSignup.APPROVAL
    form = TeacherSignupForm()
    if invitation is not None or not current_app.config["TEACHER_SIGNUP_CODE"]:
        del form.signup_code
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(
                form.username.data,
                form.display_name.data,
                form.password.data,
                Role.TEACHER,
                now=now,
                status=AccountStatus.PENDING if waiting else AccountStatus.ACTIVE,
                invitation=invitation,
            )
        except accounts.InvitationSpent as spent:
            return render_template("auth/signup_closed.html", mode=mode, problem=str(spent)), 400
        except accounts.UsernameTaken as taken:
            form.username.errors.append(str(taken))
            return render_template(
                "auth/signup.html", form=form, invitation=invitation, waiting=waiting
            )
        login_user(user)
        if waiting:
            return redirect(url_for("auth.waiting"))
        flash("Your teacher account is ready. Start by creating a class.", "success")
        return redirect(url_for("teacher.dashboard"))
    return render_template("auth/signup.html", form=form, invitation=invitation, waiting=waiting)


@bp.get("/account/waiting")
@login_required
def waiting():
    """All that a teacher whose sign-up is not approved yet may see."""
    if not current_user.is_waiting:
        return redirect(home_for(current_user))
    return render_template("auth/waiting.html")


@bp.route("/join", methods=["GET", "POST"])
@limit_signups
@limit_code_guesses
def signup_student():
    form = StudentSignupForm()
    if request.method == "GET" and request.args.get("code"):
        form.join_code.data = request.args["code"]
    if form.validate_on_submit():
        classroom = classroom_by_code(form.join_code.data)
        try:
            user = accounts.sign_up(
                form.username.data,
                form.display_name.data,
                form.password.data,
                Role.STUDENT,
                now=utcnow(),
                classroom=classroom,
            )
        except accounts.UsernameTaken as taken:
            form.username.errors.append(str(taken))
            return render_template("auth/join.html", form=form)
        login_user(user)
        flash(f"Welcome! You have joined {classroom.name}.", "success")
        return redirect(url_for("student.home"))
    return render_template("auth/join.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    # A student on a one-time password typed it to log in a moment ago (and a reset ends every
    # other session), so the first choice of a password does not ask for it again.
    first = current_user.must_change_password
    form = FirstPasswordForm() if first else ChangePasswordForm()
    if form.validate_on_submit():
        if first and current_user.check_password(form.password.data):
            form.password.errors.append("Choose a password different from the one-time one.")
        elif not first and not current_user.check_password(form.current.data):
            form.current.errors.append("That is not your current password.")
        elif not first and form.password.data == form.current.data:
            form.password.errors.append("Choose a password different from the current one.")
        else:
            user = current_user._get_current_object()
            user.set_password(form.password.data)
            login_user(user)  # the cookie must carry the new session token
            flash("Your password has been changed.", "success")
            return redirect(_safe_next(home_for(user)))
    return render_template("auth/change_password.html", form=form)
