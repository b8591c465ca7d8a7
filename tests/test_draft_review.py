"""The review of what the builder found shows one article at a time, so its page grows with that
article and not with the draft; it links to the other articles' sentences and its correction
tables still save every row."""

import re
from html import unescape

import pytest

from quizapp.models import Role
from tests.test_builder_app import ARTICLES, _article_slug, _draft, _found, _new_draft, _paste_three


@pytest.fixture
def found(app, browser, make_user):
    """A draft of three articles, extracted; returns its id and the articles' slugs."""
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    _paste_three(browser, draft_id)
    _found(browser, draft_id)
    return draft_id, [_article_slug(app, draft_id, i) for i in range(3)]


def first_line(article) -> str:
    return article.body.split("\n\n")[0][:60]


def correction_form(html: str, part: str) -> str:
    pattern = rf'<form method="post" action="[^"]*/review/{part}[^"]*".*?</form>'
    return re.search(pattern, html, re.S).group(0)


def form_fields(form: str) -> dict:
    """What the browser sends back from a form as it stands."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = unescape(re.search(r'value="([^"]*)"', tag).group(1))
        if 'type="checkbox"' not in tag or " checked" in tag:
            fields[name] = value
    fields.pop("csrf_token")
    return fields


def test_the_review_shows_one_article_at_a_time_with_links_to_the_others(browser, found):
    draft_id, slugs = found
    texts = [first_line(a) for a in ARTICLES.values()]
    html = unescape(browser.page(f"/teach/drafts/{draft_id}/review"))
    assert texts[0] in html
    assert re.findall(r'<article class="found-article" id="article-([^"]+)"', html) == slugs[:1]
    for slug in slugs:
        assert f'href="/teach/drafts/{draft_id}/review?article={slug}"' in html
    assert "Article 1 of 3" in html

    html = unescape(browser.page(f"/teach/drafts/{draft_id}/review?article={slugs[1]}"))
    assert texts[1] in html
    assert re.findall(r'<article class="found-article" id="article-([^"]+)"', html) == slugs[1:2]
    # A claim this article shares links to its sentence in the other article's page.
    n, other = re.search(
        rf'href="/teach/drafts/{draft_id}/review\?article=([a-z0-9-]+)#claim-(\d+)-\1"', html
    ).group(2, 1)
    assert f'id="claim-{n}"' in html and f'id="claim-{n}-{slugs[1]}"' in html
    target = browser.page(f"/teach/drafts/{draft_id}/review?article={other}")
    assert f'id="claim-{n}-{other}"' in target

    assert browser.get(f"/teach/drafts/{draft_id}/review?article=nope").status_code == 404


def test_a_correction_on_one_articles_page_keeps_every_other_row(app, browser, found):
    draft_id, slugs = found
    before = _draft(app, draft_id).extraction["quotes"]
    html = browser.page(f"/teach/drafts/{draft_id}/review?article={slugs[1]}")
    form = correction_form(html, "quotes")
    fields = form_fields(form)
    mine = [i for i, q in enumerate(before) if q["article"] == slugs[1]]
    assert len(fields) == 2 * len(before) + 1  # every row goes (the other articles' hidden)
    assert fields["submit"] == "Save the speakers"
    assert form.count('type="text" id="rows-') == len(mine)  # only this article's to edit
    fields[f"rows-{mine[0]}-speaker"] = "A spokesman for the clinic"
    del fields[f"rows-{mine[1]}-keep"]  # not a quote after all
    response = browser.post(
        f"/teach/drafts/{draft_id}/review/quotes?article={slugs[1]}", fields, follow=False
    )
    assert response.headers["Location"].endswith(f"/review?article={slugs[1]}#quotes")
    assert "Saved: 2 quotes corrected." in browser.page(response.headers["Location"])
    after = _draft(app, draft_id).extraction["quotes"]
    expected = [dict(q) for i, q in enumerate(before) if i != mine[1]]
    expected[mine[0]]["speaker"] = "A spokesman for the clinic"
    assert after == expected


def test_figures_that_differ_are_kept_and_listed_100_an_article(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser, "Doctors who left")
    for offset in (0, 1):  # each figure differs from many of the other article's
        text = "\n\n".join(
            f"Officials said {3 * n + offset} doctors left the hospital in district {n} last year."
            for n in range(60)
        )
        browser.page(f"/teach/drafts/{draft_id}")
        browser.post(
            f"/teach/drafts/{draft_id}/articles",
            {"title": f"Report {offset}", "outlet": "", "text": text},
        )
    html = _found(browser, draft_id)
    conflicts = _draft(app, draft_id).extraction["conflicts"]
    assert len(conflicts) == 100  # of thousands of pairs
    listed = html.split("Its figures that differ from other articles")[1].split("</ul>")[0]
    assert listed.count("<li>") == 100
    assert "Only the first 100 are listed." in html
