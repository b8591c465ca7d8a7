"""Who may do what, for every route of the app: a new route missing from the table fails."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    AccountStatus,
    LtiContext,
    LtiDeployment,
    LtiPlatform,
    QuestionSet,
    Role,
    User,
    utcnow,
)
from quizapp.services import accounts, drafts
from tests.conftest import BANK
from tests.quiz_helpers import latest_attempt_id, start_quiz

ARTICLE = BANK / "articles" / "nyt-2019-cuban-doctors-votes.md"

ROLES = (
    "anonymous",
    "other_student",
    "other_teacher",
    "waiting_teacher",
    "student",
    "teacher",
    "admin",
)
# Outcomes: OK is anything a permitted user may get (a page, a redirect, a form error);
# LOGIN a redirect to the log-in page; DENIED 403; MISSING 404; TOKEN 401 (API needs a token);
# WAITING a redirect to the page that says a teacher's sign-up waits for approval.
OK, LOGIN, DENIED, MISSING, TOKEN, WAITING = "ok", "login", "denied", "missing", "token", "waiting"

PUBLIC = dict.fromkeys(ROLES, OK)
LOGGED_IN = {**PUBLIC, "anonymous": LOGIN}
ANY_STUDENT = {
    "anonymous": LOGIN,
    "other_student": OK,
    "student": OK,
    "teacher": DENIED,
    "other_teacher": DENIED,
    "waiting_teacher": WAITING,
    "admin": DENIED,
}
OWN_STUDENT = {**ANY_STUDENT, "other_student": MISSING}
ANY_TEACHER = {
    "anonymous": LOGIN,
    "other_student": DENIED,
    "student": DENIED,
    "teacher": OK,
    "other_teacher": OK,
    "waiting_teacher": WAITING,
    "admin": DENIED,
}
OWN_TEACHER = {**ANY_TEACHER, "other_teacher": MISSING}
ADMIN = {
    **dict.fromkeys(ROLES, DENIED),
    "anonymous": LOGIN,
    "waiting_teacher": WAITING,
    "admin": OK,
}
API = dict.fromkeys(ROLES, TOKEN)  # a browser session never opens the API
# Pages for people who are not logged in: a logged-in user is sent on to their home page,
# which for a teacher waiting for approval is the page that says so.
LOGGED_OUT = {**PUBLIC, "waiting_teacher": WAITING}
# Only after an instructor's deep-linking launch, which the session remembers.
DEEP_LINK = {**ANY_TEACHER, "teacher": MISSING, "other_teacher": MISSING}
# Only for an account an LMS launch made.
LTI_ACCOUNT = {**dict.fromkeys(ROLES, MISSING), "anonymous": LOGIN}

EXPECTED = {
    ("GET", "/"): LOGGED_OUT,
    # LTI: the platform's requests (refused with a 400 page when not a real launch).
    ("GET", "/lti/login"): PUBLIC,
    ("POST", "/lti/login"): PUBLIC,
    ("POST", "/lti/launch"): PUBLIC,
    ("GET", "/lti/jwks"): PUBLIC,
    ("GET", "/lti/deep-link"): DEEP_LINK,
    ("POST", "/lti/deep-link"): DEEP_LINK,
    ("GET", "/lti/quizzes/<id:assignment_id>"): OWN_STUDENT,
    ("GET", "/lti/account/link"): LTI_ACCOUNT,
    ("POST", "/lti/account/link"): LTI_ACCOUNT,
    ("POST", "/lti/classes/<id:classroom_id>/roster-sync"): OWN_TEACHER,
    ("POST", "/lti/classes/<id:classroom_id>/grades/send"): OWN_TEACHER,
    ("GET", "/admin/lti"): ADMIN,
    ("POST", "/admin/lti"): ADMIN,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/login"): LOGGED_OUT,
    ("POST", "/login"): LOGGED_OUT,
    ("GET", "/signup"): PUBLIC,
    ("POST", "/signup"): PUBLIC,
    ("GET", "/join"): PUBLIC,
    ("POST", "/join"): PUBLIC,
    # Logging out ends on the log-in page, whoever asks.
    ("POST", "/logout"): dict.fromkeys(ROLES, LOGIN),
    ("GET", "/account/password"): LOGGED_IN,
    ("POST", "/account/password"): LOGGED_IN,
    # Anyone else logged in is sent on to their home page.
    ("GET", "/account/waiting"): LOGGED_IN,
    ("GET", "/admin/"): ADMIN,
    ("GET", "/admin/students"): ADMIN,
    ("GET", "/admin/password-slip"): ADMIN,
    ("POST", "/admin/invitations"): ADMIN,
    ("POST", "/admin/invitations/<id:invitation_id>/revoke"): ADMIN,
    **{
        ("POST", f"/admin/teachers/<id:teacher_id>/{action}"): ADMIN
        for action in ("approve", "refuse", "disable", "enable", "reset-password")
    },
    ("POST", "/admin/students/<id:student_id>/reset-password"): ADMIN,
    ("GET", "/articles/"): LOGGED_IN,
    ("GET", "/articles/<slug>"): LOGGED_IN,
    ("GET", "/home"): ANY_STUDENT,
    ("GET", "/history"): ANY_STUDENT,
    ("POST", "/classes/join"): ANY_STUDENT,
    ("POST", "/assignments/<id:assignment_id>/start"): OWN_STUDENT,
    ("GET", "/attempts/<id:attempt_id>"): OWN_STUDENT,
    ("GET", "/attempts/<id:attempt_id>/q/<id:position>"): OWN_STUDENT,
    ("POST", "/attempts/<id:attempt_id>/q/<id:position>"): OWN_STUDENT,
    ("POST", "/attempts/<id:attempt_id>/q/<id:position>/autosave"): OWN_STUDENT,
    ("GET", "/attempts/<id:attempt_id>/review"): OWN_STUDENT,
    ("POST", "/attempts/<id:attempt_id>/submit"): OWN_STUDENT,
    ("GET", "/teach/"): ANY_TEACHER,
    ("POST", "/teach/classes"): ANY_TEACHER,
    ("GET", "/teach/sets"): ANY_TEACHER,
    ("GET", "/teach/sets/import"): ANY_TEACHER,
    ("POST", "/teach/sets/import"): ANY_TEACHER,
    ("GET", "/teach/settings/api-tokens"): ANY_TEACHER,
    ("POST", "/teach/settings/api-tokens"): ANY_TEACHER,
    ("POST", "/teach/settings/api-tokens/<id:token_id>/revoke"): OWN_TEACHER,
    ("GET", "/teach/sets/<slug>"): OWN_TEACHER,
    ("GET", "/teach/sets/<slug>/worksheet"): OWN_TEACHER,
    ("GET", "/teach/sets/<slug>/key"): OWN_TEACHER,
    ("GET", "/teach/sets/<slug>/export/<fmt>"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/grades"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/people"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/skills"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/export/gradebook.csv"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/export/responses.csv"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/assign"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/assign"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/code"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/roster"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/slips"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/slips/new"): OWN_TEACHER,
    ("GET", "/teach/classes/<id:classroom_id>/students/<id:student_id>"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/students/<id:student_id>/remove"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/students/<id:student_id>/add-back"): OWN_TEACHER,
    ("POST", "/teach/classes/<id:classroom_id>/students/<id:student_id>/time"): OWN_TEACHER,
    (
        "POST",
        "/teach/classes/<id:classroom_id>/students/<id:student_id>/reset-password",
    ): OWN_TEACHER,
    ("GET", "/teach/assignments/<id:assignment_id>"): OWN_TEACHER,
    ("GET", "/teach/assignments/<id:assignment_id>/students/<id:student_id>"): OWN_TEACHER,
    **{
        ("POST", f"/teach/assignments/<id:assignment_id>/students/<id:student_id>/{action}"): (
            OWN_TEACHER
        )
        for action in ("due", "time-limit", "extra-attempt", "reset", "override", "override/clear")
    },
    ("GET", "/teach/attempts/<id:attempt_id>"): OWN_TEACHER,
    ("GET", "/teach/drafts"): ANY_TEACHER,
    ("POST", "/teach/drafts"): ANY_TEACHER,
    **{
        (method, f"/teach/drafts/<id:draft_id>{path}"): OWN_TEACHER
        for method, path in (
            ("GET", ""),
            ("POST", "/articles"),
            ("POST", "/files"),
            ("POST", "/articles/<id:article_id>/remove"),
            ("POST", "/extract"),
            ("POST", "/delete"),
            ("GET", "/progress"),
            ("GET", "/review"),
            ("POST", "/review/<any(quotes, figures):part>"),
            ("POST", "/review/line"),
            ("POST", "/generate"),
            ("GET", "/questions"),
            ("GET", "/questions/new"),
            ("POST", "/questions/new"),
            ("GET", "/questions/<key>"),
            ("POST", "/questions/<key>"),
            ("POST", "/questions/<key>/delete"),
            ("POST", "/publish"),
        )
    },
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/<path:_rest>"): API,
    ("GET", "/api/classes"): API,
    ("GET", "/api/classes/<id:class_id>"): API,
    ("GET", "/api/classes/<id:class_id>/assignments"): API,
    ("GET", "/api/assignments/<id:assignment_id>/results"): API,
}
# Methods the API answers with 405 in its own JSON format: refused whoever asks.
API_OTHER_METHODS = {"DELETE", "PATCH", "POST", "PUT", "QUERY", "TRACE"}


def app_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if rule.rule.startswith("/api/") and method in API_OTHER_METHODS:
                continue
            routes.add((method, rule.rule))
    return routes


def test_every_route_is_in_the_table(app):
    assert app_routes(app) == set(EXPECTED), (
        f"missing from the table: {sorted(app_routes(app) - set(EXPECTED))}; "
        f"no longer routes: {sorted(set(EXPECTED) - app_routes(app))}"
    )


@pytest.fixture
def world(app, browser, new_browser, make_class, make_assignment, make_user):
    """Two teachers with a class each; Sam in the first class with an attempt, Ola in the
    other; a set and an API token of the first teacher's own; the administrator, a teacher
    waiting for approval, and an open invitation."""
    mine = make_class(teacher="teacher", students=("sam",))
    make_class(teacher="other", students=("ola",), name="Other class")
    assignment_id = make_assignment(
        mine["id"], slug="check-in", due_at=utcnow() + timedelta(days=1)
    )
    sam = new_browser()
    sam.login("sam")
    start_quiz(sam, assignment_id)
    attempt_id = latest_attempt_id(app, mine["students"]["sam"])
    browser.login("teacher")
    browser.page("/teach/sets/import")
    browser.post(
        "/teach/sets/import",
        {
            "title": "Fractions warm-up",
            "format": "gift",
            "file": (io.BytesIO(b"::Q1:: Two plus two? {=four ~three ~five}\n"), "q.gift"),
        },
        content_type="multipart/form-data",
    )
    with app.app_context():
        slug = db.session.scalar(
            sa.select(QuestionSet.slug).where(QuestionSet.title == "Fractions warm-up")
        )
    assert slug, "the teacher's own set was imported"
    html = browser.page("/teach/settings/api-tokens")
    browser.post("/teach/settings/api-tokens", {"name": "gradebook"})
    html = browser.page("/teach/settings/api-tokens")
    token_id = int(re.search(r"/api-tokens/(\d+)/revoke", html).group(1))
    browser.logout()
    with app.app_context():
        draft = drafts.create_draft(mine["teacher_id"], "Builder draft")
        article = drafts.add_article(draft, ARTICLE.read_text("utf-8"), file_name=ARTICLE.name)
        problems = drafts.save_question(
            draft,
            {
                "kind": "sources",
                "type": "true_false",
                "skills": ["source-type"],
                "difficulty": "easy",
                "prompt": "True or false: the report opens with a doctor who knew it was wrong.",
                "answer": True,
                "explanation": "Its first sentence says so.",
                "evidence": [
                    {"article": article.slug, "quote": "Yansnier Arias knew it was wrong."}
                ],
            },
        )
        assert problems == []
        db.session.commit()
        draft_ids = {
            "draft_id": draft.id,
            "article_id": article.id,
            "key": draft.questions[0]["id"],
        }
    with app.app_context():  # the class is an LMS course, whose LMS does not answer
        platform = LtiPlatform(
            issuer="https://lms.test",
            client_id="c",
            auth_login_url="https://lms.test/auth",
            auth_token_url="http://127.0.0.1:9/token",
            keyset_url="https://lms.test/jwks",
            deployments=[LtiDeployment(deployment_id="d")],
        )
        db.session.add(platform)
        db.session.flush()
        db.session.add(
            LtiContext(
                deployment_id=platform.deployments[0].id,
                context_id="course",
                classroom_id=mine["id"],
                memberships_url="http://127.0.0.1:9/members",
            )
        )
        db.session.commit()
    make_user("head", Role.ADMIN)
    waiting_id = make_user("waiting", Role.TEACHER)
    with app.app_context():
        db.session.get(User, waiting_id).status = AccountStatus.PENDING
        admin = db.session.scalar(sa.select(User).where(User.username == "head"))
        invitation, _ = accounts.invite(admin, "Ms Rivera", 7, utcnow())
        db.session.commit()
        invitation_id = invitation.id
    return {
        **draft_ids,
        "invitation_id": invitation_id,
        "teacher_id": waiting_id,
        "classroom_id": mine["id"],
        "class_id": mine["id"],
        "assignment_id": assignment_id,
        "attempt_id": attempt_id,
        "student_id": mine["students"]["sam"],
        "position": 0,
        "slug": slug,
        "fmt": "gift",
        "part": "quotes",
        "token_id": token_id,
        "filename": "css/app.css",
        "_rest": "nothing-here",
    }


def url_for_rule(rule: str, values: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return str(values[name])

    url = re.sub(r"<([^>]+)>", fill, rule)
    if rule == "/articles/<slug>":
        url = "/articles/nyt-2019-cuban-doctors-votes"
    return url


def outcome(response) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status == 302 and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if status == 302 and response.headers["Location"] == "/account/waiting":
        return WAITING
    return {401: TOKEN, 403: DENIED, 404: MISSING}.get(status, OK)


@pytest.mark.parametrize("method, rule", sorted(EXPECTED))
def test_route_is_allowed_only_to_whom_it_should_be(app, new_browser, world, method, rule):
    url = url_for_rule(rule, world)
    users = {
        "anonymous": None,
        "other_student": "ola",
        "other_teacher": "other",
        "waiting_teacher": "waiting",
        "student": "sam",
        "teacher": "teacher",
        "admin": "head",
    }
    results = {}
    for role in ROLES:  # the class's own people last: their requests may change things
        visitor = new_browser()
        if users[role]:
            visitor.login(users[role])
        visitor.page("/login" if role == "anonymous" else "/account/password")  # a CSRF token
        response = visitor.get(url) if method == "GET" else visitor.post(url, {}, follow=False)
        results[role] = outcome(response)
        response.close()  # a static file's response holds the file open until closed
    assert results == EXPECTED[(method, rule)]
