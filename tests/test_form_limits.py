"""A request may carry at most MAX_FORM_PARTS form fields: one with 100,000 is refused before it
is read, with a page that says why; the largest form a page really sends still goes through."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, Draft, DraftStatus, Role, User
from tests.conftest import PASSWORD, csrf_from

HUGE = 100_000


def huge_body(fields: dict, multipart: bool) -> tuple[bytes, str]:
    """The body and its content type, built here: the test client would spool a large body to
    a file it never closes."""
    if not multipart:
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        return body, "application/x-www-form-urlencoded"
    boundary = "form-limits-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    return (
        ("".join(parts) + f"--{boundary}--\r\n").encode(),
        f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize("multipart", [False, True], ids=["url-encoded", "multipart"])
def test_a_form_of_100000_fields_is_refused_and_nothing_is_done(app, browser, make_user, multipart):
    make_user("sam")
    browser.get("/login")
    fields = {"csrf_token": csrf_from(browser.last_html), "username": "sam"}
    fields |= {"password": PASSWORD} | {f"f{n}": "x" for n in range(HUGE)}
    body, content_type = huge_body(fields, multipart)
    response = browser.client.post("/login", data=body, content_type=content_type)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "That is too large" in html and "nothing was saved" in html
    if not multipart:
        assert "That form had more than 20,000 fields" in html
    assert "/logout" not in browser.page("/")  # not logged in


@pytest.fixture
def draft_of_5000_quotes(app, make_user):
    """A teacher's draft whose one article holds 5,000 quotes: a correction table of 10,000
    fields, more than 30 articles of 100,000 characters give."""
    make_user("teacher", Role.TEACHER)
    body = " ".join(f"“Word number {n} said here.”" for n in range(5000))
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "teacher"))
        draft = Draft(owner_id=owner.id, title="Many quotes", slug="many-quotes-1a2b3c")
        article = Article(slug="many-quotes-1a2b3c-0001", title="Long", body=body)
        article.owner_id = owner.id
        draft.articles.append(article)
        quotes, start = [], 0
        for n in range(5000):
            text = f"Word number {n} said here."
            start = body.index(text, start)
            quotes.append(
                {"article": article.slug, "speaker": None, "text": text, "start": start}
                | {"end": start + len(text)}
            )
        draft.extraction = {"quotes": quotes, "figures": [], "claims": [], "conflicts": []}
        draft.status = DraftStatus.READY
        db.session.add(draft)
        db.session.commit()
        return draft.id


def test_the_largest_correction_table_is_still_saved(app, browser, draft_of_5000_quotes):
    draft_id = draft_of_5000_quotes
    browser.login("teacher")
    html = browser.page(f"/teach/drafts/{draft_id}/review")
    assert html.count('name="rows-') == 10_000
    rows = {f"rows-{n}-speaker": "" for n in range(5000)} | {
        f"rows-{n}-keep": "y" for n in range(5000)
    }
    rows["rows-4999-speaker"] = "The last speaker"
    response = browser.post(f"/teach/drafts/{draft_id}/review/quotes", rows)
    assert response.status_code == 200
    assert "Saved: 1 quote corrected." in response.get_data(as_text=True)
    with app.app_context():
        quotes = db.session.get(Draft, draft_id).extraction["quotes"]
        assert quotes[4999]["speaker"] == "The last speaker"
