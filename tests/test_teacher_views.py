"""The teacher's views, with every number checked against one computed here from known answers."""

import csv
import io
import re
import statistics

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, QuestionVersion
from tests.quiz_helpers import form_answer, latest_attempt_id, start_quiz

# Who answers which question of the check-in right (1) or wrong (0), in the set's order.
# Question 1 everyone gets right; question 9 only the weakest students do.
PATTERN = {
    "ana": [1, 1, 1, 1, 1, 1, 1, 1, 0],
    "ben": [1, 1, 1, 1, 1, 1, 0, 1, 0],
    "cal": [1, 1, 1, 0, 1, 0, 1, 0, 0],
    "dee": [1, 1, 0, 1, 0, 0, 0, 0, 1],
    "eli": [1, 0, 0, 0, 1, 0, 0, 0, 1],
    "fay": [1, 0, 0, 0, 0, 0, 0, 0, 1],
}
STUDENTS = (*PATTERN, "gus", "hal")  # gus never starts; hal starts and does not submit


def take(app, student, assignment_id: int, pattern: list[int] | None, submit=True) -> int:
    start_quiz(student, assignment_id)
    with app.app_context():
        attempt_id = db.session.scalar(sa.select(sa.func.max(Attempt.id)))
    for position, right in enumerate(pattern or []):
        fields = form_answer(app, attempt_id, position, correct=bool(right))
        student.post(f"/attempts/{attempt_id}/q/{position}", fields)
    if submit:
        student.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"})
    return attempt_id


@pytest.fixture
def check_in_class(app, browser, new_browser, make_class, make_assignment):
    klass = make_class(students=STUDENTS)
    assignment_id = make_assignment(klass["id"], slug="check-in")
    for username, pattern in PATTERN.items():
        student = new_browser()
        student.login(username)
        take(app, student, assignment_id, pattern)
    hal = new_browser()
    hal.login("hal")
    take(app, hal, assignment_id, [1, 1], submit=False)
    browser.login("teacher")
    return klass, assignment_id


def check_in_versions(app) -> list[QuestionVersion]:
    with app.app_context():
        from quizapp.models import Question, QuestionSet

        versions = db.session.scalars(
            sa.select(QuestionVersion)
            .join(Question, Question.current_version_id == QuestionVersion.id)
            .join(QuestionSet)
            .where(QuestionSet.slug == "check-in")
            .order_by(Question.position)
        ).all()
        return [(v.question.key, v.type, v.content) for v in versions]


def expected_percents(app) -> dict[str, float]:
    """Each student's percentage: a right answer earns its point and its grounding step's."""
    questions = check_in_versions(app)
    weights = [1 + ("ground" in content) for _, _, content in questions]
    total = sum(weights)
    return {
        name: 100 * sum(w for w, right in zip(weights, pattern, strict=True) if right) / total
        for name, pattern in PATTERN.items()
    }


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_class_overview_shows_scores_status_and_averages(app, browser, check_in_class):
    klass, _assignment_id = check_in_class
    percents = expected_percents(app)
    html = browser.page(f"/teach/classes/{klass['id']}/grades")
    rows = {
        name: text_of(row)
        for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
        if (name := re.search(r">([A-Z][a-z]+)</a>", row)) and (name := name.group(1).lower())
    }
    for name, value in percents.items():
        assert f"{value:.0f}% Submitted" in rows[name], rows[name]
    assert "Not started" in rows["gus"] and "In progress" in rows["hal"]
    average = statistics.fmean(percents.values())
    footer = text_of(html.split("<tfoot>")[1])
    assert f"{round(average, 1):.0f}%" in footer and "6 of 8 submitted" in footer


def test_class_overview_sorts_by_a_column(app, browser, check_in_class):
    klass, assignment_id = check_in_class
    html = browser.page(f"/teach/classes/{klass['id']}/grades?sort=a{assignment_id}&dir=desc")
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    order = re.findall(r'student_id=\d+|/students/\d+">([A-Z][a-z]+)<', body)
    names = [n.lower() for n in order if n]
    percents = expected_percents(app)
    scored = sorted(percents, key=lambda n: -percents[n])
    # Highest first; students without a score last.
    assert names[: len(scored)] == scored
    assert set(names[len(scored) :]) == {"gus", "hal"}
    assert 'aria-sort="descending"' in html
    browser.page(f"/teach/classes/{klass['id']}/grades?sort=nonsense&dir=up")  # falls back to names


