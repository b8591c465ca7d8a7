"""The read-only JSON API: tokens from the settings page, ownership, and the OpenAPI contract."""

import re
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from quizapp.extensions import db
from quizapp.models import ApiToken, Attempt, Role, utcnow
from tests.quiz_helpers import form_answer, latest_attempt_id, start_quiz


def create_token(browser, teacher: str = "teacher", name: str = "gradebook") -> str:
    browser.login(teacher)
    browser.page("/teach/settings/api-tokens")
    html = browser.post("/teach/settings/api-tokens", {"name": name}).get_data(as_text=True)
    match = re.search(r'id="token-secret" class="token-secret" type="text" value="([^"]+)"', html)
    assert match, "the new token is shown on the page"
    return match.group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def teaching(app, browser, make_class, make_assignment):
    """A teacher's class with two students, an assignment, one submitted attempt, a token."""
    klass = make_class(students=("sam", "kim"))
    assignment_id = make_assignment(klass["id"])
    with app.app_context():
        db.session.add(
            Attempt(
                assignment_id=assignment_id,
                student_id=klass["students"]["sam"],
                number=1,
                started_at=utcnow(),
                submitted_at=utcnow(),
                score=3,
                max_score=4,
            )
        )
        db.session.commit()
    token = create_token(browser)
    return {"class": klass, "assignment_id": assignment_id, "token": token}


def test_token_is_shown_once_and_stored_hashed(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    token = create_token(browser)
    assert token.startswith("qz_") and len(token) > 40
    html = browser.page("/teach/settings/api-tokens")
    assert token not in html and token[:8] in html and "gradebook" in html
    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken)).one()
        assert stored.token_hash != token and token not in stored.token_hash


def test_api_needs_a_valid_token(client, browser, make_user):
    make_user("teacher", Role.TEACHER)
    assert client.get("/api/classes").status_code == 401
    assert client.get("/api/classes", headers=bearer("qz_made-up")).status_code == 401
    response = client.get("/api/classes", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    # A logged-in teacher's session cookie is not a token.
    browser.login("teacher")
    assert browser.get("/api/classes").status_code == 401


def test_an_attempt_whose_time_ran_out_is_submitted_in_the_api_as_on_the_teachers_pages(
    app, client, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(klass["id"], time_limit_minutes=10)
    sam = new_browser()
    sam.login("sam")
    start_quiz(sam, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    sam.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    with app.app_context():  # the ten minutes pass while sam is away
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(minutes=1)
        deadline = attempt.deadline_at
        db.session.commit()
    token = create_token(browser)
    response = client.get(f"/api/assignments/{assignment_id}/results", headers=bearer(token))
    (row,) = response.get_json()["results"]
    assert row["status"] == "submitted"
    (shown,) = row["attempts"]
    assert row["best_percent"] == shown["percent"] > 0  # the saved answer was graded
    with app.app_context():
        stored = db.session.get(Attempt, attempt_id)
        assert stored.submitted_at == deadline and shown["score"] == stored.score > 0


def test_revoked_token_stops_working(client, browser, teaching):
    token = teaching["token"]
    assert client.get("/api/classes", headers=bearer(token)).status_code == 200
    browser.page("/teach/settings/api-tokens")
    token_id = re.search(r"/api-tokens/(\d+)/revoke", browser.last_html).group(1)
    html = browser.post(
        f"/teach/settings/api-tokens/{token_id}/revoke", {"confirmed": "yes"}
    ).get_data(as_text=True)
    assert "revoked" in html
    assert client.get("/api/classes", headers=bearer(token)).status_code == 401


def test_revoking_needs_the_form_token(browser, teaching):
    browser.page("/teach/settings/api-tokens")
    token_id = re.search(r"/api-tokens/(\d+)/revoke", browser.last_html).group(1)
    response = browser.client.post(f"/teach/settings/api-tokens/{token_id}/revoke")
    assert response.status_code == 400


def test_classes_assignments_and_results(client, teaching):
    headers = bearer(teaching["token"])
    klass = teaching["class"]
    classes = client.get("/api/classes", headers=headers).get_json()
    assert [(c["id"], c["name"], c["students"]) for c in classes] == [(klass["id"], "Year 10", 2)]
    detail = client.get(f"/api/classes/{klass['id']}", headers=headers).get_json()
    assert {s["username"] for s in detail["students"]} == {"sam", "kim"}
    assignments = client.get(f"/api/classes/{klass['id']}/assignments", headers=headers).get_json()
    assert [a["id"] for a in assignments] == [teaching["assignment_id"]]
    assert assignments[0]["set"]["slug"] == "who-said-what"
    results = client.get(
        f"/api/assignments/{teaching['assignment_id']}/results", headers=headers
    ).get_json()
    by_user = {r["student"]["username"]: r for r in results["results"]}
    assert by_user["sam"]["status"] == "submitted" and by_user["sam"]["best_percent"] == 75.0
    assert by_user["sam"]["attempts"][0]["score"] == 3
    assert by_user["kim"]["status"] == "not_started" and by_user["kim"]["attempts"] == []


def test_another_teachers_objects_are_not_found(client, new_browser, make_class, teaching):
    other = make_class(teacher="other", students=("lee",), name="Year 11")
    token = create_token(new_browser(), teacher="other")
    headers = bearer(token)
    assert client.get("/api/classes", headers=headers).get_json()[0]["id"] == other["id"]
    for path in (
        f"/api/classes/{teaching['class']['id']}",
        f"/api/classes/{teaching['class']['id']}/assignments",
        f"/api/assignments/{teaching['assignment_id']}/results",
        "/api/classes/99999999999",
        "/api/nothing-here",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.get_json() == {"error": "not found"}


def test_openapi_document_is_public_and_valid(client):
    from openapi_spec_validator import validate

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


@pytest.fixture
def api_schema(app, teaching):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.teaching = teaching
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_openapi_document(case, api_schema):
    """Schemathesis: generated requests never get a 5xx, and every response matches the schema."""
    case.call_and_validate(headers=bearer(api_schema.teaching["token"]))


def test_real_objects_match_the_openapi_document(api_schema):
    teaching = api_schema.teaching
    ids = {
        "class_id": teaching["class"]["id"],
        "assignment_id": teaching["assignment_id"],
    }
    for operation in api_schema.get_all_operations():
        operation = operation.ok()
        params = {p.name: ids[p.name] for p in operation.path_parameters}
        case = operation.Case(path_parameters=params)
        response = case.call_and_validate(headers=bearer(teaching["token"]))
        assert response.status_code == 200, operation.path
