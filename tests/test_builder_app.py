"""The question builder in the app: a teacher pastes articles, reviews what was found,
corrects it, drafts, edits and publishes questions; a student takes the set."""

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from quizapp.builder.articles import read_article
from quizapp.extensions import db
from quizapp.models import Article, Draft, DraftStatus, QuestionSet, Role
from tests.conftest import BANK
from tests.odd_input import ALIAS_BOMB, with_front_matter
from tests.quiz_helpers import form_answer, latest_attempt_id, question_count

ARTICLES = {
    name: read_article(BANK / "articles" / f"{name}.md")
    for name in (
        "nyt-2019-cuban-doctors-votes",
        "unknown-2019-cuban-doctors-votes-rereport",
        "insight-crime-undated-cuban-doctors-extortion",
    )
}
OUTLETS = ("Daily Courier", "Evening Ledger", "InSight Crime")


def _new_draft(browser, title: str = "Three reports on one story") -> int:
    browser.page("/teach/drafts")
    response = browser.post("/teach/drafts", {"title": title})
    assert response.status_code == 200
    return int(re.search(r"/teach/drafts/(\d+)/articles", browser.last_html).group(1))


def _paste(browser, draft_id: int, article, outlet: str, date: str = "2019-03-17"):
    return browser.post(
        f"/teach/drafts/{draft_id}/articles",
        {"title": article.title, "outlet": outlet, "published": date, "text": article.body},
    )


def _paste_three(browser, draft_id: int) -> None:
    for article, outlet in zip(ARTICLES.values(), OUTLETS, strict=True):
        response = _paste(browser, draft_id, article, outlet)
        assert response.status_code == 200
        assert f"Added “{article.title}”." in unescape(response.get_data(as_text=True))


def _draft(app, draft_id: int) -> Draft:
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        db.session.expunge(draft)
        return draft


def _found(browser, draft_id: int) -> str:
    response = browser.post(f"/teach/drafts/{draft_id}/extract", {})
    assert response.status_code == 200
    return browser.page(f"/teach/drafts/{draft_id}/review")