def test_assignment_report_numbers(app, browser, check_in_class):
    _klass, assignment_id = check_in_class
    percents = list(expected_percents(app).values())
    html = browser.page(f"/teach/assignments/{assignment_id}")
    text = text_of(html)
    assert f"{statistics.fmean(percents):.0f}% mean score" in text
    assert f"{statistics.median(percents):.0f}% median score" in text
    assert f"{statistics.pstdev(percents):.0f} spread" in text
    assert "6 / 8 submitted" in text and "1 in progress" in text and "1 not started" in text
    # The histogram's data table: students per band of ten points.
    table = text_of(html.split("<summary>Data table</summary>")[1].split("</table>")[0])
    for band in range(10):
        low, high = band * 10, band * 10 + 10
        count = sum(low <= p < high or (band == 9 and p == 100) for p in percents)
        label = f"{low}–{high - 1}%" if band < 9 else "90–100%"
        assert f"{label} {count}" in table

    questions = check_in_versions(app)
    scores = list(PATTERN.values())
    totals = [sum(p) for p in scores]
    for number, (key, qtype, content) in enumerate(questions):
        right = [p[number] for p in scores]
        card = text_of(html.split(f'id="item-{key}"')[1].split("</article>")[0])
        assert f"Facility {100 * sum(right) / len(right):.0f}%" in card, card
        rest = [t - r for t, r in zip(totals, right, strict=True)]
        if len(set(right)) > 1:
            r = statistics.correlation(right, rest)
            assert f"Discrimination {r:.2f}" in card
            if r < 0:
                assert "Negative discrimination" in card
        else:
            assert "Discrimination – " in card
        if sum(right) == len(right):
            assert "Very easy" in card
        if qtype in ("single", "true_false"):
            # Distractor analysis: the wrong answer given is the first choice that is not right.
            wrong = next(c for c in content["choices"] if c["id"] != content["answer"])
            right_text = next(c for c in content["choices"] if c["id"] == content["answer"])
            assert f"{right_text['text']} (correct) {sum(right)} of 6" in card
            assert f"{wrong['text']} {len(right) - sum(right)} of 6" in card


def test_skills_page_mastery_confusions_and_figures(app, browser, check_in_class):
    klass, _ = check_in_class
    questions = check_in_versions(app)
    html = browser.page(f"/teach/classes/{klass['id']}/skills")
    text = text_of(html)
    names = {
        "attribution": "Who said what",
        "figures": "Figures that conflict",
        "corroboration": "Corroboration",
        "sources": "Reading the sources",
    }
    class_table = text_of(html.split("<h2>The class</h2>")[1].split("</table>")[0])
    kinds = [kind_of(app, key) for key, _, _ in questions]
    for kind, name in names.items():
        marks = [p[i] for p in PATTERN.values() for i, k in enumerate(kinds) if k == kind]
        assert f"{name} {100 * sum(marks) / len(marks):.0f}%" in class_table
    # cin-001: the wrong answer given is the first choice that is not Raúl Manuel.
    first = questions[0][2]
    wrong_speaker = next(c["text"] for c in first["choices"] if c["id"] != first["answer"])
    missed = sum(1 - p[0] for p in PATTERN.values())
    if missed:
        assert f"Raúl Manuel {wrong_speaker} {missed}" in text
    else:
        assert "No speaker was mistaken for another." in text
    # cin-003 is a figures question: the wrong figure picked, and how often.
    figure = questions[2][2]
    wrong_figure = next(c["text"] for c in figure["choices"] if c["id"] != figure["answer"])
    times = sum(1 - p[2] for p in PATTERN.values())
    assert f"{wrong_figure} — picked {times} times" in text


def kind_of(app, key: str) -> str:
    from quizapp.models import Question

    with app.app_context():
        return db.session.scalar(
            sa.select(QuestionVersion.kind)
            .join(Question, Question.current_version_id == QuestionVersion.id)
            .where(Question.key == key)
        )


def test_growth_from_check_in_to_check_out(app, browser, new_browser, make_class, make_assignment):
    klass = make_class(students=("ana", "ben"))
    check_in = make_assignment(klass["id"], slug="check-in")
    check_out = make_assignment(klass["id"], slug="check-out")
    ana = new_browser()
    ana.login("ana")
    take(app, ana, check_in, [1, 0, 0, 0, 0, 0, 0, 0, 0])
    take(app, ana, check_out, [1, 1, 1, 1, 1, 0, 0, 0, 0])
    ben = new_browser()
    ben.login("ben")
    take(app, ben, check_in, [1, 1, 0, 0, 0, 0, 0, 0, 0])
    browser.login("teacher")
    html = browser.page(f"/teach/classes/{klass['id']}/skills")
    text = text_of(html)
    # Check-in: 10 points (one question has a grounding step); check-out the same.
    with app.app_context():
        ana_in, ana_out = (
            db.session.scalar(
                sa.select(Attempt.score / Attempt.max_score * 100).where(
                    Attempt.assignment_id == a, Attempt.student_id == klass["students"]["ana"]
                )
            )
            for a in (check_in, check_out)
        )
    assert "1 student took both" in text
    assert f"Average change: {ana_out - ana_in:+.0f} points" in text
    row = text_of(html.split("<h2>Growth from check-in to check-out</h2>")[1].split("</h2>")[0])
    assert "Ben" in row and "Ana" in row
    student_page = text_of(
        browser.page(f"/teach/classes/{klass['id']}/students/{klass['students']['ana']}")
    )
    assert f"{ana_out - ana_in:+.0f} points" in student_page


