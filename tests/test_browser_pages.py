"""Every main page at 375 px (and 1,280 px): nothing scrolls sideways, axe finds nothing serious.

A class with students, assignments and results is made directly in the database, then a teacher,
a student and the administrator open each of their pages in a real browser. Each page must fit
the phone's width (`scrollWidth <= innerWidth`; a wide table scrolls in its own box) and pass
axe-core (tests/vendor/axe-core) with no serious or critical violation. Set SCREENSHOTS_DIR to
keep a screenshot of each page.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    ApiToken,
    Assignment,
    Attempt,
    Draft,
    Enrollment,
    QuestionSet,
    Role,
    User,
    utcnow,
)
from quizapp.services import attempts as quiz
from quizapp.services.classrooms import create_classroom, enrol
from tests.conftest import PASSWORD, add_user
from tests.quiz_helpers import token_key
from tests.test_browser import CHROMIUM, DESKTOP, chromium, log_in, server
from tests.test_browser_a11y import AXE, RUN_AXE, SMALL_PHONE

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Chromium is not installed (CI installs it)",
    ),
]
__all__ = ["chromium", "server"]  # the live server and browser fixtures of test_browser

WIDE = """() => ({
  scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  widest: [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                  && !el.closest(".table-wrap, .scroll-x"))
    .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")),
})"""


GRID = """() => {
  const box = document.querySelector(".grid-scroll");
  const name = box.querySelector("tbody th");
  return {scrolls: box.scrollWidth > box.clientWidth, sticky: getComputedStyle(name).position};
}"""


def _class_with_results(app) -> dict:
    """A teacher's class of four: results on one set, one attempt in progress, an API token and
    a draft waiting for review."""
    now = utcnow()
    with app.app_context():
        teacher = add_user("okafor", Role.TEACHER, "Ms Okafor")
        add_user("head", Role.ADMIN, "Mr Head")
        classroom = create_classroom(teacher, "Year 9 media, group B")
        students = [
            add_user(username, Role.STUDENT, name)
            for username, name in (
                ("lea", "Lea Novak"),
                ("tomas", "Tomás Fernández-Oyelaran"),
                ("ana", "Ana Lima"),
                ("ben", "Ben Ito"),
            )
        ]
        for student in students:
            enrol(student, classroom)
        sets = {
            s.slug: s for s in db.session.scalars(sa.select(QuestionSet).where(QuestionSet.active))
        }
        assignments = []
        for number, slug in enumerate(("who-said-what", "check-in", "figures-that-conflict")):
            assignment = Assignment(
                classroom_id=classroom.id,
                set_id=sets[slug].id,
                opens_at=now - timedelta(days=2),
                due_at=now + timedelta(days=number + 1),
                attempts_allowed=2,
                time_limit_minutes=30 if number == 1 else None,
            )
            db.session.add(assignment)
            assignments.append(assignment)
        db.session.flush()
        first = assignments[0]
        for student in (students[0], students[1], students[3]):
            attempt = quiz.start_attempt(first, student, now - timedelta(hours=1))
            quiz.save_answer(attempt, 1, {"choice": "a"}, token_key(), now - timedelta(minutes=50))
            quiz.submit_attempt(attempt, now - timedelta(minutes=40))
        running = quiz.start_attempt(first, students[2], now - timedelta(minutes=5))
        token, _ = ApiToken.issue(teacher, "School gradebook")
        db.session.add(token)
        db.session.add(
            Draft(owner_id=teacher.id, title="One story", slug="draft-pages", status="ready")
        )
        db.session.commit()
        done = db.session.scalar(
            sa.select(Attempt.id).where(
                Attempt.student_id == students[0].id, Attempt.submitted_at.is_not(None)
            )
        )
        return {
            "class": classroom.id,
            "assignment": first.id,
            "student": students[0].id,
            "attempt": done,
            "running": running.id,
            "set": "who-said-what",
        }


def _teacher_pages(ids: dict) -> list[tuple[str, str]]:
    c, a, s = ids["class"], ids["assignment"], ids["student"]
    return [
        ("dashboard", "/teach/"),
        ("class", f"/teach/classes/{c}"),
        ("class grades", f"/teach/classes/{c}/grades"),
        ("class people", f"/teach/classes/{c}/people"),
        ("assign", f"/teach/classes/{c}/assign"),
        ("assignment report", f"/teach/assignments/{a}"),
        ("student in class", f"/teach/classes/{c}/students/{s}"),
        ("accommodations", f"/teach/assignments/{a}/students/{s}"),
        ("attempt as seen", f"/teach/attempts/{ids['attempt']}"),
        ("skills", f"/teach/classes/{c}/skills"),
        ("question sets", "/teach/sets"),
        ("set preview", f"/teach/sets/{ids['set']}"),
        ("worksheet", f"/teach/sets/{ids['set']}/worksheet"),
        ("answer key", f"/teach/sets/{ids['set']}/key"),
        ("import", "/teach/sets/import"),
        ("drafts", "/teach/drafts"),
        ("API tokens", "/teach/settings/api-tokens"),
        ("articles", "/articles/"),
        ("change password", "/account/password"),
    ]


def _student_pages(ids: dict) -> list[tuple[str, str]]:
    return [
        ("student home", "/home"),
        ("history", "/history"),
        ("result", f"/attempts/{ids['attempt']}"),
        ("articles (student)", "/articles/"),
    ]


ADMIN_PAGES = [
    ("admin teachers", "/admin/"),
    ("admin students", "/admin/students"),
    ("admin LMS", "/admin/lti"),
]


def _check(page, name: str, path: str, base: str, problems: list[str]) -> None:
    """Open the page; add what is wrong with it to problems."""
    response = page.goto(base + path)
    if response is None or response.status != 200:
        problems.append(f"{name} ({path}): HTTP {response.status if response else '?'}")
        return
    page.wait_for_load_state()
    if folder := os.environ.get("SCREENSHOTS_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        width = page.viewport_size["width"]
        page.screenshot(
            path=str(Path(folder) / f"{slug}-{width}.png"), full_page=True, timeout=60_000
        )
    width = page.evaluate(WIDE)
    if width["scroll"] > width["inner"]:
        problems.append(
            f"{name} ({path}) scrolls sideways: {width['scroll']} px wide in {width['inner']} px"
            f"; too wide: {', '.join(width['widest'])}"
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the Content-Security-Policy stays as it is.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    for v in page.evaluate(RUN_AXE):
        targets = "; ".join(n["target"] for n in v["nodes"])
        problems.append(f"{name} ({path}): {v['impact']} {v['id']}: {v['help']} at {targets}")


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_main_page_fits_the_screen_and_passes_axe(app, server, chromium, viewport):
    ids = _class_with_results(app)
    problems: list[str] = []
    visited = 0
    for username, pages in (
        ("okafor", _teacher_pages(ids)),
        ("lea", _student_pages(ids)),
        ("head", ADMIN_PAGES),
    ):
        context = chromium.new_context(viewport=viewport, reduced_motion="reduce")
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, server, username, PASSWORD)
        for name, path in pages:
            _check(page, name, path, server, problems)
            visited += 1
            if name == "class grades" and viewport is SMALL_PHONE:
                # The grid is wider than a phone: it scrolls in its own box, the names in view.
                grid = page.evaluate(GRID)
                assert grid["scrolls"] and grid["sticky"] == "sticky", grid
        context.close()
    # A student's question page and review, on an attempt of their own in progress.
    with app.app_context():
        ana = db.session.scalar(sa.select(User).where(User.username == "ana"))
        ana.must_change_password = False
        db.session.commit()
    context = chromium.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    log_in(page, server, "ana", PASSWORD)
    for name, path in (
        ("question", f"/attempts/{ids['running']}/q/1"),
        ("review", f"/attempts/{ids['running']}/review"),
    ):
        _check(page, name, path, server, problems)
        visited += 1
    context.close()
    assert visited == len(_teacher_pages(ids)) + len(_student_pages(ids)) + len(ADMIN_PAGES) + 2
    assert not problems, "\n".join(problems)


def test_remove_asks_in_the_page_and_cancel_changes_nothing(app, server, chromium):
    ids = _class_with_results(app)
    context = chromium.new_context(viewport=SMALL_PHONE, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, server, "okafor", PASSWORD)
    page.goto(f"{server}/teach/classes/{ids['class']}/people")
    row = page.locator("tr", has_text="Ben Ito")
    row.get_by_role("button", name="Remove").click()
    step = row.locator(".confirm-step")
    expect(step).to_contain_text("Remove Ben Ito from the class? Their past results are kept.")
    expect(step.get_by_role("button", name="Cancel")).to_be_focused()  # Enter twice is safe
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    assert page.evaluate(RUN_AXE) == []
    step.get_by_role("button", name="Cancel").click()
    expect(step).to_have_count(0)
    expect(row.get_by_role("button", name="Remove")).to_be_focused()
    row.get_by_role("button", name="Remove").click()
    row.get_by_role("button", name="Yes, remove").click()
    expect(page.get_by_text("Ben Ito was removed from the class.")).to_be_visible()
    with app.app_context():
        removed = db.session.scalar(
            sa.select(Enrollment.removed_at)
            .join(User, User.id == Enrollment.student_id)
            .where(User.username == "ben")
        )
        assert removed is not None
    context.close()
