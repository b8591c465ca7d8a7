"""Pasting an article: one limit, counted one way. The box's maxlength and the server count a
line break as one character, though the browser sends each as two ("\\r\\n"), so text the box
takes is never refused for its length, and text over the limit is refused with a message."""

import os
import re
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, Role
from quizapp.services.drafts import MAX_ARTICLE_CHARS
from tests.conftest import PASSWORD
from tests.test_browser import CHROMIUM, chromium, log_in, new_page, server
from tests.test_builder_app import ARTICLES, _new_draft

__all__ = ["chromium", "server"]  # the live server and browser fixtures of test_browser


def article_of_length(n: int) -> str:
    """A real article's paragraphs, repeated and cut to exactly n characters (line breaks "\\n")."""
    body = ARTICLES["nyt-2019-cuban-doctors-votes"].body
    text = "\n".join([body] * (n // len(body) + 1))[:n]
    assert len(text) == n and text.count("\n") > 1000
    return text


def articles_in(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Article.id)).where(Article.draft_id.is_not(None))
        )


def paste(browser, draft_id: int, text: str):
    browser.page(f"/teach/drafts/{draft_id}")
    # As a browser sends a textarea: each line break as "\r\n".
    return browser.post(
        f"/teach/drafts/{draft_id}/articles",
        {"title": "Long report", "outlet": "", "published": "", "text": text.replace("\n", "\r\n")},
    )


def test_the_box_and_the_server_share_one_limit(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    html = browser.page(f"/teach/drafts/{draft_id}")
    box = re.search(r"<textarea[^>]*name=\"text\"[^>]*>", html).group(0)
    assert f'maxlength="{MAX_ARTICLE_CHARS}"' in box
    response = paste(browser, draft_id, article_of_length(MAX_ARTICLE_CHARS))
    assert response.status_code == 200, unescape(response.get_data(as_text=True))[-3000:]
    assert "Added “Long report”." in unescape(response.get_data(as_text=True))
    assert articles_in(app) == 1


def test_text_over_the_limit_is_refused_with_a_message(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    response = paste(browser, draft_id, article_of_length(MAX_ARTICLE_CHARS + 1))
    assert response.status_code == 400
    assert f"The text is longer than {MAX_ARTICLE_CHARS:,} characters" in unescape(
        response.get_data(as_text=True)
    )
    assert articles_in(app) == 0


@pytest.mark.browser
@pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (CI installs it)",
)
def test_a_browser_paste_cut_at_the_limit_is_taken(app, server, chromium, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    page = new_page(chromium)
    log_in(page, server, "teacher", PASSWORD)
    page.goto(f"{server}/teach/drafts/{draft_id}")
    page.get_by_label("Headline").fill("Long report")
    box = page.get_by_label("Text of the article")
    box.focus()
    page.keyboard.insert_text(article_of_length(MAX_ARTICLE_CHARS + 500))  # as a paste is
    assert box.evaluate("(el) => el.value.length") == MAX_ARTICLE_CHARS
    page.get_by_role("button", name="Add the article").click()
    assert "Added “Long report”." in page.content()
    assert articles_in(app) == 1
    page.context.close()
