"""Reporting lines: an uncredited rewrite, an agency story and a shared speech, in fictional
articles (every place, person and outlet below is invented) written in common news styles."""

import re
from html import unescape

from quizapp.builder import draft_set, extract_articles
from quizapp.builder.articles import parse_article
from quizapp.builder.claims import find_claims
from quizapp.builder.lines import reporting_lines
from quizapp.extensions import db
from quizapp.models import Draft, Role
from tests.test_builder_app import _found, _new_draft


def article(file: str, outlet: str, published: str, body: str):
    head = f'---\ntitle: "{file}"\noutlet: "{outlet}"\npublished: "{published}"\n---\n'
    return parse_article(file, head + body.strip() + "\n")


ORIGINAL = article(
    "ledger.md",
    "Harrowgate Ledger",
    "2031-05-02",
    """
Workers at the Fennick Mills bottling plant walked off the job on Tuesday morning after talks
over a new contract broke down late on Monday night, leaving the plant's three production lines
idle for the first time since it opened in 1988.

The plant employs about 400 people, most of them members of the Bottling Trades Union, which
says wages have not kept pace with rents in the valley over the past five years.

Union steward Mara Quill said the strike would last “as long as it takes to get a fair deal for
every family on this shift.”

Management at the plant did not respond to several requests for comment on Tuesday.
""",
)
# A website's rewrite: the Ledger's paragraphs word for word, one of its own, and no credit.
REWRITE = article(
    "valley-now.md",
    "Valley Now",
    "2031-05-03",
    """
Workers at the Fennick Mills bottling plant walked off the job on Tuesday morning after talks
over a new contract broke down late on Monday night, leaving the plant's three production lines
idle for the first time since it opened in 1988.

The plant employs about 400 people, most of them members of the Bottling Trades Union, which
says wages have not kept pace with rents in the valley over the past five years.

Readers can share their views on the strike in the comments below.
""",
)
# Its own reporting: a reporter at the picket line, other words for the same facts.
OWN = article(
    "courier.md",
    "Eastmoor Courier",
    "2031-05-02",
    """
Pickets gathered outside the gates of Fennick Mills on Tuesday as about 400 bottling workers
walked off the job when contract talks collapsed.

“We have waited five years for wages that match the rents here,” machine operator Tobin Ash told
the Courier at the picket line, where workers carried hand-painted signs.

The strike has shut all three production lines at the plant, which opened in 1988.
""",
)


def test_an_uncredited_rewrite_joins_the_line_of_the_article_it_copies():
    sources = reporting_lines([ORIGINAL, REWRITE, OWN])
    assert sources["valley-now.md"].line == "Harrowgate Ledger"
    assert "repeats the words of Harrowgate Ledger" in sources["valley-now.md"].reason
    assert "without crediting it" in sources["valley-now.md"].reason
    assert sources["ledger.md"].line == "Harrowgate Ledger"
    assert not sources["ledger.md"].repeats
    assert sources["courier.md"].line == "Eastmoor Courier"
    assert not sources["courier.md"].repeats


def test_a_claim_carried_only_by_a_copy_and_its_original_is_not_confirmed_twice():
    claims = find_claims([ORIGINAL, REWRITE])
    assert claims, "the rewrite shares the Ledger's sentences"
    for claim in claims:
        assert not claim.independent
        assert claim.reason.startswith("Only one reporting line carries it (Harrowgate Ledger)")
        assert "Valley Now repeats the words of Harrowgate Ledger" in claim.reason


def test_a_claim_its_own_reporter_confirms_is_carried_by_two_lines():
    claims = find_claims([ORIGINAL, REWRITE, OWN])
    with_courier = [c for c in claims if "courier.md" in c.articles]
    assert with_courier
    for claim in with_courier:
        assert claim.independent
        assert claim.reason.startswith("Two separate reporting lines carry it")
        assert claim.lines["courier.md"] == "Eastmoor Courier"


def test_two_reporters_quoting_the_same_speech_are_still_two_lines():
    speech = (
        "“This county will not close a single library while I am in office, and I will fight "
        "every budget that tries to do it behind the backs of the people who use them,” "
    )
    first = article(
        "a.md", "Dunleigh Herald", "2031-06-01",
        f"{speech}County Executive Ilsa Marr said at a rally on Saturday.\n\n"
        "Around 200 residents attended the rally outside the central library.",
    )  # fmt: skip
    second = article(
        "b.md", "Brackwater Star", "2031-06-01",
        f"{speech}Marr told supporters in the library's car park.\n\n"
        "The county has proposed cutting opening hours at four branches next year.",
    )  # fmt: skip
    sources = reporting_lines([first, second])
    assert sources["a.md"].line != sources["b.md"].line
    assert not sources["a.md"].repeats and not sources["b.md"].repeats


def test_articles_carrying_one_agency_story_are_one_line():
    first = article(
        "site-a.md", "Morning Digest", "2031-07-09",
        "KESTREL BAY (Reuters) — Port workers in Kestrel Bay ended a nine-day strike on "
        "Wednesday after accepting a pay offer, the port authority said.",
    )  # fmt: skip
    second = article(
        "site-b.md", "Evening Wire Online", "2031-07-09",
        "KESTREL BAY (Reuters) - A nine-day strike by port workers in Kestrel Bay is over after "
        "they accepted a new pay offer on Wednesday, according to the port authority.",
    )  # fmt: skip
    third = article(
        "paper.md", "Kestrel Bay Tribune", "2031-07-10",
        "Cranes were moving again at Kestrel Bay on Thursday. Dock foreman Pell Idris said the "
        "nine-day strike had ended once workers accepted the pay offer.\n\nWith wire reports.",
    )  # fmt: skip
    sources = reporting_lines([first, second, third])
    assert sources["site-a.md"].line == sources["site-b.md"].line == "Reuters"
    assert (
        sources["site-a.md"].reason
        == "carries a story from Reuters: its dateline credits (Reuters)"
    )
    assert sources["paper.md"].line == "a news agency"
    assert "“With wire reports”" in sources["paper.md"].reason


