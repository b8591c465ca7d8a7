"""The question builder in a real browser, with a real worker process behind the progress bar:
a teacher pastes three articles, reviews and corrects what was found, publishes and assigns
the draft; a student takes it."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.builder.articles import read_article
from quizapp.extensions import db
from tests import test_browser
from tests.conftest import BANK, PASSWORD
from tests.test_browser import (
    DESKTOP,
    PHONE,
    answer_current_question,
    log_in,
    new_page,
    playwright_api,
)
from tests.test_browser_a11y import Checker

# The browser tests' fixtures, marker and Chromium check.
chromium = test_browser.chromium
shoot = test_browser.shoot
pytestmark = test_browser.pytestmark

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [
    (read_article(BANK / "articles" / f"{name}.md"), outlet)
    for name, outlet in (
        ("nyt-2019-cuban-doctors-votes", "Daily Courier"),
        ("unknown-2019-cuban-doctors-votes-rereport", "Evening Ledger"),
        ("insight-crime-undated-cuban-doctors-extortion", "InSight Crime"),
    )
]


@pytest.fixture(scope="module")
def queued_server(app, tmp_path_factory):
    """The app with a real queue: jobs wait in a SQLite file until a worker process runs them."""
    queue = str(tmp_path_factory.mktemp("queue") / "jobs.sqlite3")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    served = create_app(
        {
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database,
            "QUEUE_URL": queue,
            "QUEUE_IMMEDIATE": False,
        }
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "quizapp", "worker"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database, "QUEUE_URL": queue, "SECRET_KEY": "x"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    httpd = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    worker.terminate()
    worker.wait(timeout=20)
    with served.app_context():
        db.engine.dispose()


def test_teacher_builds_a_set_from_three_articles_and_a_student_takes_it(
    queued_server, chromium, shoot, make_class
):
    expect = playwright_api.expect
    server = queued_server
    check = Checker("desktop")  # axe on every builder page as the teacher reaches it
    make_class(students=("sam",))
    teacher = new_page(chromium)
    teacher.set_default_timeout(30_000)
    log_in(teacher, server, "teacher", PASSWORD)
    teacher.goto(f"{server}/teach/sets")
    teacher.get_by_role("button", name="Build a set from articles").click()
    teacher.get_by_label("Title of the question set").fill("Doctors and votes")
    check.axe(teacher, "builder: drafts")
    teacher.get_by_role("button", name="Start").click()
    for article, outlet in ARTICLES:
        teacher.get_by_label("Headline").fill(article.title)
        teacher.get_by_label("Outlet").fill(outlet)
        teacher.get_by_label("Date published").fill("2019-03-17")
        teacher.get_by_label("Text of the article").fill(article.body)
        teacher.get_by_role("button", name="Add the article").click()
        expect(teacher.get_by_text(f"Added “{article.title}”.")).to_be_visible()
    expect(teacher.get_by_role("heading", name="Articles (3)")).to_be_visible()
    shoot(teacher, "desktop-10-builder-articles")
    check.axe(teacher, "builder: articles")

    # The worker process reads the articles; the page follows its progress, then moves on.
    # The page script's questions about the progress are held until the progress page has
    # been checked: an answer that the job is done would move the page on during the check.
    held = []
    teacher.route("**/progress", lambda route: held.append(route))
    teacher.get_by_role("button", name="Find quotes, figures and claims").click()
    progress = teacher.locator("#job-progress")
    results_link = teacher.get_by_role("link", name="Review what was found")
    expect(progress.or_(results_link)).to_be_visible()  # the new page, whichever it is
    if progress.is_visible():
        shoot(teacher, "desktop-10-builder-progress")
        check.axe(teacher, "builder: progress")
        teacher.unroute("**/progress")
        for route in held:
            route.continue_()
        teacher.wait_for_url("**/review")  # the page script follows the job to its end
    else:  # the worker was done before the page came back
        teacher.unroute("**/progress")
        results_link.click()
    expect(teacher.get_by_role("heading", name=re.compile(r"^Shared claims"))).to_be_visible()
    tags = teacher.locator(".found-article .speaker-tag")
    assert tags.count() > 10
    expect(teacher.locator(".found-article .hl-figure").first).to_be_visible()
    tag = teacher.locator(".claim-tag").first
    target = tag.get_attribute("href")
    tag.click()
    expect(teacher.locator(target)).to_be_in_viewport()
    shoot(teacher, "desktop-11-builder-review")
    check.axe(teacher, "builder: what was found")
    teacher.set_viewport_size(PHONE)
    shoot(teacher, "phone-11-builder-review")
    teacher.set_viewport_size(DESKTOP)

    # The teacher corrects one speaker, and the highlighted article says so.
    teacher.get_by_label("Speaker of quote 1", exact=True).fill("A clinic spokesman")
    teacher.get_by_role("button", name="Save the speakers").click()
    expect(teacher.get_by_text("Saved: 1 quote corrected.")).to_be_visible()
    expect(teacher.locator(".found-article .speaker-tag").first).to_have_text("A clinic spokesman")

    teacher.get_by_role("button", name="Draft the questions").first.click()
    expect(teacher.get_by_text(re.compile(r"Drafted \d+ questions"))).to_be_visible()
    shoot(teacher, "desktop-12-builder-questions")
    check.axe(teacher, "builder: draft questions")
    teacher.get_by_role("button", name="Edit").first.click()
    expect(teacher.get_by_role("heading", name="Edit the question")).to_be_visible()
    check.axe(teacher, "builder: edit a question")  # waits for the page's load
    prompt = teacher.get_by_label("Question", exact=True)
    prompt.fill("Edited by the teacher: " + prompt.input_value())
    teacher.get_by_role("button", name="Save the question").click()
    expect(teacher.get_by_text("Question saved.")).to_be_visible()
    expect(teacher.locator(".prompt").first).to_contain_text("Edited by the teacher: ")

    teacher.get_by_role("button", name="Publish the set").click()
    expect(teacher.get_by_text("Published.")).to_be_visible()
    teacher.get_by_role("button", name="Assign to Year 10").click()
    # "Assign" would also name the "Assign to Year 10" button of the page being left.
    expect(teacher.get_by_role("heading", name="Assign a question set to Year 10")).to_be_visible()
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_text("is assigned to Year 10")).to_be_visible()

    student = new_page(chromium, PHONE)
    log_in(student, server, "sam", PASSWORD)
    student.get_by_role("button", name="Start").click()
    count = student.locator(".quiz-count")
    expect(count).to_have_text(re.compile(r"Question 1 of \d+"))
    total = int(re.search(r"of (\d+)", count.inner_text()).group(1))
    expect(student.locator(".prompt").first).to_contain_text("Edited by the teacher: ")
    shoot(student, "phone-13-builder-quiz")
    for number in range(1, total):
        answer_current_question(student)
        student.get_by_role("button", name="Save and next").click()
        expect(student.locator(".quiz-count")).to_have_text(f"Question {number + 1} of {total}")
    answer_current_question(student)
    student.get_by_role("button", name="Save and review").click()
    student.get_by_role("button", name="Submit quiz").click()
    expect(student.get_by_text("Your quiz is submitted.")).to_be_visible()
    why = student.locator("details.result-why").first
    if why.get_attribute("open") is None:
        why.locator("summary").click()
    why.get_by_role("link", name="Read the sentences in the article").click()
    expect(student.locator("mark#evidence")).to_be_visible()
    check.assert_clean()
