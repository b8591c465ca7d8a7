"""A student the teacher removed stays out of the class, and of its teacher's articles, until the
teacher adds them back."""

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Enrollment
from quizapp.services import drafts
from tests.conftest import BANK

ARTICLE = BANK / "articles" / "nyt-2019-cuban-doctors-votes.md"


def teachers_article(app, teacher_id: int) -> str:
    """An article the teacher brought to the question builder; its address for students."""
    with app.app_context():
        draft = drafts.create_draft(teacher_id, "Doctors")
        article = drafts.add_article(draft, ARTICLE.read_text("utf-8"), file_name=ARTICLE.name)
        db.session.commit()
        return f"/articles/{article.slug}"


def remove(teacher, klass: dict, student: str):
    page = f"/teach/classes/{klass['id']}"
    teacher.page(page)
    return teacher.post(
        f"{page}/students/{klass['students'][student]}/remove", {"confirmed": "yes"}
    )


def is_current(app, student_id: int) -> bool:
    with app.app_context():
        enrollment = db.session.scalar(
            sa.select(Enrollment).where(Enrollment.student_id == student_id)
        )
        return enrollment.removed_at is None


def test_a_removed_student_cannot_rejoin_with_the_class_code(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam",))
    make_assignment(klass["id"])
    sam = new_browser()
    sam.login("sam")
    browser.login("teacher")
    remove(browser, klass, "sam")

    sam.page("/home")
    html = sam.post("/classes/join", {"join_code": klass["code"]}).get_data(as_text=True)
    assert "Your teacher removed you from Year 10" in html
    assert "ask your teacher to add you back" in html
    assert "You have joined" not in html and "Who said what" not in html
    assert not is_current(app, klass["students"]["sam"])


def test_a_removed_student_cannot_read_the_teachers_articles(app, browser, new_browser, make_class):
    klass = make_class(students=("sam", "kim"))
    article = teachers_article(app, klass["teacher_id"])
    sam, kim = new_browser(), new_browser()
    sam.login("sam")
    kim.login("kim")
    assert sam.get(article).status_code == 200
    browser.login("teacher")
    remove(browser, klass, "sam")
    assert sam.get(article).status_code == 404
    assert kim.get(article).status_code == 200


def test_the_teacher_adds_a_removed_student_back(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam",))
    make_assignment(klass["id"])
    article = teachers_article(app, klass["teacher_id"])
    sam = new_browser()
    sam.login("sam")
    browser.login("teacher")
    html = remove(browser, klass, "sam").get_data(as_text=True)
    removed = html.split("<h3>Removed from the class</h3>")[1]
    assert "Sam" in removed and "Add back" in removed

    page = f"/teach/classes/{klass['id']}"
    html = browser.post(f"{page}/students/{klass['students']['sam']}/add-back").get_data(
        as_text=True
    )
    assert "Sam is back in the class" in html
    assert "<h3>Removed from the class</h3>" not in html
    assert "Sam" in html.split("<h2>Roster</h2>")[1]
    assert is_current(app, klass["students"]["sam"])
    assert "Who said what" in sam.page("/home")
    assert sam.get(article).status_code == 200


def test_adding_back_a_student_who_is_in_the_class_changes_nothing(app, browser, make_class):
    klass = make_class(students=("sam",))
    browser.login("teacher")
    page = f"/teach/classes/{klass['id']}"
    browser.page(page)
    html = browser.post(f"{page}/students/{klass['students']['sam']}/add-back").get_data(
        as_text=True
    )
    assert "Sam is already in the class" in html
    assert is_current(app, klass["students"]["sam"])
