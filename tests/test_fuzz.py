"""Odd input in every form field and parameter: never a server error, never a lost answer."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizapp.extensions import db
from quizapp.models import Article, AttemptItem, Classroom, Draft, Role, utcnow
from tests.conftest import PASSWORD
from tests.quiz_helpers import form_answer, latest_attempt_id, start_quiz
from tests.test_builder_app import _new_draft, _paste_three

# Text a form may receive: ordinary, very long, NUL bytes, control and astral characters.
nasty = st.one_of(
    st.text(max_size=40),
    st.text(min_size=3000, max_size=6000),
    st.sampled_from(["\x00", "a\x00b", "\u202e", "𝕏" * 50, "' OR 1=1 --", "<script>x</script>"]),
    st.sampled_from(["-1", "0", "99999999999999999999", "1e309", "NaN", "2026-02-30T25:61"]),
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_no_server_error(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


@pytest.fixture
def quiz(app, browser, make_class, make_assignment):
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(
        klass["id"], slug="check-in", due_at=utcnow() + timedelta(days=1)
    )
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    return klass, assignment_id, attempt_id


def saved_answers(app, attempt_id: int) -> list:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AttemptItem.answer)
                .where(AttemptItem.attempt_id == attempt_id)
                .order_by(AttemptItem.position)
            )
        )


@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(["choice", "choices", "ground", "go", "match-a"]), nasty)
)
def test_answer_pages_refuse_odd_input_and_keep_the_saved_answer(app, browser, quiz, fields):
    _, _, attempt_id = quiz
    before = saved_answers(app, attempt_id)
    page = f"/attempts/{attempt_id}/q/0"
    for url in (page, f"{page}/autosave"):
        response = browser.post(url, fields, form_page=page)
        assert_no_server_error(response)
    after = saved_answers(app, attempt_id)[0]
    if fields.get("choice"):  # something that is not one of the choices: refused, kept as it was
        assert after == before[0]
    else:  # no choice sent is how a student clears an answer
        assert after in (before[0], None)


@FUZZ
@given(go=nasty, position=st.integers(min_value=-5, max_value=2**40))
def test_question_urls_and_parameters(app, browser, quiz, go, position):
    _, _, attempt_id = quiz
    assert_no_server_error(browser.get(f"/attempts/{attempt_id}/q/{position}"))
    assert_no_server_error(browser.get(f"/attempts/{attempt_id}/q/0", query_string={"go": go}))
    assert_no_server_error(browser.get(f"/attempts/{position}"))


@FUZZ
@given(username=nasty, password=nasty, name=nasty, code=nasty)
def test_log_in_and_sign_up_forms(app, new_browser, username, password, name, code):
    visitor = new_browser()
    visitor.get("/login")
    assert_no_server_error(visitor.post("/login", {"username": username, "password": password}))
    visitor.get("/join")
    response = visitor.post(
        "/join",
        {
            "code": code,
            "display_name": name,
            "username": username,
            "password": password,
            "confirm": password,
        },
    )
    assert_no_server_error(response)


@pytest.fixture
def sam(make_user):
    make_user("sam")


# Where a log-in is sent on: lines that would split the redirect's header, backslashes that some
# browsers read as slashes, other sites, and whatever else hypothesis makes up.
ODD_NEXT = [
    "/home\n",
    "/home\r\nSet-Cookie: a=b",
    "/\\evil.example",
    "/\t/evil.example",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/a b",
]


@FUZZ
@example(target="/home\n")
@given(target=st.one_of(nasty, st.sampled_from(ODD_NEXT)))
def test_log_in_with_an_odd_next_address_lands_on_a_page_of_this_site(
    app, new_browser, sam, target
):
    visitor = new_browser()
    visitor.get("/login")
    response = visitor.post(
        "/login",
        {"username": "sam", "password": PASSWORD},
        query_string={"next": target},
        follow=False,
    )
    assert_no_server_error(response)
    if "\x00" in target:  # refused, as everywhere, before the log-in is looked at
        assert response.status_code == 400
        return
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert location.startswith("/") and not parts.scheme and not parts.netloc
    assert location.isprintable() and " " not in location and "\\" not in location
    if target in ODD_NEXT:
        assert location == "/home"  # the student's home page instead


@FUZZ
@given(name=nasty, names=nasty, opens=nasty, due=nasty, attempts=nasty, limit=nasty, sort=nasty)
def test_teacher_forms_and_parameters(
    app, new_browser, make_class, name, names, opens, due, attempts, limit, sort
):
    klass = make_class(teacher="teacher", students=())
    teacher = new_browser()
    teacher.login("teacher")
    with app.app_context():
        classes_before = db.session.scalar(sa.select(sa.func.count()).select_from(Classroom))
    teacher.page("/teach/")
    response = teacher.post("/teach/classes", {"name": name})
    assert_no_server_error(response)
    if response.status_code == 400:  # refused: nothing was made
        with app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Classroom))
        assert count == classes_before
    page = f"/teach/classes/{klass['id']}"
    grades = f"{page}/grades"
    assert_no_server_error(teacher.get(grades, query_string={"sort": sort, "dir": sort}))
    teacher.page(page)
    assert_no_server_error(teacher.post(f"{page}/roster", {"names": names}))
    assign = f"{page}/assign"
    teacher.page(assign)
    response = teacher.post(
        assign,
        {
            "set_id": attempts,
            "opens_at": opens,
            "due_at": due,
            "attempts_allowed": attempts,
            "time_limit_minutes": limit,
            "show_answers": sort,
        },
    )
    assert_no_server_error(response)
    assert_no_server_error(
        teacher.get("/articles/nyt-2019-cuban-doctors-votes", query_string={"q": name})
    )
    assert_no_server_error(teacher.get(f"/teach/sets/{name[:200] or 'x'}"))


def test_nul_characters_are_refused_with_a_message(browser, make_class):
    make_class(students=())
    browser.login("teacher")
    browser.page("/teach/")
    response = browser.post("/teach/classes", {"name": "Year\x0010"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_oversized_request_is_refused(browser, make_class):
    make_class(students=())
    browser.login("teacher")
    browser.page("/teach/")
    response = browser.post("/teach/classes", {"name": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_nul_characters_in_an_address_are_refused(browser, make_class):
    make_class(students=())
    browser.login("teacher")
    for path in ("/teach/sets/%00", "/articles/a%00b"):
        assert browser.get(path).status_code == 400


@pytest.fixture
def found_draft(app, browser, make_user):
    """A teacher's draft with three articles pasted and what the builder found in them."""
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    draft_id = _new_draft(browser)
    _paste_three(browser, draft_id)
    browser.post(f"/teach/drafts/{draft_id}/extract", {})
    return draft_id


