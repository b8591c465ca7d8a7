"""Password slips: the roster form posts, then redirects to a slips page that shows the one-time
passwords once; a reload makes no account and shows no password; new slips are made on purpose.
Usernames that got a number say why; a student's first log-in asks for the one-time password
once."""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Enrollment, User
from tests.conftest import PASSWORD
from tests.test_browser import CHROMIUM, chromium, log_in, server
from tests.test_browser_a11y import SMALL_PHONE, Checker, new_page

__all__ = ["chromium", "server"]  # the live server and browser fixtures of test_browser

SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"
SLIP = re.compile(
    r"<dt>Username</dt><dd><code>([^<]+)</code></dd>\s*"
    r"<dt>One-time password</dt><dd><code>([^<]+)</code>"
)


def enrolled(app, classroom_id: int) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                sa.select(User.username)
                .join(Enrollment, Enrollment.student_id == User.id)
                .where(Enrollment.classroom_id == classroom_id)
            )
        )


def add_roster(browser, classroom_id: int, names: str):
    browser.get(f"/teach/classes/{classroom_id}")
    return browser.post(f"/teach/classes/{classroom_id}/roster", {"names": names}, follow=False)


def test_the_roster_redirects_to_slips_shown_once(app, browser, make_class):
    klass = make_class(students=())
    browser.login("teacher")
    response = add_roster(browser, klass["id"], "Reload Tester\nLi Wei")
    assert response.status_code == 303
    slips_url = response.headers["Location"]
    assert slips_url.endswith(f"/teach/classes/{klass['id']}/slips")
    html = browser.page(slips_url)
    slips = SLIP.findall(html)
    assert [u for u, _ in slips] == ["reload.tester", "li.wei"]
    assert not any(password in slips_url for _, password in slips)
    assert "shown only once" in html
    # The reload: a GET of the slips page, which makes nothing and shows no password.
    again = browser.page(slips_url)
    assert SLIP.findall(again) == [] and "One-time password" not in again
    assert "shown already" in again
    assert enrolled(app, klass["id"]) == ["li.wei", "reload.tester"]


def test_slips_are_the_teachers_own(app, browser, new_browser, make_class):
    klass = make_class(students=())
    browser.login("teacher")
    slips_url = add_roster(browser, klass["id"], "Li Wei").headers["Location"]
    make_class(teacher="other", students=(), name="Other class")
    other = new_browser()
    other.login("other")
    assert other.get(slips_url).status_code == 404
    assert SLIP.findall(browser.page(slips_url))  # still there for the teacher who made them


def test_new_slips_replace_only_unused_one_time_passwords(app, browser, new_browser, make_class):
    klass = make_class(students=("sam",))  # sam chose his own password
    browser.login("teacher")
    slips_url = add_roster(browser, klass["id"], "Li Wei\nAna Ruiz").headers["Location"]
    (_, old_password), _ = SLIP.findall(browser.page(slips_url))
    html = browser.page(slips_url)
    assert "2 students have not chosen their own password yet" in html
    assert "the password on their old slip stops working" in html
    assert 'data-confirm="Give 2 students a new one-time password?' in html
    response = browser.post(f"/teach/classes/{klass['id']}/slips/new", follow=False)
    assert response.status_code == 303
    html = browser.page(response.headers["Location"])
    new = dict(SLIP.findall(html))
    assert sorted(new) == ["ana.ruiz", "li.wei"] and "New one-time passwords" in html
    assert new["li.wei"] != old_password
    student = new_browser()
    assert "do not match" in student.login("li.wei", old_password).get_data(as_text=True)
    assert "Choose your own password" in student.login("li.wei", new["li.wei"]).get_data(
        as_text=True
    )
    assert enrolled(app, klass["id"]) == ["ana.ruiz", "li.wei", "sam"]


def test_usernames_that_got_a_number_say_why(app, browser, make_class):
    klass = make_class(students=("li.wei",))
    browser.login("teacher")
    response = add_roster(browser, klass["id"], "Zoë O'Brien\nLi Wei\nZoe OBrien")
    html = browser.page(response.headers["Location"])
    assert [u for u, _ in SLIP.findall(html)] == ["zoe.obrien", "li.wei2", "zoe.obrien2"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "2 usernames got a number" in text
    assert "Li Wei: li.wei2, because another account already has the username li.wei." in text
    assert (
        "Zoe OBrien: zoe.obrien2, because a name above it in the list also makes the username "
        "zoe.obrien." in text
    )


def test_first_log_in_asks_for_the_one_time_password_once(app, browser, new_browser, make_class):
    klass = make_class(students=())
    browser.login("teacher")
    slips_url = add_roster(browser, klass["id"], "Li Wei").headers["Location"]
    [(username, password)] = SLIP.findall(browser.page(slips_url))
    student = new_browser()
    html = student.login(username, password).get_data(as_text=True)
    assert "Choose your own password" in html and "Current password" not in html
    html = student.post("/account/password", {"password": password, "confirm": password}).get_data(
        as_text=True
    )
    assert "different from the one-time one" in html
    html = student.post(
        "/account/password", {"password": "my own pass", "confirm": "my own pass"}
    ).get_data(as_text=True)
    assert "Your password has been changed" in html
    # Later changes ask for the current password again.
    assert "Current password" in student.page("/account/password")


@pytest.mark.browser
@pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (CI installs it)",
)
def test_in_a_browser_the_form_says_it_is_working_and_a_reload_makes_nothing(
    app, server, chromium, make_class
):
    klass = make_class(students=())
    page = new_page(chromium, SMALL_PHONE)
    check = Checker("phone")
    log_in(page, server, "teacher", PASSWORD)
    page.goto(f"{server}/teach/classes/{klass['id']}/people")
    page.get_by_label("Student names").fill("Reload Tester\nLi Wei")
    button = page.get_by_role("button", name="Create accounts")
    # Stop this first submission after the page's own script has seen it, to look at the button
    # as it is while the accounts are being made.
    page.evaluate("window.addEventListener('submit', (e) => e.preventDefault(), {once: true})")
    button.click()
    busy = page.locator("form[data-busy] [type=submit]")
    assert busy.get_attribute("aria-busy") == "true"
    assert (busy.get_attribute("value") or busy.inner_text()) == "Creating accounts…"
    page.reload()
    page.get_by_label("Student names").fill("Reload Tester\nLi Wei")
    page.get_by_role("button", name="Create accounts").click()
    page.wait_for_url("**/slips")
    assert page.locator(".slip").count() == 2
    check.axe(page, "password slips")
    assert page.evaluate(SIDEWAYS) <= 0
    page.reload()
    assert page.locator(".slip").count() == 0
    assert "shown already" in page.content()
    check.axe(page, "password slips, reloaded")
    assert page.evaluate(SIDEWAYS) <= 0
    assert check.axe_problems == []
    assert enrolled(app, klass["id"]) == ["li.wei", "reload.tester"]
    page.context.close()
