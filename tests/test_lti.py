"""LTI 1.3 against a real platform (lti1p3platform), both served on loopback ports.

The browser side (OIDC redirects, auto-posted forms) is driven by an HTTP client that keeps
cookies per site, as a browser does; the platform calls the tool for real (its key set,
while it answers our token requests).
"""

import base64
import json
import os
import re
import stat
import subprocess
import sys
import time
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import RSAKey

from quizapp import create_app
from quizapp.extensions import db
from quizapp.lti import keys
from quizapp.models import (
    Assignment,
    Attempt,
    Enrollment,
    GradeState,
    LtiDeployment,
    LtiGrade,
    LtiPlatform,
    LtiUser,
    Role,
    User,
)
from tests.conftest import PASSWORD, csrf_from
from tests.lti_platform import (
    CLIENT_ID,
    COURSE,
    DEPLOYMENT_ID,
    INSTRUCTOR,
    LEARNER,
    Person,
    Platform,
    Served,
    make_app,
    new_private_key,
)
from tests.quiz_helpers import form_answer, latest_attempt_id, question_count

ROOT = Path(__file__).resolve().parent.parent
TEACHER = Person("lms-teacher-1", "Rosa Parks", INSTRUCTOR)
LEARNER_ANA = Person("lms-learner-7", "Ana Lima", LEARNER)


@pytest.fixture(scope="module")
def tool(app):
    served = Served(app)
    yield served.url
    served.stop()


@pytest.fixture
def platform(app, tool):
    state = Platform(tool=tool)
    served = Served(make_app(state))
    state.base = served.url
    yield state
    served.stop()


@pytest.fixture
def registered(app, platform):
    result = app.test_cli_runner().invoke(args=platform.cli_args())
    assert result.exit_code == 0, result.output
    return platform


class Visitor:
    """A browser: one cookie jar for every site, redirects followed, forms posted."""

    def __init__(self):
        self.http = requests.Session()
        self.page = ""

    def get(self, url: str) -> requests.Response:
        response = self.http.get(url, timeout=30)
        self.page = response.text
        return response

    def post(self, url: str, data: dict | None = None, **kwargs) -> requests.Response:
        payload = {"csrf_token": csrf_from(self.page), **(data or {})}
        response = self.http.post(url, data=payload, timeout=30, **kwargs)
        self.page = response.text
        return response

    def launch(self, platform: Platform, person: Person, **kwargs) -> requests.Response:
        """Open the tool from the LMS: log-in initiation, the LMS's form, the launch."""
        page = self.get(platform.start_launch(person, **kwargs))
        assert page.status_code == 200, page.text
        return self.post_launch_form(page.text)

    def post_launch_form(self, html: str) -> requests.Response:
        action = unescape(re.search(r'action="([^"]+)"', html).group(1))
        fields = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', html))
        response = self.http.post(action, data=fields, timeout=30)
        self.page = response.text
        return response


def _deep_link(tool: str, platform: Platform, title: str = "Who said what") -> dict:
    """The instructor places a quiz in the course by deep linking; the LMS keeps the link."""
    teacher = Visitor()
    page = teacher.launch(platform, TEACHER, kind="deeplink")
    assert page.status_code == 200 and "Add a quiz to Media literacy 101" in page.text
    set_id = re.search(rf'<option value="(\d+)">{re.escape(title)}</option>', page.text).group(1)
    back = teacher.post(
        f"{tool}/lti/deep-link",
        {
            "set_id": set_id,
            "opens_at": "2020-01-01T08:00",
            "due_at": "",
            "attempts_allowed": "2",
            "time_limit_minutes": "",
            "show_answers": "after_submit",
        },
    )
    assert back.status_code == 200, back.text
    action = unescape(re.search(r'action="([^"]+)" data-autosubmit', back.text).group(1))
    token = re.search(r'name="JWT" value="([^"]+)"', back.text).group(1)
    added = teacher.http.post(action, data={"JWT": token}, timeout=30)
    assert added.status_code == 200, added.text
    return {"teacher": teacher, "return_page": back, "link": f"link-{len(platform.resource_links)}"}


