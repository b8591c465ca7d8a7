"""The main flows in a real browser: headless Chromium driven by Playwright.

Set SCREENSHOTS_DIR to keep screenshots of the main pages at phone and desktop widths.
"""

import os
import re
import shutil
import threading
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from quizapp.extensions import db
from quizapp.models import Attempt, Role, User, utcnow
from quizapp.services import accounts
from tests.conftest import PASSWORD
from tests.test_database_busy import write_lock_held

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Chromium is not installed (CI installs it)",
    ),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def chromium():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shoot():
    folder = os.environ.get("SCREENSHOTS_DIR")

    def take(page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return take


def new_page(chromium, viewport=DESKTOP):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Logged in once the page after the log-in is shown: its account menu is only there then.
    playwright_api.expect(page.locator(".account-menu")).to_be_visible()


def is_autosave(response) -> bool:
    """The question page script's save of a change to the answer (static/js/quiz.js)."""
    return response.request.method == "POST" and response.url.endswith("/autosave")


def change_and_wait_saved(page, change) -> None:
    """Change the answer and wait until the page script has saved that change.

    Waiting for each change's own save, not just for "Answer saved." once at the end, keeps the
    text left by an earlier save from passing for the last one, and leaves no save on its way
    to the server when the student moves on.
    """
    with page.expect_response(is_autosave):
        change()


def answer_current_question(page) -> None:
    """Give some answer to an unanswered question the way a student would, click a choice or
    pick from the lists, and wait until the page script has saved it.

    Call it once the question page is known to be shown (e.g. by its "Question n of m")."""
    # The page is all there (the counts below do not wait) and its script is listening.
    page.wait_for_load_state()
    choices = page.locator("label.choice")
    sentences = page.locator("fieldset:not(.ground-step) label.sentence")
    if choices.count():
        change_and_wait_saved(page, choices.first.click)
    elif sentences.count():
        change_and_wait_saved(page, sentences.first.click)
    for select in page.locator(".match-row select").all():
        change_and_wait_saved(page, partial(select.select_option, index=1))
    playwright_api.expect(page.locator("[data-save-status]")).to_have_text("Answer saved.")


def test_teacher_and_student_main_flow(app, server, chromium, shoot, make_user):
    expect = playwright_api.expect
    admin_id = make_user("head", Role.ADMIN, "Mr Head")
    with app.app_context():
        _, secret = accounts.invite(db.session.get(User, admin_id), "Ms Rivera", 7, utcnow())
        db.session.commit()
    teacher = new_page(chromium)
    teacher.goto(server)
    shoot(teacher, "desktop-01-start")
    teacher.get_by_role("button", name="I am a teacher").click()
    invitation_only = teacher.get_by_role("heading", name="Teacher accounts are made by invitation")
    expect(invitation_only).to_be_visible()
    teacher.goto(f"{server}/signup?invite={secret}")  # the link from the administrator
    teacher.get_by_label("Your name").fill("Ms Rivera")
    teacher.get_by_label("Username").fill("rivera")
    teacher.get_by_label("New password", exact=True).fill("a long secret")
    teacher.get_by_label("Type the new password again").fill("a long secret")
    teacher.get_by_role("button", name="Create account").click()
    expect(teacher.get_by_role("heading", name="My classes")).to_be_visible()

    teacher.get_by_label("Class name").fill("Year 10 English")
    teacher.get_by_role("button", name="Create class").click()
    join_code = teacher.locator(".join-code.big")
    expect(join_code).to_have_text(re.compile(r"^\s*[A-Z0-9]{6}\s*$"))  # all of it is there
    code = join_code.inner_text().strip()
    teacher.get_by_role("button", name="Assign a question set").click()
    teacher.get_by_label("Question set").select_option(label="Who said what")
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_text("is assigned to Year 10 English")).to_be_visible()

    student = new_page(chromium, PHONE)
    student.goto(f"{server}/join")
    student.get_by_label("Class code").fill(code.lower())
    student.get_by_label("Your name").fill("Ana Diaz")
    student.get_by_label("Username").fill("ana")
    student.get_by_label("New password", exact=True).fill("my secret pw")
    student.get_by_label("Type the new password again").fill("my secret pw")
    student.get_by_role("button", name="Join the class").click()
    expect(student.get_by_text("You have joined Year 10 English")).to_be_visible()
    shoot(student, "phone-02-student-home")
    student.get_by_role("button", name="Start").click()

    count = student.locator(".quiz-count")
    expect(count).to_have_text(re.compile(r"Question 1 of \d+"))
    total = int(re.search(r"of (\d+)", count.inner_text()).group(1))
    # The question page's own script must be running before the answer it is to save is given.
    student.wait_for_load_state()
    answer_current_question(student)
    expect(student.get_by_text("Answer saved.")).to_be_visible()  # saved by the page script
    shoot(student, "phone-03-question")
    student.get_by_role("button", name="Save and next").click()
    expect(student.locator(".quiz-count")).to_have_text(f"Question 2 of {total}")
    answer_current_question(student)
    student.get_by_role("button", name="Save and next").click()
    expect(student.locator(".quiz-count")).to_have_text(f"Question 3 of {total}")
    student.context.close()  # the tab is closed midway

    student = new_page(chromium)
    log_in(student, server, "ana", "my secret pw")
    expect(student.get_by_text("In progress").first).to_be_visible()
    student.get_by_role("button", name="Resume").click()
    expect(student.locator(".quiz-count")).to_have_text(f"Question 3 of {total}")
    shoot(student, "desktop-03-question")
    for number in range(3, total):
        answer_current_question(student)
        student.get_by_role("button", name="Save and next").click()
        # Wait for the next page, or the next answer could be given on the old one.
        expect(student.locator(".quiz-count")).to_have_text(f"Question {number + 1} of {total}")
    # The last question is left unanswered: submitting asks for confirmation.
    student.get_by_role("button", name="Save and review").click()
    expect(student.get_by_text("You have 1 unanswered question")).to_be_visible()
    student.get_by_role("button", name="Submit quiz").click()
    expect(student.get_by_text("Tick the box to confirm")).to_be_visible()
    student.get_by_label("Yes, submit with unanswered questions").check()
    student.get_by_role("button", name="Submit quiz").click()
    expect(student.get_by_text("Your quiz is submitted.")).to_be_visible()
    score = student.locator(".big-score")
    expect(score).to_have_text(re.compile(r"\d+%"))  # not read while only half there
    percent = score.inner_text().strip()
    shoot(student, "desktop-04-result")

    student.get_by_role("link", name="Read it in the article").first.click()
    mark = student.locator("mark#evidence")
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    shoot(student, "desktop-05-article")

    teacher.goto(f"{server}/teach/")
    teacher.get_by_role("link", name="Year 10 English").click()
    teacher.get_by_role("link", name="Grades", exact=True).click()
    expect(teacher.locator("table.scores")).to_contain_text("Ana Diaz")
    expect(teacher.locator("table.scores")).to_contain_text(percent)
    shoot(teacher, "desktop-06-class")
    teacher.set_viewport_size(PHONE)
    shoot(teacher, "phone-06-class")


