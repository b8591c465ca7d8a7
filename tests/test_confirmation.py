"""Destructive actions ask first. Without the page script, the request alone changes nothing and
a page asks; with it, the question comes in the page (tests/test_browser_pages.py)."""

import re
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken, Classroom, Enrollment


def test_removing_a_student_unconfirmed_asks_and_changes_nothing(app, browser, make_class):
    klass = make_class(students=("sam",))
    browser.login("teacher")
    url = f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}/remove"
    browser.page(f"/teach/classes/{klass['id']}/people")
    html = browser.post(url).get_data(as_text=True)
    assert "Remove Sam from Year 10? Their past results are kept" in html
    assert 'name="confirmed" value="yes"' in html and "Yes, remove" in html
    with app.app_context():
        assert db.session.scalar(sa.select(Enrollment.removed_at)) is None
    # The page's own button confirms.
    html = browser.post(url, {"confirmed": "yes"}).get_data(as_text=True)
    assert "Sam was removed from the class" in html
    with app.app_context():
        assert db.session.scalar(sa.select(Enrollment.removed_at)) is not None


def test_a_new_code_and_revoking_a_token_ask_first(app, browser, make_class):
    klass = make_class()
    browser.login("teacher")
    browser.page(f"/teach/classes/{klass['id']}")
    html = browser.post(f"/teach/classes/{klass['id']}/code").get_data(as_text=True)
    assert "Make a new class code? The old code will stop working." in html
    with app.app_context():
        assert db.session.get(Classroom, klass["id"]).join_code == klass["code"]

    browser.page("/teach/settings/api-tokens")
    browser.post("/teach/settings/api-tokens", {"name": "gradebook"})
    token_id = re.search(r"/api-tokens/(\d+)/revoke", browser.last_html).group(1)
    html = browser.post(f"/teach/settings/api-tokens/{token_id}/revoke").get_data(as_text=True)
    assert "Revoke the token “gradebook”?" in html
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.revoked_at)) is None


def test_every_button_that_removes_or_ends_something_looks_destructive():
    """Remove, refuse, disable, withdraw, revoke and delete are red in every template."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    buttons = re.compile(r"post_button\([^)]*?\), '([^']+)', '([^']*)'")
    destructive = re.compile(r"^(Remove|Refuse|Disable|Withdraw|Revoke|Delete)\b")
    plain = [
        f"{path.name}: {label}"
        for path in templates.rglob("*.html")
        for label, classes in buttons.findall(path.read_text(encoding="utf-8"))
        if destructive.match(label) and "danger" not in classes.split()
    ]
    assert plain == []