def _take_quiz(app, visitor: Visitor, tool: str, student_id: int, correct: int) -> None:
    """Start from the landing page, answer the first `correct` questions right, the rest wrong,
    and submit."""
    start = re.search(r'action="(/assignments/\d+/start)"', visitor.page).group(1)
    visitor.post(f"{tool}{start}")
    attempt_id = latest_attempt_id(app, student_id)
    for position in range(question_count(app, attempt_id)):
        fields = form_answer(app, attempt_id, position, correct=position < correct)
        visitor.get(f"{tool}/attempts/{attempt_id}/q/{position}")
        visitor.post(f"{tool}/attempts/{attempt_id}/q/{position}", {**fields, "go": "next"})
    visitor.get(f"{tool}/attempts/{attempt_id}/review")
    done = visitor.post(f"{tool}/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"})
    assert "Your quiz is submitted." in done.text


def _user(app, platform_sub: str) -> User:
    with app.app_context():
        user = db.session.scalar(
            sa.select(User)
            .join(LtiUser, LtiUser.user_id == User.id)
            .where(LtiUser.subject == platform_sub)
        )
        db.session.expunge_all()
        return user


# Registration ---------------------------------------------------------------------------


def test_add_platform_registers_once_and_says_what_it_registered(app, platform):
    runner = app.test_cli_runner()
    first = runner.invoke(args=platform.cli_args())
    again = runner.invoke(args=platform.cli_args())
    other = runner.invoke(
        args=[*platform.cli_args()[:-8], "--deployment-id", "dep-2", *platform.cli_args()[-6:]]
    )
    assert first.exit_code == again.exit_code == other.exit_code == 0, other.output
    assert f"Registered the platform {platform.issuer} (client id {CLIENT_ID})" in first.output
    assert f"Deployment {DEPLOYMENT_ID}: added." in first.output
    assert "was already registered" in again.output and "already there" in again.output
    assert "Deployment dep-2: added." in other.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiPlatform)) == 1
        assert set(db.session.scalars(sa.select(LtiDeployment.deployment_id))) == {
            DEPLOYMENT_ID,
            "dep-2",
        }


def test_add_platform_refuses_a_bad_address_in_one_line(app, platform):
    args = platform.cli_args()
    args[args.index("--keyset-url") + 1] = "ftp://example.org/keys"
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1
    assert "The keyset URL must be a web address" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiPlatform)) == 0


def test_admin_registers_a_platform_and_sees_what_to_paste_into_the_lms(
    app, browser, make_user, platform
):
    make_user("head", Role.ADMIN)
    browser.login("head")
    page = browser.page("/admin/lti")
    for address in ("/lti/login", "/lti/launch", "/lti/jwks"):
        assert f'value="http://localhost{address}"' in page
    assert "Deep linking URL" in page and "No LMS is registered yet." in page
    values = {
        "issuer": platform.issuer,
        "client_id": CLIENT_ID,
        "deployment_id": DEPLOYMENT_ID,
        "auth_login_url": f"{platform.base}/authorize",
        "auth_token_url": f"{platform.base}/token",
        "keyset_url": "not an address",
    }
    refused = browser.post("/admin/lti", values)
    assert refused.status_code == 400
    assert "The keyset URL must be a web address" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiPlatform)) == 0
    done = browser.post("/admin/lti", {**values, "keyset_url": f"{platform.base}/jwks"})
    html = done.get_data(as_text=True)
    assert f"{platform.issuer} is registered" in html
    assert f"<code>{DEPLOYMENT_ID}</code>" in html


def test_the_tool_key_is_made_on_first_use_private_and_rotated_beside_the_old(app, client):
    key_dir = Path(keys.directory_of(app))
    for old in key_dir.glob("*.pem"):
        old.unlink()
    published = client.get("/lti/jwks").get_json()["keys"]
    assert len(published) == 1 and published[0]["alg"] == "RS256" and "d" not in published[0]
    (made,) = key_dir.glob("*.pem")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    runner = app.test_cli_runner()
    rotated = runner.invoke(args=["lti", "rotate-key"])
    assert rotated.exit_code == 0 and "New signing key" in rotated.output
    kids = [k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]]
    assert kids[0] == published[0]["kid"] and len(kids) == 2
    refused = runner.invoke(args=["lti", "retire-key", "--kid", kids[1]])
    assert refused.exit_code == 1 and "is the one that signs" in refused.output
    retired = runner.invoke(args=["lti", "retire-key", "--kid", kids[0]])
    assert retired.exit_code == 0
    assert [k["kid"] for k in client.get("/lti/jwks").get_json()["keys"]] == [kids[1]]