def test_an_answer_given_before_the_page_script_runs_is_saved_when_it_runs(
    app, server, chromium, make_class, make_assignment
):
    expect = playwright_api.expect
    klass = make_class(students=("sam",))
    make_assignment(klass["id"])
    student = new_page(chromium, PHONE)
    log_in(student, server, "sam", PASSWORD)
    held = []  # the question page's script, held back as on a slow connection
    student.route("**/js/quiz.js", lambda route: held.append(route))
    student.get_by_role("button", name="Start").click()
    expect(student.locator(".quiz-count")).to_contain_text("Question 1 of")
    student.locator("label.choice").first.click()
    expect(student.locator("[data-save-status]")).to_have_text("")
    assert len(held) == 1

    with student.expect_response(is_autosave):
        held[0].continue_()
    expect(student.locator("[data-save-status]")).to_have_text("Answer saved.")
    with app.app_context():
        attempt = db.session.scalar(
            sa.select(Attempt).where(Attempt.student_id == klass["students"]["sam"])
        )
        assert attempt.items[0].answer is not None


def test_an_autosave_refused_while_the_database_is_busy_is_retried_until_saved(
    app, server, chromium, make_class, make_assignment, monkeypatch
):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("only SQLite has one write lock for the whole database")
    expect = playwright_api.expect
    monkeypatch.setitem(app.config, "SQLITE_LOCK_WAIT_S", 0.2)
    klass = make_class(students=("sam",))
    make_assignment(klass["id"])
    student = new_page(chromium, PHONE)
    log_in(student, server, "sam", PASSWORD)
    student.get_by_role("button", name="Start").click()
    expect(student.locator(".quiz-count")).to_contain_text("Question 1 of")
    student.wait_for_load_state()
    status = student.locator("[data-save-status]")
    with write_lock_held(app):
        with student.expect_response(is_autosave) as refused:
            student.locator("label.choice").first.click()
        assert refused.value.status == 503
        expect(status).to_have_text("Not saved yet: the server is busy. Retrying…")
    expect(status).to_have_text("Answer saved.")
    with app.app_context():
        attempt = db.session.scalar(
            sa.select(Attempt).where(Attempt.student_id == klass["students"]["sam"])
        )
        assert attempt.items[0].answer is not None
