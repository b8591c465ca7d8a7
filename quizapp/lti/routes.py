"""LTI 1.3 pages: the OIDC log-in, the launch, the tool's key set, deep linking, the student's
landing page, linking an existing account, and the teacher's roster and grade buttons."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user

from quizapp import jobs
from quizapp.extensions import csrf, db
from quizapp.lti import embedding, keys, messages, platform_api
from quizapp.lti.forms import DeepLinkForm, LinkAccountForm
from quizapp.lti.messages import Launch, LaunchError
from quizapp.models import Role, utcnow
from quizapp.security import (
    enrolled_assignment_or_404,
    own_classroom_or_404,
    student_required,
    teacher_required,
)
from quizapp.services import assignments, lti, lti_grades
from quizapp.services import attempts as quiz_rules
from quizapp.student.forms import StartForm
from quizapp.teacher.forms import ActionForm
from quizapp.transactions import after_commit
from quizapp.web import content_security_policy

bp = Blueprint("lti", __name__)
DEEP_LINK_KEY = "lti_deep_link"


def _refused(problem: str, *, new_window: str | None = None):
    db.session.rollback()
    current_app.logger.info("LTI launch refused: %s", problem)
    return render_template("lti/refused.html", problem=problem, new_window=new_window), 400


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt  # the platform starts the log-in; the state and nonce protect what follows
def login():
    """OIDC third-party log-in: note the state and nonce, then send the browser to the LMS."""
    now = utcnow()
    try:
        state, address = lti.begin_login(
            request.values, launch_url=url_for("lti.launch", _external=True), now=now
        )
    except LaunchError as error:
        return _refused(str(error))
    response = redirect(address)
    embedding.set_state_cookie(response, state, int(lti.LOGIN_VALID_FOR.total_seconds()))
    return response


@bp.post("/lti/launch")
@csrf.exempt  # posted by the platform: the signed id_token, state cookie and nonce protect it
def launch():
    """The platform's signed launch: checked in full before anyone is logged in."""
    if error := request.form.get("error"):
        detail = request.form.get("error_description") or error
        return _refused(f"The LMS did not launch quizapp: {detail}")
    id_token, state = request.form.get("id_token"), request.form.get("state")
    if not id_token or not state:
        return _refused("The launch has no id_token or no state: open the link in the LMS again.")
    now = utcnow()
    try:
        pending = lti.pending_launch(state, now)
        db.session.rollback()  # end the read before the platform's key set is fetched
        if pending.used:
            raise LaunchError("This launch was already used: a launch token works only once.")
        if not embedding.state_cookie_matches(state):
            again = url_for("lti.login") + "?" + pending.login_query
            return _refused(
                "Your browser did not send back the cookie this launch needs, as some "
                "browsers do not inside the LMS's frame.",
                new_window=again,
            )
        if messages.unverified_issuer(id_token) != pending.issuer:
            raise LaunchError("The launch token's issuer is not the platform that started it.")
        checked = _verify(id_token, pending)
        landing = lti.complete_launch(pending, checked, now)
    except LaunchError as error:
        return _refused(str(error))
    except platform_api.PlatformError as error:
        return _refused(f"The platform's key set could not be fetched: {error}.")
    user, target = landing.user, _landing_page(landing)
    sync_context = (
        landing.context.id if user.is_teacher and landing.context.memberships_url else None
    )
    deep_link = (
        {
            "classroom_id": landing.classroom.id,
            "client_id": pending.client_id,
            "claims": {
                "iss": checked.claims["iss"],
                messages.LTI + "deployment_id": checked.deployment_id,
                messages.DL + "deep_linking_settings": checked.deep_linking,
            },
        }
        if landing.deep_linking
        else None
    )
    if sync_context is not None:
        after_commit(lambda: jobs.enqueue("sync_lti_roster", sync_context))
    login_user(user)
    session[embedding.SESSION_KEY] = embedding.frame_origins(
        pending.issuer, checked.return_url, checked.deep_linking.get("deep_link_return_url")
    )
    if deep_link:
        session[DEEP_LINK_KEY] = deep_link
    response = redirect(target)
    response.delete_cookie(embedding.state_cookie_name(state), path="/lti/")
    return response


def _landing_page(landing: lti.Landing) -> str:
    """Deep linking: the quiz picker. A learner: the quiz. An instructor: the quiz's results,
    or the class when the link has no quiz."""
    if landing.deep_linking:
        return url_for("lti.deep_link")
    if landing.user.role == Role.STUDENT:
        return url_for("lti.quiz", assignment_id=landing.link.assignment_id)
    if landing.link is not None:
        return url_for("teacher.assignment", assignment_id=landing.link.assignment_id)
    flash(
        "This LMS link is not tied to a quiz: add quizzes to the course with its "
        "“add content” (deep linking) button.",
        "info",
    )
    return url_for("teacher.class_people", classroom_id=landing.classroom.id)


def _verify(id_token: str, pending: lti.PendingLaunch) -> Launch:
    """Check the token, fetching the platform's key set again once if it names a new key."""
    options = {
        "issuer": pending.issuer,
        "client_id": pending.client_id,
        "deployments": set(pending.deployments),
    }
    try:
        return messages.verify_launch(
            id_token, key_set=platform_api.key_set(pending.keyset_url), **options
        )
    except messages.UnknownKeyError:
        fresh = platform_api.key_set(pending.keyset_url, refresh=True)
        return messages.verify_launch(id_token, key_set=fresh, **options)