# Launches -------------------------------------------------------------------------------


def test_an_instructor_launch_makes_a_teacher_and_a_class_named_after_the_course(
    app, tool, registered
):
    first = Visitor().launch(registered, TEACHER)
    assert first.status_code == 200
    assert f"<h1>{COURSE['title']}</h1>" in first.text
    assert "This LMS link is not tied to a quiz" in first.text
    again = Visitor().launch(registered, TEACHER)
    assert again.url == first.url  # the same class
    teacher = _user(app, TEACHER.sub)
    assert teacher.role == Role.TEACHER and teacher.display_name == "Rosa Parks"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiUser)) == 1


def test_deep_linking_returns_a_signed_link_with_a_gradebook_column(app, tool, registered):
    placed = _deep_link(tool, registered)
    (item,) = registered.deep_link_items  # the platform checked our signature with our JWKS
    assert item["type"] == "ltiResourceLink" and item["title"] == "Who said what"
    assert item["url"] == f"{tool}/lti/launch"
    assert item["lineItem"]["label"] == "Who said what"
    assert item["lineItem"]["scoreMaximum"] > 0
    with app.app_context():
        assignment = db.session.get(Assignment, int(item["custom"]["quizapp_assignment"]))
        assert assignment.classroom.name == COURSE["title"]
        assert assignment.attempts_allowed == 2
        assert item["lineItem"]["scoreMaximum"] == sum(
            1 + ("ground" in q.current_version.content)
            for q in assignment.question_set.questions
            if q.position is not None
        )
    page = placed["return_page"]
    policy = page.headers["Content-Security-Policy"]
    assert f"form-action 'self' {registered.base}" in policy
    assert "<script>" not in page.text and "unsafe-inline" not in policy
    assert 'src="/static/js/lti.js"' in page.text
    assert '<button type="submit">Back to the LMS</button>' in page.text


def test_a_learner_launch_opens_the_quiz_and_the_submitted_score_reaches_the_lms(
    app, tool, registered
):
    placed = _deep_link(tool, registered)
    ana = Visitor()
    landing = ana.launch(registered, LEARNER_ANA, link=placed["link"])
    assert landing.status_code == 200 and "/lti/quizzes/" in landing.url
    assert "Who said what" in landing.text and ">Start</button>" in landing.text
    student = _user(app, LEARNER_ANA.sub)
    assert student.role == Role.STUDENT
    _take_quiz(app, ana, tool, student.id, correct=2)
    (score,) = registered.scores
    assert score["userId"] == LEARNER_ANA.sub
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["lineitem"] == placed["link"].removeprefix("link-")
    attempt_id = latest_attempt_id(app, student.id)
    with app.app_context():
        grade = db.session.scalar(sa.select(LtiGrade))
        assert grade.state == GradeState.SENT
        attempt = db.session.get(Attempt, attempt_id)
        assert score["scoreGiven"] == attempt.score
        assert score["scoreMaximum"] == attempt.max_score
        assert score["submission"]["submittedAt"].startswith(
            attempt.submitted_at.isoformat(timespec="seconds")
        )
    teacher = placed["teacher"]
    classroom = teacher.get(f"{tool}/teach/")
    class_url = re.search(r'href="(/teach/classes/\d+)"', classroom.text).group(1)
    page = teacher.get(f"{tool}{class_url}/grades").text
    assert "All 1 grade sent to the LMS." in page
    assert "Ana Lima" in page


def test_a_teachers_new_score_is_sent_to_the_lms(app, tool, registered):
    placed = _deep_link(tool, registered)
    ana = Visitor()
    ana.launch(registered, LEARNER_ANA, link=placed["link"])
    student = _user(app, LEARNER_ANA.sub)
    _take_quiz(app, ana, tool, student.id, correct=0)
    attempt_id = latest_attempt_id(app, student.id)
    with app.app_context():
        assignment_id = db.session.scalar(sa.select(Assignment.id))
    teacher = placed["teacher"]
    teacher.get(f"{tool}/teach/assignments/{assignment_id}/students/{student.id}")
    teacher.post(
        f"{tool}/teach/assignments/{assignment_id}/students/{student.id}/override",
        {"override_attempt": str(attempt_id), "points": "3", "override_reason": "Paper copy"},
    )
    assert [s["scoreGiven"] for s in registered.scores] == [0, 3]


