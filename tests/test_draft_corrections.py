"""A teacher's corrections of what the builder found survive finding again after an article
is added (or removed)."""

from html import unescape

from quizapp.extensions import db
from quizapp.models import Draft, Role
from tests.test_builder_app import ARTICLES, _found, _new_draft, _paste, _paste_three


def _extraction(app, draft_id: int) -> dict:
    with app.app_context():
        return db.session.get(Draft, draft_id).extraction


def _rows(items: list[dict], field: str) -> dict[str, str]:
    rows = {f"rows-{i}-{field}": item[field] or "" for i, item in enumerate(items)}
    return rows | {f"rows-{i}-keep": "y" for i in range(len(items))}


def test_corrections_survive_adding_an_article_and_finding_again(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    _paste_three(browser, draft_id)
    _found(browser, draft_id)
    found = _extraction(app, draft_id)
    quotes, figures = found["quotes"], found["figures"]

    rows = _rows(quotes, "speaker")
    rows["rows-0-speaker"] = "A spokesman for the clinic"
    del rows["rows-1-keep"]  # the teacher says the second is not a quote
    response = browser.post(f"/teach/drafts/{draft_id}/review/quotes", rows)
    assert "Saved: 2 quotes corrected." in unescape(response.get_data(as_text=True))
    rows = _rows(figures, "measures")
    rows["rows-0-measures"] = "doctors interviewed by the reporters"
    browser.post(f"/teach/drafts/{draft_id}/review/figures", rows)

    # A fourth article: what was found must be found again, and the corrections still hold.
    extra = ARTICLES["nyt-2019-cuban-doctors-votes"]
    assert _paste(browser, draft_id, extra, "A fourth outlet", "2019-03-18").status_code == 200
    assert _extraction(app, draft_id) is None
    _found(browser, draft_id)
    again = _extraction(app, draft_id)
    by_place = {(q["article"], q["start"]): q for q in again["quotes"]}
    assert by_place[quotes[0]["article"], quotes[0]["start"]]["speaker"] == (
        "A spokesman for the clinic"
    )
    assert (quotes[1]["article"], quotes[1]["start"]) not in by_place
    figure = next(
        f
        for f in again["figures"]
        if (f["article"], f["start"]) == (figures[0]["article"], figures[0]["start"])
    )
    assert figure["measures"] == "doctors interviewed by the reporters" and figure["checked"]
    # The new article's own finds are as the builder found them.
    assert len(again["quotes"]) > len(quotes) - 1


def test_a_speaker_the_teacher_corrects_is_no_longer_marked_as_inferred(app, browser, make_user):
    from types import SimpleNamespace

    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    body = (
        "Councillor Mira Sandoval condemned “a decision taken behind closed doors by people who "
        "never use the bridge.”\n\n“The bridge will reopen to cyclists in the spring, and to "
        "cars in the summer,” said engineer Paolo Venn."
    )
    pasted = SimpleNamespace(title="Bridge stays shut", body=body)
    assert _paste(browser, draft_id, pasted, "Harrow Post").status_code == 200
    review = unescape(_found(browser, draft_id))
    assert review.count("the speaker is the sentence’s subject. Check it.") == 1
    quotes = _extraction(app, draft_id)["quotes"]
    assert [q["inferred"] for q in quotes] == [True, False]

    rows = _rows(quotes, "speaker")
    rows["rows-0-speaker"] = "Councillor Mira Sandoval"
    response = browser.post(f"/teach/drafts/{draft_id}/review/quotes", rows)
    page = unescape(response.get_data(as_text=True))
    assert "Saved: 1 quote corrected." in page and "sentence’s subject" not in page
    quotes = _extraction(app, draft_id)["quotes"]
    assert quotes[0]["speaker"] == "Councillor Mira Sandoval" and not quotes[0]["inferred"]
