import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Classroom, Enrollment
from quizapp.services.classrooms import CODE_ALPHABET
from tests.quiz_helpers import latest_attempt_id, start_quiz


def test_teacher_creates_a_class_and_sees_its_code(app, browser, make_user):
    make_user("teacher", "teacher")
    browser.login("teacher")
    browser.page("/teach/")
    html = browser.post("/teach/classes", {"name": "Year 10 English"}).get_data(as_text=True)
    with app.app_context():
        classroom = db.session.scalar(sa.select(Classroom))
    assert classroom.name == "Year 10 English"
    assert f"Students join with the code {classroom.join_code}" in html
    assert len(classroom.join_code) == 6 and set(classroom.join_code) <= set(CODE_ALPHABET)


def test_class_name_is_required(app, browser, make_user):
    make_user("teacher", "teacher")
    browser.login("teacher")
    browser.page("/teach/")
    response = browser.post("/teach/classes", {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Classroom)) == 0


def test_regenerated_code_replaces_the_old_one(app, browser, make_class):
    klass = make_class()
    browser.login("teacher")
    browser.page(f"/teach/classes/{klass['id']}")
    html = browser.post(f"/teach/classes/{klass['id']}/code", {"confirmed": "yes"}).get_data(
        as_text=True
    )
    new_code = re.search(r"New class code: (\w+)\.", html).group(1)
    assert new_code != klass["code"]
    with app.app_context():
        assert db.session.get(Classroom, klass["id"]).join_code == new_code


def test_removed_student_leaves_the_roster_but_keeps_results(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "kim"))
    assignment_id = make_assignment(klass["id"])
    student = new_browser()
    student.login("sam")
    start_quiz(student, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])

    browser.login("teacher")
    browser.page(f"/teach/classes/{klass['id']}")
    html = browser.post(
        f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}/remove",
        {"confirmed": "yes"},
    ).get_data(as_text=True)
    assert "Their past results are kept" in html
    roster, removed = html.split("<h2>Roster</h2>")[1].split("<h3>Removed from the class</h3>")
    assert "Sam" not in roster and "Kim" in roster
    assert "Sam" in removed and "Kim" not in removed
    with app.app_context():
        assert db.session.get(Attempt, attempt_id) is not None
        enrollment = db.session.scalar(
            sa.select(Enrollment).where(Enrollment.student_id == klass["students"]["sam"])
        )
        assert enrollment.removed_at is not None
    # The removed student no longer sees the class's quizzes.
    assert "Who said what" not in student.page("/home")


def test_teacher_assigns_a_set_with_settings(app, browser, make_class):
    klass = make_class()
    browser.login("teacher")
    html = browser.page(f"/teach/classes/{klass['id']}/assign")
    set_id = re.search(r'<option (?:selected )?value="(\d+)">Who said what', html).group(1)
    html = browser.post(
        f"/teach/classes/{klass['id']}/assign",
        {
            "set_id": set_id,
            "opens_at": "2026-01-05T09:00",
            "due_at": "2026-01-12T09:00",
            "attempts_allowed": "2",
            "time_limit_minutes": "45",
            "shuffle_questions": "y",
            "show_answers": "after_due",
        },
    ).get_data(as_text=True)
    assert "is assigned to Year 10" in html
    from quizapp.models import Assignment

    with app.app_context():
        assignment = db.session.scalar(sa.select(Assignment))
        assert (assignment.attempts_allowed, assignment.time_limit_minutes) == (2, 45)
        assert assignment.shuffle_questions and not assignment.shuffle_choices
        assert assignment.show_answers == "after_due"
        assert assignment.opens_at.isoformat() == "2026-01-05T09:00:00"


def test_assignment_form_errors_are_shown_and_nothing_is_created(app, browser, make_class):
    klass = make_class()
    browser.login("teacher")
    html = browser.page(f"/teach/classes/{klass['id']}/assign")
    set_id = re.search(r'value="(\d+)">Who said what', html).group(1)
    response = browser.post(
        f"/teach/classes/{klass['id']}/assign",
        {
            "set_id": set_id,
            "opens_at": "2026-01-05T09:00",
            "due_at": "2026-01-01T09:00",
            "attempts_allowed": "0",
            "show_answers": "after_submit",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Between 1 and 20." in html
    response = browser.post(
        f"/teach/classes/{klass['id']}/assign",
        {
            "set_id": set_id,
            "opens_at": "2026-01-05T09:00",
            "due_at": "2026-01-01T09:00",
            "attempts_allowed": "1",
            "show_answers": "after_submit",
        },
    )
    assert "The due time must be after the opening time." in response.get_data(as_text=True)
    response = browser.post(
        f"/teach/classes/{klass['id']}/assign",
        {
            "set_id": "999999",
            "opens_at": "2026-01-05T09:00",
            "attempts_allowed": "1",
            "show_answers": "after_submit",
        },
    )
    assert "Not a valid choice" in response.get_data(as_text=True)
    from quizapp.models import Assignment

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_teachers_see_only_their_own_classes(app, browser, make_class, make_assignment):
    mine = make_class(teacher="teacher", students=("sam",))
    theirs = make_class(teacher="other", students=("kim",), name="Other class")
    their_assignment = make_assignment(theirs["id"])
    browser.login("teacher")
    assert "Other class" not in browser.page("/teach/")
    for url in (
        f"/teach/classes/{theirs['id']}",
        f"/teach/classes/{theirs['id']}/assign",
        f"/teach/assignments/{their_assignment}",
    ):
        assert browser.get(url).status_code == 404, url
    browser.page(f"/teach/classes/{mine['id']}")
    for url in (
        f"/teach/classes/{theirs['id']}/code",
        f"/teach/classes/{theirs['id']}/students/{theirs['students']['kim']}/remove",
        f"/teach/classes/{theirs['id']}/students/{theirs['students']['kim']}/reset-password",
        f"/teach/classes/{mine['id']}/students/{theirs['students']['kim']}/remove",
    ):
        assert browser.post(url, {}).status_code == 404, url
    with app.app_context():
        assert db.session.get(Classroom, theirs["id"]).join_code == theirs["code"]


def test_question_set_preview_shows_answers_and_evidence(browser, make_class):
    make_class()
    browser.login("teacher")
    html = browser.page("/teach/sets")
    assert "Who said what" in html
    html = browser.page("/teach/sets/who-said-what")
    first = html.split('id="q-wsw-001"')[1].split("</article>")[0]
    answer = first.split('<p class="evidence-label">Answer</p>')[1]
    assert answer.lstrip().startswith("<div>Yansnier Arias</div>")
    assert "said Dr. Arias, who defected" in first and "Read it in the article" in first
    assert browser.get("/teach/sets/nope").status_code == 404