def test_a_grade_the_lms_refuses_waits_visibly_and_is_sent_again(app, tool, registered):
    placed = _deep_link(tool, registered)
    registered.scores_down = True
    ana = Visitor()
    ana.launch(registered, LEARNER_ANA, link=placed["link"])
    student = _user(app, LEARNER_ANA.sub)
    _take_quiz(app, ana, tool, student.id, correct=1)  # the student's submit is not held up
    assert registered.scores == []
    with app.app_context():
        grade = db.session.scalar(sa.select(LtiGrade))
        assert grade.state == GradeState.FAILED and grade.tries == 1
        assert grade.problem == "the platform answered 503 SERVICE UNAVAILABLE"
        assert grade.failing_since is not None
        grade_id, failed_at = grade.id, grade.failing_since
    huey = app.extensions["huey"]
    (retry,) = huey.scheduled()  # the job queued itself again, to run in 30 seconds
    try:
        assert retry.name == "send_lti_grades" and retry.args == ([grade_id],)
        wait = (retry.eta - failed_at).total_seconds()  # from when the send failed
        assert 29 <= wait <= 31, wait
    finally:
        huey.storage.flush_schedule()
    teacher = placed["teacher"]
    home = teacher.get(f"{tool}/teach/").text
    assert "Grades not yet sent to the LMS" in home and "1 grade waiting" in home
    class_url = re.search(r'href="(/teach/classes/\d+)"', home)
    page = teacher.get(f"{tool}{class_url.group(1)}/grades").text
    assert "1 grade waiting to send: the platform answered 503 SERVICE UNAVAILABLE since" in page
    registered.scores_down = False
    send = re.search(r'action="(/lti/classes/\d+/grades/send)"', page).group(1)
    after = teacher.post(f"{tool}{send}")
    assert "Sending 1 grade(s) to the LMS." in after.text
    assert "All 1 grade sent to the LMS." in after.text
    assert len(registered.scores) == 1


def test_an_attempt_closed_by_time_and_then_reset_updates_the_lms(app, tool, registered):
    placed = _deep_link(tool, registered)
    ana = Visitor()
    ana.launch(registered, LEARNER_ANA, link=placed["link"])
    student = _user(app, LEARNER_ANA.sub)
    start = re.search(r'action="(/assignments/\d+/start)"', ana.page).group(1)
    ana.post(f"{tool}{start}")
    attempt_id = latest_attempt_id(app, student.id)
    fields = form_answer(app, attempt_id, 0)
    ana.post(f"{tool}/attempts/{attempt_id}/q/0", {**fields, "go": "next"})
    with app.app_context():  # the time limit runs out while the student is away
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at -= timedelta(hours=2)
        attempt.deadline_at = attempt.started_at + timedelta(minutes=30)
        assignment_id = attempt.assignment_id
        db.session.commit()
    teacher = placed["teacher"]
    teacher.get(f"{tool}/teach/assignments/{assignment_id}")  # the teacher's view submits it
    (closed,) = registered.scores
    with app.app_context():
        marked = db.session.get(Attempt, attempt_id).score
    assert closed["scoreGiven"] == marked > 0  # the first answer, saved in time, counts
    assert closed["gradingProgress"] == "FullyGraded"
    page = teacher.get(f"{tool}/teach/assignments/{assignment_id}/students/{student.id}")
    teacher.post(
        f"{tool}/teach/assignments/{assignment_id}/students/{student.id}/reset",
        {"reset_attempt": str(attempt_id), "reset_reason": "Fire drill"},
    )
    assert page.status_code == 200 and len(registered.scores) == 2, teacher.page[-2000:]
    reset = registered.scores[1]  # no attempt counts now: the LMS's grade is taken back
    assert "scoreGiven" not in reset
    assert (reset["activityProgress"], reset["gradingProgress"]) == ("Initialized", "NotReady")