def test_teacher_builds_publishes_and_assigns_a_set_that_a_student_takes(
    app, browser, new_browser, make_class
):
    klass = make_class(students=("sam",))
    browser.login("teacher")
    assert "/teach/drafts" in browser.page("/teach/sets")
    draft_id = _new_draft(browser)
    _paste_three(browser, draft_id)
    html = browser.page(f"/teach/drafts/{draft_id}")
    assert "Articles (3)" in html and "Daily Courier · 2019-03-17" in html

    # Finding runs as a job (at once in the tests); the page then offers the review.
    response = browser.post(f"/teach/drafts/{draft_id}/extract", {})
    assert "Review what was found" in response.get_data(as_text=True)
    draft = _draft(app, draft_id)
    assert draft.status == DraftStatus.READY and draft.steps_done == draft.steps_total == 4
    quotes, figures = draft.extraction["quotes"], draft.extraction["figures"]
    assert quotes and figures and draft.extraction["claims"]

    # Quotes are marked with their speakers, figures and shared claims in the article text.
    html = browser.page(f"/teach/drafts/{draft_id}/review")
    first = quotes[0]
    assert f'<small class="speaker-tag speaker-0">{first["speaker"]}</small>' in unescape(html)
    assert '<span class="hl-figure">' in html or "hl-figure" in html
    assert re.search(r'<a class="claim-tag" id="claim-1-[a-z0-9-]+" href="#claim-1">', html)
    assert 'id="claim-1"' in html

    # Fix one speaker: the teacher names who really said the first quote.
    rows = {f"rows-{i}-speaker": q["speaker"] or "" for i, q in enumerate(quotes)}
    rows |= {f"rows-{i}-keep": "y" for i in range(len(quotes))}
    rows["rows-0-speaker"] = "A spokesman for the clinic"
    response = browser.post(f"/teach/drafts/{draft_id}/review/quotes", rows)
    assert "Saved: 1 quote corrected." in response.get_data(as_text=True)
    assert _draft(app, draft_id).extraction["quotes"][0]["speaker"] == "A spokesman for the clinic"

    # Say what the first figure measures, in the teacher's words.
    rows = {f"rows-{i}-measures": f["measures"] or "" for i, f in enumerate(figures)}
    rows |= {f"rows-{i}-keep": "y" for i in range(len(figures))}
    rows["rows-0-measures"] = "doctors interviewed by the reporters"
    response = browser.post(f"/teach/drafts/{draft_id}/review/figures", rows)
    assert "Saved: 1 figure corrected." in response.get_data(as_text=True)

    # Draft the questions; the corrected speaker is now a choice.
    response = browser.post(f"/teach/drafts/{draft_id}/generate", {})
    html = unescape(response.get_data(as_text=True))
    assert re.search(r"Drafted \d+ questions", html)
    questions = _draft(app, draft_id).questions
    kinds = {q["kind"] for q in questions}
    assert {"attribution", "figures", "corroboration"} <= kinds
    assert any(
        c["text"] == "A spokesman for the clinic" for q in questions for c in q.get("choices", [])
    )
    assert any(
        f"{figures[0]['text']} for doctors interviewed by the reporters here" in q["explanation"]
        for q in questions
        if q["kind"] == "figures"
    )

    # Edit one question's prompt, delete another, add one of our own.
    first_key, second_key = questions[0]["id"], questions[1]["id"]
    browser.page(f"/teach/drafts/{draft_id}/questions/{first_key}")
    fields = _form_fields(browser.last_html)
    fields["prompt"] = "Edited: " + fields["prompt"]
    response = browser.post(f"/teach/drafts/{draft_id}/questions/{first_key}", fields)
    assert "Question saved." in response.get_data(as_text=True)
    browser.post(f"/teach/drafts/{draft_id}/questions/{second_key}/delete", {})
    nyt = _article_slug(app, draft_id, 0)
    browser.page(f"/teach/drafts/{draft_id}/questions/new")
    sentence = "Yansnier Arias knew it was wrong."
    response = browser.post(
        f"/teach/drafts/{draft_id}/questions/new",
        {
            "kind": "sources",
            "type": "true_false",
            "difficulty": "easy",
            "prompt": "True or false: the first report opens with a doctor who knew it was wrong.",
            "answer": "true",
            "explanation": "Its first sentence says so.",
            "evidence-0-article": nyt,
            "evidence-0-quote": sentence,
        },
    )
    assert "Question added." in response.get_data(as_text=True)
    questions = _draft(app, draft_id).questions
    assert questions[0]["prompt"].startswith("Edited: ")
    assert second_key not in {q["id"] for q in questions}
    assert questions[-1]["evidence"] == [{"article": nyt, "quote": sentence}]

    # Publish, assign with the ordinary form, and a student takes it.
    response = browser.post(f"/teach/drafts/{draft_id}/publish", {})
    html = response.get_data(as_text=True)
    assert "Published." in html and "Assign to Year 10" in html
    slug = _draft(app, draft_id).slug
    with app.app_context():
        qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
        assert qset.owner_id == klass["teacher_id"]
        assert len(qset.current_questions) == len(questions)
        set_id = qset.id
    browser.page(f"/teach/classes/{klass['id']}/assign?set={slug}")
    response = browser.post(
        f"/teach/classes/{klass['id']}/assign",
        {
            "set_id": str(set_id),
            "opens_at": "2000-01-01T00:00",
            "due_at": "",
            "attempts_allowed": "1",
            "time_limit_minutes": "",
            "show_answers": "after_submit",
        },
    )
    assert "is assigned to" in response.get_data(as_text=True)

    student = new_browser()
    student.login("sam")
    assert "Three reports on one story" in student.page("/home")
    assignment_id = int(re.search(r"/assignments/(\d+)/start", student.last_html).group(1))
    student.post(f"/assignments/{assignment_id}/start")
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    total = question_count(app, attempt_id)
    assert total == len(questions)
    for position in range(total):
        student.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position), "go": "next"},
        )
    html = student.post(f"/attempts/{attempt_id}/submit", {}).get_data(as_text=True)
    assert "Your quiz is submitted" in html and "100%" in html
    # The student reads the evidence in the teacher's article.
    assert sentence in student.page(f"/articles/{nyt}")