def test_the_drafted_corroboration_questions_are_right_about_the_copy():
    articles = [ORIGINAL, REWRITE, OWN]
    extraction = extract_articles(articles)
    assert {a["file"]: a["line"] for a in extraction["articles"]} == {
        "ledger.md": "Harrowgate Ledger",
        "valley-now.md": "Harrowgate Ledger",
        "courier.md": "Eastmoor Courier",
    }
    questions = [
        q for q in draft_set(articles, extraction, "strike")["questions"]
        if q["kind"] == "corroboration"
    ]  # fmt: skip
    assert questions
    by_claim = {c["claim"]: c for c in extraction["claims"]}
    for question in questions:
        claim = next(c for text, c in by_claim.items() if text[:40] in question["prompt"])
        # True only when the Courier's own reporting carries it too.
        assert question["answer"] is ("courier.md" in claim["articles"])
        assert claim["reason"] in question["explanation"]


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_a_teacher_sees_the_copy_on_the_review_page_and_gets_the_corroboration_right(
    app, browser, make_user
):
    """Tried as a new user would: three articles of one story pasted, one copying another
    without credit; the review names the lines and the drafted keys follow them."""
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser, "The bottling strike")
    for one in (ORIGINAL, REWRITE, OWN):
        response = browser.post(
            f"/teach/drafts/{draft_id}/articles",
            {"title": one.file, "outlet": one.outlet, "published": one.published, "text": one.body},
        )
        assert f"Added “{one.file}”." in unescape(response.get_data(as_text=True))
    html = _found(browser, draft_id)
    assert "Reporting line: Harrowgate Ledger — its own reporting." in _text(html)
    slug = re.search(r'\?article=([a-z0-9-]+)">valley-now\.md', html).group(1)
    text = _text(browser.page(f"/teach/drafts/{draft_id}/review?article={slug}"))
    assert (
        "Reporting line: Harrowgate Ledger — repeats the words of Harrowgate Ledger "
        "(74 words of its own text are the same), without crediting it." in text
    )
    assert "Only one reporting line carries it (Harrowgate Ledger)" in text

    browser.post(f"/teach/drafts/{draft_id}/generate", {})
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        questions = [q for q in draft.questions if q["kind"] == "corroboration"]
        courier = next(a.slug for a in draft.articles if a.outlet == "Eastmoor Courier")
    assert questions and {q["answer"] for q in questions} == {True, False}
    for question in questions:
        cited = {e["article"] for e in question["evidence"]}
        assert question["answer"] is (courier in cited)


def test_two_articles_of_one_outlet_are_one_line():
    update = article(
        "ledger-update.md", "Harrowgate Ledger", "2031-05-03",
        "Talks between Fennick Mills and the Bottling Trades Union will resume on Friday, a "
        "union spokesperson told the Ledger on Wednesday.",
    )  # fmt: skip
    sources = reporting_lines([ORIGINAL, update, OWN])
    assert sources["ledger-update.md"].line == "Harrowgate Ledger"
    assert sources["ledger-update.md"].reason == (
        "is published by Harrowgate Ledger, like “ledger.md”"
    )
    assert sources["courier.md"].line == "Eastmoor Courier"


def test_the_teacher_joins_or_splits_reporting_lines_and_the_claims_follow(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser, "The bottling strike, by hand")
    for one in (ORIGINAL, OWN):
        browser.post(
            f"/teach/drafts/{draft_id}/articles",
            {"title": one.file, "outlet": one.outlet, "published": one.published, "text": one.body},
        )
    _found(browser, draft_id)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        ledger, courier = (
            next(a.slug for a in draft.articles if a.outlet == name)
            for name in ("Harrowgate Ledger", "Eastmoor Courier")
        )
        assert any(c["independent"] for c in draft.extraction["claims"])

    # The teacher knows the Courier's reporter worked from the Ledger's story.
    url = f"/teach/drafts/{draft_id}/review/line?article={courier}"
    response = browser.post(url, {"line": ledger})
    assert "Saved: the reporting line" in unescape(response.get_data(as_text=True))
    text = _text(browser.page(f"/teach/drafts/{draft_id}/review?article={courier}"))
    assert (
        "Reporting line: Harrowgate Ledger — on the line of Harrowgate Ledger, as you said." in text
    )
    with app.app_context():
        claims = db.session.get(Draft, draft_id).extraction["claims"]
        assert claims and not any(c["independent"] for c in claims)

    # A line that is not offered changes nothing; taking the word back restores the finding.
    assert "Choose one of the reporting lines" in unescape(
        browser.post(url, {"line": "no-such-article"}).get_data(as_text=True)
    )
    browser.post(url, {"line": "found"})
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        assert any(c["independent"] for c in draft.extraction["claims"])
        assert (draft.corrections or {}).get("lines") == {}