def test_roster_sync_imports_the_courses_learners(app, tool, registered):
    registered.members = [
        {"user_id": "lms-learner-8", "roles": [LEARNER], "name": "Bea Costa"},
        {
            "user_id": "lms-learner-9",
            "roles": [LEARNER],
            "given_name": "Caio",
            "family_name": "Reis",
        },
        {"user_id": TEACHER.sub, "roles": [INSTRUCTOR], "name": "Rosa Parks"},
        {"user_id": "lms-learner-10", "roles": [LEARNER], "name": "Dan Gone", "status": "Deleted"},
    ]
    teacher = Visitor()
    page = teacher.launch(registered, TEACHER)  # an instructor launch syncs the roster too
    assert "Bea Costa" in page.text and "Caio Reis" in page.text
    assert "Dan Gone" not in page.text and "Roster last synced" in page.text
    registered.members.append({"user_id": "lms-learner-11", "roles": [LEARNER], "name": "Eva Sá"})
    sync = re.search(r'action="(/lti/classes/\d+/roster-sync)"', page.text).group(1)
    after = teacher.post(f"{tool}{sync}")
    assert "The roster is being synced" in after.text and "Eva Sá" in after.text
    with app.app_context():
        students = db.session.scalars(sa.select(User).where(User.role == Role.STUDENT)).all()
        assert sorted(s.display_name for s in students) == ["Bea Costa", "Caio Reis", "Eva Sá"]


def test_a_learner_the_teacher_removed_stays_out_of_the_class(app, tool, registered):
    placed = _deep_link(tool, registered)
    ana = Visitor()
    ana.launch(registered, LEARNER_ANA, link=placed["link"])
    student = _user(app, LEARNER_ANA.sub)
    teacher = placed["teacher"]
    class_url = re.search(r'href="(/teach/classes/\d+)"', teacher.get(f"{tool}/teach/").text)[1]
    teacher.get(f"{tool}{class_url}")
    teacher.post(f"{tool}{class_url}/students/{student.id}/remove", {"confirmed": "yes"})
    again = ana.launch(registered, LEARNER_ANA, link=placed["link"])
    assert again.status_code == 400 and "Your teacher removed you from" in again.text
    registered.members = [{"user_id": LEARNER_ANA.sub, "roles": [LEARNER], "name": "Ana Lima"}]
    page = teacher.get(f"{tool}{class_url}/people")
    sync = re.search(r'action="(/lti/classes/\d+/roster-sync)"', page.text)[1]
    teacher.post(f"{tool}{sync}")
    with app.app_context():
        enrollment = db.session.scalar(
            sa.select(Enrollment).where(Enrollment.student_id == student.id)
        )
        assert enrollment.removed_at is not None  # the roster sync did not bring her back


def test_an_existing_account_can_be_linked_by_its_owner(app, tool, registered, make_user):
    make_user("ana.lima")  # Ana's own account, with a password
    placed = _deep_link(tool, registered)
    ana = Visitor()
    ana.launch(registered, LEARNER_ANA, link=placed["link"])
    made = _user(app, LEARNER_ANA.sub)
    assert made.username != "ana.lima"
    ana.get(f"{tool}/lti/account/link")
    wrong = ana.post(f"{tool}/lti/account/link", {"username": "ana.lima", "password": "nope"})
    assert wrong.status_code == 400 and "do not match an account" in wrong.text
    done = ana.post(f"{tool}/lti/account/link", {"username": "ana.lima", "password": PASSWORD})
    assert "the LMS now opens your account ana.lima" in done.text
    again = Visitor().launch(registered, LEARNER_ANA, link=placed["link"])
    assert "Ana.Lima" in again.text  # the display name of the linked account
    assert _user(app, LEARNER_ANA.sub).username == "ana.lima"


# Refusals -------------------------------------------------------------------------------


def test_a_replayed_id_token_is_refused(app, tool, registered):
    visitor = Visitor()
    form_page = visitor.get(registered.start_launch(TEACHER)).text
    assert visitor.post_launch_form(form_page).status_code == 200
    replay = visitor.post_launch_form(form_page)
    assert replay.status_code == 400
    assert "This launch was already used" in replay.text
    # The same token under a log-in of its own: its nonce belongs to the first log-in.
    fresh = visitor.get(registered.start_launch(TEACHER)).text
    state = re.search(r'name="state" value="([^"]+)"', fresh).group(1)
    old_token = re.search(r'name="id_token" value="([^"]+)"', form_page).group(1)
    mixed = visitor.http.post(
        f"{tool}/lti/launch", data={"id_token": old_token, "state": state}, timeout=30
    )
    assert mixed.status_code == 400
    assert "nonce does not match" in mixed.text