def test_student_page_lists_attempts_and_mastery(app, browser, check_in_class):
    klass, _assignment_id = check_in_class
    ana = klass["students"]["ana"]
    html = browser.page(f"/teach/classes/{klass['id']}/students/{ana}")
    text = text_of(html)
    percent = expected_percents(app)["ana"]
    assert "Check-in: how carefully do you read?" in text and f"{percent:.0f}%" in text
    kinds = [kind_of(app, key) for key, _, _ in check_in_versions(app)]
    marks = [r for r, k in zip(PATTERN["ana"], kinds, strict=True) if k == "sources"]
    assert f"Reading the sources {100 * sum(marks) / len(marks):.0f}%" in text
    attempt_id = latest_attempt_id(app, ana)
    assert f"/teach/attempts/{attempt_id}" in html


def test_attempt_opens_as_the_student_saw_it(app, browser, check_in_class):
    klass, _ = check_in_class
    attempt_id = latest_attempt_id(app, klass["students"]["ana"])
    html = browser.page(f"/teach/attempts/{attempt_id}")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        item = attempt.items[0]
        chosen = item.answer["choice"]
        texts = [
            next(c["text"] for c in item.question_version.content["choices"] if c["id"] == cid)
            for cid in item.choice_order
        ]
    first = html.split('class="as-seen"')[1].split("</fieldset>")[0]
    # The choices in the student's order, with their own answer ticked.
    places = [first.index(f"<span>{t}</span>") for t in texts]
    assert places == sorted(places)
    assert re.search(rf'value="{chosen}"\s+checked', first)


def test_exports_have_the_documented_columns(app, browser, check_in_class):
    klass, _assignment_id = check_in_class
    response = browser.get(f"/teach/classes/{klass['id']}/export/gradebook.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    header = list(rows[0])
    assert header[:3] == ["student", "username", "in_class"] and header[-1] == "average"
    assert header[3].startswith("Check-in: how carefully do you read? (")
    by_user = {r["username"]: r for r in rows}
    for name, value in expected_percents(app).items():
        assert float(by_user[name][header[3]]) == pytest.approx(value, abs=0.05)
    assert by_user["gus"][header[3]] == ""

    response = browser.get(f"/teach/classes/{klass['id']}/export/responses.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "student",
        "username",
        "assignment",
        "assignment_id",
        "attempt",
        "attempt_status",
        "question",
        "question_number",
        "kind",
        "type",
        "answer",
        "points",
        "max_points",
        "ground_points",
        "ground_max_points",
        "time_seconds",
        "answered_at",
        "submitted_at",
    ]
    ana = [r for r in rows if r["username"] == "ana"]
    assert [float(r["points"]) for r in ana] == PATTERN["ana"]
    assert ana[0]["question"] == "cin-001" and ana[0]["answer"] == "Raúl Manuel"
    hal = [r for r in rows if r["username"] == "hal"]
    assert len(hal) == 9 and {r["attempt_status"] for r in hal} == {"in progress"}


def test_export_neutralises_spreadsheet_formulas(app, browser, make_class, make_user):
    make_user("mallory", name='=HYPERLINK("http://x")')
    klass = make_class(students=("mallory",))
    browser.login("teacher")
    body = browser.get(f"/teach/classes/{klass['id']}/export/gradebook.csv").get_data()
    row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1]
    assert row[0] == '\'=HYPERLINK("http://x")'


def test_another_teacher_sees_none_of_it(app, browser, make_class, check_in_class):
    klass, assignment_id = check_in_class
    browser.logout()
    make_class(teacher="other", students=())
    browser.login("other")
    sam = klass["students"]["ana"]
    attempt_id = latest_attempt_id(app, sam)
    for url in (
        f"/teach/classes/{klass['id']}",
        f"/teach/classes/{klass['id']}/grades",
        f"/teach/classes/{klass['id']}/people",
        f"/teach/classes/{klass['id']}/skills",
        f"/teach/classes/{klass['id']}/students/{sam}",
        f"/teach/assignments/{assignment_id}",
        f"/teach/attempts/{attempt_id}",
        f"/teach/classes/{klass['id']}/export/gradebook.csv",
        f"/teach/classes/{klass['id']}/export/responses.csv",
    ):
        assert browser.get(url).status_code == 404, url


def test_a_student_of_another_class_is_not_found(app, browser, make_class, make_user):
    klass = make_class(students=())
    stranger = make_user("stranger")
    browser.login("teacher")
    assert browser.get(f"/teach/classes/{klass['id']}/students/{stranger}").status_code == 404


def test_student_page_shows_the_changes_made_for_them(app, browser, make_class, make_assignment):
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(klass["id"], slug="check-in")
    sam = klass["students"]["sam"]
    browser.login("teacher")
    adjust = f"/teach/assignments/{assignment_id}/students/{sam}"
    browser.page(adjust)
    browser.post(f"{adjust}/extra-attempt", {"extra_reason": "Was ill on the day"})
    text = text_of(browser.page(f"/teach/classes/{klass['id']}/students/{sam}"))
    assert "Was ill on the day" in text and "Teacher" in text