def _extraction(app, draft_id: int) -> dict:
    with app.app_context():
        return db.session.get(Draft, draft_id).extraction


def _correction_rows(found: list[dict], field: str) -> dict:
    """The rows as the review page sends them back, unchanged."""
    rows = {f"rows-{i}-{field}": item[field] or "" for i, item in enumerate(found)}
    return rows | {f"rows-{i}-keep": "y" for i in range(len(found))}


@pytest.mark.parametrize(("part", "field"), [("quotes", "speaker"), ("figures", "measures")])
@pytest.mark.parametrize(
    ("change", "offset"),
    [("add", 0), ("add", 40), ("drop", -1)],
    ids=["one-extra-row", "a-row-far-beyond", "one-row-missing"],
)
def test_correction_rows_that_are_not_the_ones_found_change_nothing(
    app, browser, found_draft, part, field, change, offset
):
    before = _extraction(app, found_draft)
    browser.page(f"/teach/drafts/{found_draft}/review")
    rows = _correction_rows(before[part], field) | {f"rows-0-{field}": "A changed name"}
    row = f"rows-{len(before[part]) + offset}-"
    if change == "add":
        rows[f"{row}{field}"] = "Someone"
    else:
        rows = {name: value for name, value in rows.items() if not name.startswith(row)}
    response = browser.post(f"/teach/drafts/{found_draft}/review/{part}", rows)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[-300:]
    assert f"The list of {part} changed since the page was opened; nothing was saved." in html
    assert _extraction(app, found_draft) == before


def test_a_row_number_in_other_digits_is_ignored_like_any_unknown_field(app, browser, found_draft):
    before = _extraction(app, found_draft)["quotes"]
    browser.page(f"/teach/drafts/{found_draft}/review")
    rows = _correction_rows(before, "speaker") | {
        "rows-²-speaker": "Someone",
        "rows-0-speaker": "B",
    }
    response = browser.post(f"/teach/drafts/{found_draft}/review/quotes", rows)
    assert "Saved: 1 quote corrected." in response.get_data(as_text=True)
    assert [q["speaker"] for q in _extraction(app, found_draft)["quotes"]] == [
        "B",
        *(q["speaker"] for q in before[1:]),
    ]