def test_a_launch_signed_with_another_key_is_refused(app, tool, registered):
    registered.signing_key = new_private_key()
    refused = Visitor().launch(registered, TEACHER)
    assert refused.status_code == 400
    assert "signed with a key that is not in the platform&#39;s key set" in refused.text
    assert _user(app, TEACHER.sub) is None


def test_a_launch_whose_claims_were_altered_is_refused(app, tool, registered):
    visitor = Visitor()
    page = visitor.get(registered.start_launch(TEACHER)).text
    token = re.search(r'name="id_token" value="([^"]+)"', page).group(1)
    header, body, signature = token.split(".")
    claims = json.loads(_b64decode(body))
    claims["sub"] = "someone-else"
    forged = ".".join((header, _b64encode(json.dumps(claims)), signature))
    refused = visitor.post_launch_form(page.replace(token, forged))
    assert refused.status_code == 400
    assert "signature does not match the platform&#39;s key set" in refused.text


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def test_an_unknown_platform_is_refused_with_a_page_naming_it(app, tool, platform):
    response = Visitor().get(platform.start_launch(TEACHER))  # not registered here
    assert response.status_code == 400
    assert f"The platform &#39;{platform.issuer}&#39; is not registered here" in response.text


def test_a_launch_without_its_state_cookie_offers_a_new_window(app, tool, registered):
    page = Visitor().get(registered.start_launch(TEACHER)).text
    elsewhere = Visitor()  # another browser, or one that blocked the iframe's cookie
    refused = elsewhere.post_launch_form(page)
    assert refused.status_code == 400
    assert "did not send back the cookie" in refused.text
    again = unescape(re.search(r'href="([^"]+)" target="_blank"', refused.text).group(1))
    assert again.startswith("/lti/login?")
    assert parse_qs(urlsplit(again).query)["iss"] == [registered.issuer]
    opened = elsewhere.get(f"{tool}{again}")  # the new window starts the log-in again
    assert elsewhere.post_launch_form(opened.text).status_code == 200
    assert f"<h1>{COURSE['title']}</h1>" in elsewhere.page


@pytest.fixture
def forge(app, registered):
    """Sign launch tokens with the platform's own key, to test claims the platform gets right."""
    key = RSAKey.import_key(registered.private_key)
    key.ensure_kid()

    def launch(visitor: Visitor, tool: str, **changes) -> requests.Response:
        started = visitor.http.get(
            f"{tool}/lti/login",
            params={
                "iss": registered.issuer,
                "login_hint": "x",
                "target_link_uri": f"{tool}/lti/launch",
                "client_id": CLIENT_ID,
            },
            allow_redirects=False,
            timeout=30,
        )
        query = parse_qs(urlsplit(started.headers["Location"]).query)
        now = int(time.time())
        claims = {
            "iss": registered.issuer,
            "aud": CLIENT_ID,
            "sub": "forged-sub",
            "iat": now,
            "exp": now + 300,
            "nonce": query["nonce"][0],
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT_ID,
            "https://purl.imsglobal.org/spec/lti/claim/roles": [INSTRUCTOR],
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "r1"},
            "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "c1", "title": "T"},
        }
        for name, value in changes.items():
            name = name.replace("__", "/")
            full = name if name in claims else f"https://purl.imsglobal.org/spec/lti/claim/{name}"
            if value is None:
                claims.pop(full, None)
            else:
                claims[full] = value
        token = jwt.encode({"alg": "RS256", "kid": _platform_kid(registered)}, claims, key)
        return visitor.http.post(
            f"{tool}/lti/launch", data={"id_token": token, "state": query["state"][0]}, timeout=30
        )

    return launch