@bp.get("/lti/jwks")
def jwks():
    """The tool's public keys, which platforms use to check what it signs."""
    response = jsonify(keys.public_key_set(keys.directory_of(current_app)))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _deep_link_request() -> dict:
    pending = session.get(DEEP_LINK_KEY)
    if not pending:
        abort(404)
    return pending


@bp.route("/lti/deep-link", methods=["GET", "POST"])
@teacher_required
def deep_link():
    """The instructor chooses the quiz to place in the course; it goes back signed."""
    pending = _deep_link_request()
    classroom = own_classroom_or_404(pending["classroom_id"])
    form = DeepLinkForm()
    sets = assignments.assignable_sets(current_user)
    form.set_id.choices = [(s.id, s.title) for s in sets]
    if not form.is_submitted():
        form.start_from(utcnow())
    if not form.validate_on_submit():
        return render_template(
            "lti/deep_link.html", classroom=classroom, form=form, sets=sets
        ), 400 if form.errors else 200
    chosen = next(s for s in sets if s.id == form.set_id.data)  # the form offers only these
    assignment = assignments.assign(classroom, chosen, form.terms())
    item = lti.deep_link_item(assignment, url_for("lti.launch", _external=True))
    token = messages.deep_linking_response(
        Launch(pending["claims"]),
        client_id=pending["client_id"],
        key=keys.signing_key(keys.directory_of(current_app)),
        items=[item],
    )
    return_url = Launch(pending["claims"]).deep_linking["deep_link_return_url"]
    session.pop(DEEP_LINK_KEY, None)
    response = current_app.make_response(
        render_template("lti/deep_link_return.html", return_url=return_url, token=token, item=item)
    )
    # The return is a form posted to the LMS: our policy allows that one address.
    response.headers["Content-Security-Policy"] = content_security_policy(
        form_action=tuple(embedding.frame_origins(return_url)),
        frame_ancestors=("'self'", *session.get(embedding.SESSION_KEY, [])),
    )
    return response


@bp.get("/lti/quizzes/<id:assignment_id>")
@student_required
def quiz(assignment_id: int):
    """Where a learner's launch lands: the quiz, to start, go on with, or see the result of."""
    assignment = enrolled_assignment_or_404(assignment_id)
    now = utcnow()
    row = next(
        r
        for r in quiz_rules.student_assignments(current_user, now)
        if r.assignment.id == assignment.id
    )
    if row.in_progress is None:
        return render_template("lti/quiz.html", row=row, start_form=StartForm(), now=now)
    attempt = row.in_progress
    return redirect(
        url_for("student.question", attempt_id=attempt.id, position=attempt.current_position)
    )


@bp.route("/lti/account/link", methods=["GET", "POST"])
@login_required
def link_account():
    """The owner of an existing quizapp account uses it from the LMS from now on."""
    if not lti.is_lti_account(current_user):
        abort(404)
    form = LinkAccountForm()
    if form.validate_on_submit():
        try:
            account = lti.link_existing_account(
                current_user, form.username.data, form.password.data, utcnow()
            )
        except lti.LinkError as error:
            db.session.rollback()
            form.username.errors.append(str(error))
        else:
            frame = session.get(embedding.SESSION_KEY)
            login_user(account)
            if frame:
                session[embedding.SESSION_KEY] = frame
            flash(
                f"Done: the LMS now opens your account {account.username}.",
                "success",
            )
            return redirect(url_for("auth.index"))
    return render_template("lti/link_account.html", form=form), 400 if form.errors else 200


@bp.post("/lti/classes/<id:classroom_id>/roster-sync")
@teacher_required
def sync_roster(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    context = lti.context_of(classroom)
    if context is None or not context.memberships_url:
        abort(404)
    if ActionForm().validate_on_submit():
        context_id = context.id
        after_commit(lambda: jobs.enqueue("sync_lti_roster", context_id))
        flash("The roster is being synced with the LMS course.", "success")
    return redirect(url_for("teacher.class_people", classroom_id=classroom.id))


@bp.post("/lti/classes/<id:classroom_id>/grades/send")
@teacher_required
def send_grades(classroom_id: int):
    classroom = own_classroom_or_404(classroom_id)
    if lti.context_of(classroom) is None:
        abort(404)
    if ActionForm().validate_on_submit():
        if ids := lti_grades.unsent_ids(classroom):
            after_commit(lambda: lti_grades.queue_send(ids))
            flash(f"Sending {len(ids)} grade(s) to the LMS.", "success")
        else:
            flash("Every grade is already in the LMS.", "info")
    return redirect(url_for("teacher.class_grades", classroom_id=classroom.id))


@bp.app_template_global()
def lti_class_panel(classroom) -> dict | None:
    """What the class page shows about its LMS course, or None for a class of our own."""
    context = lti.context_of(classroom)
    if context is None:
        return None
    return {"context": context, "grades": lti_grades.class_status(classroom), "form": ActionForm()}


@bp.app_template_global()
def lti_may_link_account() -> bool:
    return current_user.is_authenticated and lti.is_lti_account(current_user)
