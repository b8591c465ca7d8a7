"""The whole LTI flow in headless Chromium: an instructor places a quiz in the LMS course by
deep linking, a learner opens it from the course, takes it and submits, and the LMS's
gradebook receives the score. The LMS is lti1p3platform, served on loopback."""

import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, LtiUser
from tests.lti_platform import Platform, Served, make_app
from tests.test_browser import answer_current_question, chromium, new_page
from tests.test_browser import pytestmark as browser_marks
from tests.test_lti import LEARNER_ANA, TEACHER

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
pytestmark = browser_marks
__all__ = ["chromium"]  # a fixture, used by its name


@pytest.fixture(scope="module")
def tool(app):
    served = Served(app)
    yield served.url
    served.stop()


@pytest.fixture
def lms(app, tool):
    state = Platform(tool=tool)
    served = Served(make_app(state))
    state.base = served.url
    result = app.test_cli_runner().invoke(args=state.cli_args())
    assert result.exit_code == 0, result.output
    yield state
    served.stop()


def test_a_quiz_placed_by_deep_linking_is_taken_from_the_lms_and_graded_there(
    app, tool, lms, chromium
):
    teacher = new_page(chromium)
    teacher.goto(lms.start_launch(TEACHER, kind="deeplink"))
    expect(teacher.get_by_role("heading", name="Add a quiz to Media literacy 101")).to_be_visible()
    teacher.get_by_label("Question set").select_option(label="Who said what")
    teacher.get_by_role("button", name="Add to the course").click()
    # Our page posts the signed link back to the LMS by itself (a script of our own).
    expect(teacher.locator("#added")).to_have_text("Who said what")
    (link_id,) = lms.resource_links

    student = new_page(chromium)
    student.goto(lms.start_launch(LEARNER_ANA, link=link_id))
    expect(student.get_by_role("heading", name="Who said what")).to_be_visible()
    student.get_by_role("button", name="Start").click()
    count = student.locator(".quiz-count")
    expect(count).to_have_text(re.compile(r"Question 1 of \d+"))
    total = int(re.search(r"of (\d+)", count.inner_text()).group(1))
    for number in range(1, total + 1):
        answer_current_question(student)
        if number < total:
            student.get_by_role("button", name="Save and next").click()
            expect(count).to_have_text(f"Question {number + 1} of {total}")
    student.get_by_role("button", name="Save and review").click()
    student.get_by_role("button", name="Submit quiz").click()
    expect(student.get_by_text("Your quiz is submitted.")).to_be_visible()

    with app.app_context():
        attempt = db.session.scalar(
            sa.select(Attempt)
            .join(LtiUser, LtiUser.user_id == Attempt.student_id)
            .where(LtiUser.subject == LEARNER_ANA.sub)
        )
        expected = (attempt.score, attempt.max_score)
        db.session.remove()
    (score,) = lms.scores
    assert (score["scoreGiven"], score["scoreMaximum"]) == expected
    assert score["userId"] == LEARNER_ANA.sub
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