def _platform_kid(platform: Platform) -> str:
    return requests.get(f"{platform.base}/jwks", timeout=10).json()["keys"][0]["kid"]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"deployment_id": "not-registered"}, "The deployment &#39;not-registered&#39; is not"),
        ({"aud": "another-tool"}, "is not for this tool&#39;s client id"),
        ({"aud": [CLIENT_ID, "x"]}, "authorised party (azp claim) is not this tool"),
        ({"exp": 1000}, "The launch token has expired"),
        ({"roles": None}, "has no roles claim"),
        ({"sub": None}, "has no sub claim"),
        ({"context": None}, "has no course"),
        ({"version": "1.1"}, "is not LTI version 1.3.0"),
        ({"message_type": "LtiSubmissionReviewRequest"}, "does not take launches of the kind"),
    ],
)
def test_a_launch_with_a_wrong_or_missing_claim_is_refused_naming_it(
    app, tool, forge, changes, problem
):
    response = forge(Visitor(), tool, **changes)
    if problem is None:
        assert response.status_code == 200 and "<h1>T</h1>" in response.text
    else:
        assert response.status_code == 400, response.text
        assert problem in response.text


def test_over_https_the_launch_cookies_work_inside_the_lms_frame(app, registered):
    tool = "https://quizapp.test"
    client = app.test_client()
    started = client.get(
        "/lti/login",
        base_url=tool,
        query_string={
            "iss": registered.issuer,
            "login_hint": TEACHER.sub,
            "target_link_uri": f"{tool}/lti/launch",
            "lti_message_hint": json.dumps(
                {"person": TEACHER.__dict__, "kind": "resource", "link": ""}
            ),
        },
    )
    state_cookie = started.headers["Set-Cookie"]
    assert "Secure" in state_cookie and "SameSite=None" in state_cookie
    form = requests.get(started.headers["Location"], timeout=30).text
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', form))
    launched = client.post("/lti/launch", base_url=tool, data=fields)
    assert launched.status_code == 302
    session_cookie = next(
        c for c in launched.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "Secure" in session_cookie and "SameSite=None" in session_cookie
    page = client.get(launched.headers["Location"], base_url=tool)
    assert page.status_code == 200
    assert f"frame-ancestors 'self' {registered.base}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    outside = app.test_client().get("/login", base_url=tool)
    assert "frame-ancestors 'none'" in outside.headers["Content-Security-Policy"]
    assert outside.headers["X-Frame-Options"] == "DENY"


def test_grades_are_retried_waiting_longer_each_time(app):
    from quizapp.services.lti_grades import retry_delay

    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(50) == 3600


def _grade_state(app) -> str | None:
    with app.app_context():
        state = db.session.scalar(sa.select(LtiGrade.state))
        db.session.remove()
    return state


def test_a_worker_process_sends_the_grade_after_the_students_request_is_done(app, tmp_path):
    """As in production: the student's submit only records the grade; a worker sends it."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    settings = {
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database,
        "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
        "QUEUE_IMMEDIATE": False,
        "LTI_KEY_DIR": app.config["LTI_KEY_DIR"],
        "QUESTIONS_DIR": app.config["QUESTIONS_DIR"],
    }
    producer = create_app(settings)
    served = Served(producer)
    lms = Platform(tool=served.url)
    lms_served = Served(make_app(lms))
    lms.base = lms_served.url
    worker = None
    try:
        assert producer.test_cli_runner().invoke(args=lms.cli_args()).exit_code == 0
        placed = _deep_link(served.url, lms)
        ana = Visitor()
        ana.launch(lms, LEARNER_ANA, link=placed["link"])
        student = _user(app, LEARNER_ANA.sub)
        _take_quiz(app, ana, served.url, student.id, correct=1)
        assert lms.scores == []  # not sent during the student's request
        with app.app_context():
            assert db.session.scalar(sa.select(LtiGrade.state)) == GradeState.WAITING
            db.session.remove()
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "QUEUE_URL": settings["QUEUE_URL"],
            "SECRET_KEY": "test-secret-key",
            "LTI_KEY_DIR": settings["LTI_KEY_DIR"],
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "quizapp", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # The platform holds the score before the worker records it as sent: wait for both.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if lms.scores and _grade_state(app) == GradeState.SENT:
                break
            time.sleep(0.5)
    finally:
        output = ""
        if worker is not None:
            worker.terminate()
            output = worker.communicate(timeout=20)[0]
        served.stop()
        lms_served.stop()
        with producer.app_context():
            db.engine.dispose()
    (score,) = lms.scores
    assert score["userId"] == LEARNER_ANA.sub and score["scoreGiven"] >= 1, output
    assert _grade_state(app) == GradeState.SENT