def _form_fields(html: str) -> dict:
    """The values a browser would send back from the question form as it stands."""
    fields = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        fields[name] = unescape(value)
    textareas = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S)
    for name, value in textareas:
        fields[name] = unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body)
        fields[name] = chosen.group(1) if chosen else ""
    fields.pop("csrf_token", None)
    return fields


def _article_slug(app, draft_id: int, index: int) -> str:
    with app.app_context():
        return db.session.scalars(
            sa.select(Article.slug).where(Article.draft_id == draft_id).order_by(Article.id)
        ).all()[index]


def test_uploaded_files_are_read_as_text_with_their_stated_title_and_date(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    body = ARTICLES["nyt-2019-cuban-doctors-votes"].body
    text = f"Doctors pressed to win votes\n\nBy Ana Ruiz\n\nMarch 17, 2019\n\n{body}\n"
    browser.page(f"/teach/drafts/{draft_id}")
    response = browser.post(
        f"/teach/drafts/{draft_id}/files",
        {"files": [(io.BytesIO(text.encode("utf-8-sig")), "report.txt")]},
        content_type="multipart/form-data",
    )
    assert "Added 1 article." in response.get_data(as_text=True)
    with app.app_context():
        article = db.session.scalar(sa.select(Article).where(Article.draft_id == draft_id))
        assert (article.title, article.author, article.published) == (
            "Doctors pressed to win votes",
            "Ana Ruiz",
            "2019-03-17",
        )
        assert article.body == body


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "latin1.txt",
            "Caf\xe9 owners said the rent had doubled. ".encode("latin-1") * 5,
            "latin1.txt is not UTF-8 text",
        ),
        ("binary.txt", b"\x00\x01\x02" * 50, "binary.txt is not a text file."),
        ("huge.txt", b"word " * 90_000, "huge.txt is larger than 400 KB."),
        ("short.txt", b"Too short to read.", "short.txt has fewer than 20 words of text."),
        ("notes.pdf", b"%PDF-1.4", "Choose .txt or .md files."),
    ],
)
def test_bad_files_get_a_message_and_add_nothing(app, browser, make_user, name, data, message):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    good = ARTICLES["nyt-2019-cuban-doctors-votes"].body.encode()
    browser.page(f"/teach/drafts/{draft_id}")
    response = browser.post(
        f"/teach/drafts/{draft_id}/files",
        {"files": [(io.BytesIO(good), "good.txt"), (io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    with app.app_context():
        added = sa.select(sa.func.count(Article.id)).where(Article.draft_id == draft_id)
        assert db.session.scalar(added) == 0


UNREADABLE_FRONT_MATTER = [
    pytest.param(
        ALIAS_BOMB,
        "the front matter uses the alias *a; aliases are not accepted, write the value out in "
        "full (line 3).",
        id="alias-bomb",
    ),
    pytest.param(
        "title: Update: Flooding closes schools\n",
        "the front matter is not valid YAML at line 2, column 14: mapping values are not "
        "allowed here; put a value that contains ': ' in quotes.",
        id="unquoted-colon",
    ),
    pytest.param(
        "published: 2019-02-30\n",
        "the front matter has a value that cannot be read (day is out of range for month).",
        id="no-such-date",
    ),
]


def _article_count(app, draft_id: int) -> int:
    with app.app_context():
        added = sa.select(sa.func.count(Article.id)).where(Article.draft_id == draft_id)
        return db.session.scalar(added)


@pytest.mark.parametrize(("head", "message"), UNREADABLE_FRONT_MATTER)
def test_pasted_front_matter_that_cannot_be_read_is_refused_with_a_message(
    app, browser, make_user, head, message
):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    browser.page(f"/teach/drafts/{draft_id}")
    text = with_front_matter(head, ARTICLES["nyt-2019-cuban-doctors-votes"].body)
    response = browser.post(
        f"/teach/drafts/{draft_id}/articles",
        {"title": "Flood report", "outlet": "", "published": "", "text": text},
    )
    assert response.status_code == 400
    assert f"Flood report: {message}" in unescape(response.get_data(as_text=True))
    assert _article_count(app, draft_id) == 0


@pytest.mark.parametrize(("head", "message"), UNREADABLE_FRONT_MATTER)
def test_uploaded_front_matter_that_cannot_be_read_is_refused_with_a_message(
    app, browser, make_user, head, message
):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    browser.page(f"/teach/drafts/{draft_id}")
    good = ARTICLES["nyt-2019-cuban-doctors-votes"].body.encode()
    bad = with_front_matter(head, ARTICLES["nyt-2019-cuban-doctors-votes"].body).encode()
    response = browser.post(
        f"/teach/drafts/{draft_id}/files",
        {"files": [(io.BytesIO(good), "good.txt"), (io.BytesIO(bad), "flood.md")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert f"flood.md: {message} No file was added." in unescape(response.get_data(as_text=True))
    assert _article_count(app, draft_id) == 0


def test_an_empty_front_matter_block_is_read_as_an_article_with_nothing_stated(
    app, browser, make_user
):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    browser.page(f"/teach/drafts/{draft_id}")
    body = ARTICLES["nyt-2019-cuban-doctors-votes"].body
    response = browser.post(
        f"/teach/drafts/{draft_id}/articles",
        {"title": "Flood report", "outlet": "", "published": "", "text": f"---\n---\n{body}"},
    )
    assert "Added “Flood report”." in unescape(response.get_data(as_text=True))
    with app.app_context():
        article = db.session.scalar(sa.select(Article).where(Article.draft_id == draft_id))
        assert article.body == body


def test_pasted_html_is_shown_as_text_never_as_markup(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    body = ARTICLES["nyt-2019-cuban-doctors-votes"].body
    hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)> '
    browser.page(f"/teach/drafts/{draft_id}")
    _paste(browser, draft_id, type("A", (), {"title": hostile, "body": hostile + body})(), "Out")
    html = _found(browser, draft_id)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_an_article_posted_with_only_its_required_fields_is_added(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    article = ARTICLES["nyt-2019-cuban-doctors-votes"]
    browser.page(f"/teach/drafts/{draft_id}")
    response = browser.post(
        f"/teach/drafts/{draft_id}/articles", {"title": article.title, "text": article.body}
    )
    assert response.status_code == 200
    with app.app_context():
        added = db.session.scalar(sa.select(Article).where(Article.draft_id == draft_id))
        assert (added.title, added.outlet, added.published) == (article.title, "", "")


def test_a_question_that_cites_words_not_in_the_article_is_refused(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    browser.page(f"/teach/drafts/{draft_id}")
    _paste(browser, draft_id, ARTICLES["nyt-2019-cuban-doctors-votes"], "Daily Courier")
    slug = _article_slug(app, draft_id, 0)
    browser.page(f"/teach/drafts/{draft_id}/questions/new")
    response = browser.post(
        f"/teach/drafts/{draft_id}/questions/new",
        {
            "kind": "attribution",
            "type": "single",
            "difficulty": "medium",
            "prompt": "Who said it?",
            "choice_a": "Yansnier Arias",
            "choice_b": "Nobody",
            "answer": "a",
            "explanation": "He did.",
            "evidence-0-article": slug,
            "evidence-0-quote": "A sentence the article never printed.",
        },
    )
    assert response.status_code == 400
    assert "evidence quote not found verbatim" in unescape(response.get_data(as_text=True))
    assert _draft(app, draft_id).questions is None


def test_another_teachers_draft_is_not_found(app, browser, new_browser, make_user):
    make_user("teacher", Role.TEACHER)
    make_user("other", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    other = new_browser()
    other.login("other")
    for path in ("", "/review", "/questions", "/progress", "/questions/new"):
        assert other.get(f"/teach/drafts/{draft_id}{path}").status_code == 404
    other.page("/teach/drafts")
    assert other.post(f"/teach/drafts/{draft_id}/extract", {}, follow=False).status_code == 404
    assert "Three reports on one story" not in other.page("/teach/drafts")


def test_a_teachers_articles_are_readable_by_their_students_only(
    app, browser, new_browser, make_class, make_user
):
    make_class(students=("sam",))
    make_user("stranger")
    browser.login("teacher")
    draft_id = _new_draft(browser)
    browser.page(f"/teach/drafts/{draft_id}")
    _paste(browser, draft_id, ARTICLES["nyt-2019-cuban-doctors-votes"], "Daily Courier")
    slug = _article_slug(app, draft_id, 0)
    sam, stranger = new_browser(), new_browser()
    sam.login("sam")
    stranger.login("stranger")
    assert sam.get(f"/articles/{slug}").status_code == 200
    assert stranger.get(f"/articles/{slug}").status_code == 404
    assert slug not in stranger.page("/articles/")


def test_progress_is_reported_and_a_lost_job_can_be_restarted(app, browser, make_user):
    from datetime import timedelta

    from quizapp.models import utcnow

    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    browser.page(f"/teach/drafts/{draft_id}")
    _paste(browser, draft_id, ARTICLES["nyt-2019-cuban-doctors-votes"], "Daily Courier")
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        draft.status, draft.steps_done, draft.steps_total = DraftStatus.RUNNING, 1, 2
        draft.updated_at = utcnow()
        db.session.commit()
    assert browser.get(f"/teach/drafts/{draft_id}/progress").get_json() == {
        "status": "running",
        "done": 1,
        "total": 2,
        "percent": 50,
        "error": "",
    }
    html = browser.page(f"/teach/drafts/{draft_id}")
    assert '<progress id="job-progress" max="100" value="50">' in html
    assert "Start again" not in html and "Paste an article" not in html
    with app.app_context():
        db.session.get(Draft, draft_id).updated_at = utcnow() - timedelta(minutes=20)
        db.session.commit()
    assert "Start again" in browser.page(f"/teach/drafts/{draft_id}")
    response = browser.post(f"/teach/drafts/{draft_id}/extract", {})
    assert "Review what was found" in response.get_data(as_text=True)
    assert _draft(app, draft_id).status == DraftStatus.READY


def test_deleting_a_draft_keeps_a_published_sets_articles(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    unpublished = _new_draft(browser, "Never published")
    browser.page(f"/teach/drafts/{unpublished}")
    _paste(browser, unpublished, ARTICLES["nyt-2019-cuban-doctors-votes"], "Daily Courier")
    published = _new_draft(browser, "Published one")
    _paste_three(browser, published)
    _found(browser, published)
    browser.post(f"/teach/drafts/{published}/generate", {})
    assert "Published." in browser.post(f"/teach/drafts/{published}/publish", {}).get_data(
        as_text=True
    )
    kept = [_article_slug(app, published, i) for i in range(3)]

    for draft_id in (unpublished, published):
        browser.page(f"/teach/drafts/{draft_id}")
        response = browser.post(f"/teach/drafts/{draft_id}/delete", {})
        assert "Deleted the draft" in unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Draft.id))) == 0
        left = db.session.scalars(sa.select(Article.slug).where(Article.owner_id.is_not(None)))
        assert sorted(left) == sorted(kept)
        assert db.session.scalar(sa.select(QuestionSet).where(QuestionSet.title == "Published one"))


def test_removing_an_article_drops_its_questions_and_what_was_found(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    _paste_three(browser, draft_id)
    _found(browser, draft_id)
    browser.post(f"/teach/drafts/{draft_id}/generate", {})
    second = _article_slug(app, draft_id, 1)
    before = _draft(app, draft_id).questions
    citing = [q["id"] for q in before if any(e["article"] == second for e in q["evidence"])]
    assert citing and len(citing) < len(before)
    with app.app_context():
        article_id = db.session.scalar(sa.select(Article.id).where(Article.slug == second))
    browser.page(f"/teach/drafts/{draft_id}")
    response = browser.post(f"/teach/drafts/{draft_id}/articles/{article_id}/remove", {})
    assert "Removed “" in unescape(response.get_data(as_text=True))
    draft = _draft(app, draft_id)
    assert draft.extraction is None and draft.status == DraftStatus.COLLECTING
    assert [q["id"] for q in draft.questions] == [q["id"] for q in before if q["id"] not in citing]
    assert "Find quotes, figures and claims" in browser.page(f"/teach/drafts/{draft_id}")