def test_an_evidence_row_numbered_in_other_digits_is_ignored(app, browser, found_draft):
    with app.app_context():
        slug = db.session.get(Draft, found_draft).articles[0].slug
    page = f"/teach/drafts/{found_draft}/questions/new"
    browser.page(page)
    fields = {
        "kind": "sources",
        "type": "true_false",
        "difficulty": "easy",
        "prompt": "True or false: a doctor knew it was wrong.",
        "answer": "true",
        "explanation": "The first sentence says so.",
        "evidence-0-article": slug,
        "evidence-0-quote": "Yansnier Arias knew it was wrong.",
        "evidence-²-quote": "Not a row.",
    }
    response = browser.post(page, fields)
    assert "Question added." in response.get_data(as_text=True)
    with app.app_context():
        [question] = db.session.get(Draft, found_draft).questions
    assert question["evidence"] == [{"article": slug, "quote": "Yansnier Arias knew it was wrong."}]


row_number = st.one_of(
    st.integers(min_value=0, max_value=80).map(str),
    st.sampled_from(["-1", "²", "١", "99999999999999999999", "x", "", " 1", "0x1"]),
)


@FUZZ
@given(
    part=st.sampled_from([("quotes", "speaker"), ("figures", "measures")]),
    same_rows=st.booleans(),
    odd=st.dictionaries(
        st.tuples(row_number, st.sampled_from(["speaker", "measures", "keep", "x"])).map(
            lambda t: f"rows-{t[0]}-{t[1]}"
        ),
        nasty,
        max_size=6,
    ),
)
def test_correction_tables(app, browser, found_draft, part, same_rows, odd):
    (name, field), saved = part, _extraction(app, found_draft)
    browser.page(f"/teach/drafts/{found_draft}/review")
    rows = _correction_rows(saved[name], field) if same_rows else {}
    response = browser.post(f"/teach/drafts/{found_draft}/review/{name}", rows | odd)
    assert_no_server_error(response)
    if response.status_code == 400:
        assert _extraction(app, found_draft) == saved
    with app.app_context():  # the next example starts from what was found
        db.session.get(Draft, found_draft).extraction = saved
        db.session.commit()


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "type",
                "difficulty",
                "prompt",
                "quote",
                "choice_a",
                "choice_b",
                "answer",
                "explanation",
                "key",
                "evidence-0-article",
                "evidence-0-quote",
                "evidence-2-quote",
                "evidence-5-article",
                "evidence-²-article",
                "evidence-99999999999999999999-quote",
            ]
        ),
        nasty,
    ),
    key=st.sampled_from(["new", "no-such-question"]),
)
def test_draft_question_form(app, browser, found_draft, fields, key):
    with app.app_context():
        before = db.session.get(Draft, found_draft).questions
    page = f"/teach/drafts/{found_draft}/questions/{key}"
    browser.get(page)
    response = browser.post(page, fields, form_page=f"/teach/drafts/{found_draft}/questions/new")
    assert_no_server_error(response)
    if response.status_code in (400, 404):
        with app.app_context():
            assert db.session.get(Draft, found_draft).questions == before


front_matter = st.one_of(
    nasty,
    st.lists(
        st.sampled_from(
            ["title: ", "Update: ", "&a ", "*a", "[", "{", "2019-02-30", "9" * 5000, "\x07", "\n"]
        ),
        max_size=30,
    ).map("".join),
)


def _articles_in(app, draft_id: int) -> int:
    with app.app_context():
        added = sa.select(sa.func.count(Article.id)).where(Article.draft_id == draft_id)
        return db.session.scalar(added)


@FUZZ
@given(head=front_matter, name=nasty, title=nasty, published=nasty)
def test_pasted_and_uploaded_articles(app, browser, found_draft, head, name, title, published):
    draft_id = _new_draft(browser, "Odd articles")
    text = f"---\n{head}\n---\n" + "The council met on Tuesday and voted. " * 5
    browser.page(f"/teach/drafts/{draft_id}")
    response = browser.post(
        f"/teach/drafts/{draft_id}/articles",
        {"title": title, "outlet": "", "published": published, "text": text},
    )
    assert_no_server_error(response)
    before = _articles_in(app, draft_id)
    assert before == (0 if response.status_code == 400 else 1)
    browser.page(f"/teach/drafts/{draft_id}")
    upload = (io.BytesIO(text.encode("utf-8", "surrogatepass")), f"{name[:100]}.md")
    response = browser.post(
        f"/teach/drafts/{draft_id}/files", {"files": [upload]}, content_type="multipart/form-data"
    )
    assert_no_server_error(response)
    assert _articles_in(app, draft_id) == before + (0 if response.status_code == 400 else 1)
