"""Class codes cannot be guessed, a class joining at once is never held up, and the join form
tells nobody without a class's code whether a username is taken."""

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.join_limits import ADDRESS_MESSAGE, BROWSER_MESSAGE, SIGNUP_MESSAGE
from quizapp.models import Enrollment, User


def join(browser, code: str, username: str, password: str = "my secret pw", **fields):
    browser.get("/join")
    return browser.post(
        "/join",
        {
            "join_code": code,
            "display_name": username.title(),
            "username": username,
            "password": password,
            "confirm": password,
            **fields,
        },
    )


def enrolled(app, username: str) -> bool:
    with app.app_context():
        return (
            db.session.scalar(
                sa.select(Enrollment.id)
                .join(User, User.id == Enrollment.student_id)
                .where(User.username == username, Enrollment.removed_at.is_(None))
            )
            is not None
        )


def test_wrong_codes_from_one_browser_are_stopped_with_a_message_to_wait(
    app, browser, make_class, limits_storage
):
    klass = make_class(students=())
    for n in range(10):
        html = join(browser, f"WRONG{n}", "ana").get_data(as_text=True)
        assert "No class has that code" in html
    response = join(browser, klass["code"], "ana")  # now even the right code waits
    assert response.status_code == 429
    assert BROWSER_MESSAGE in response.get_data(as_text=True)
    assert not enrolled(app, "ana")


def test_wrong_codes_from_fresh_browsers_are_stopped_at_the_address(
    app, new_browser, make_class, limits_storage
):
    klass = make_class(students=())
    for n in range(40):  # a script that starts a new browser for every guess
        assert join(new_browser(), f"WRONG{n}", "ana").status_code == 200
    response = join(new_browser(), klass["code"], "ana")
    assert response.status_code == 429
    assert ADDRESS_MESSAGE in response.get_data(as_text=True)
    # Another network is not held up.
    assert "You have joined Year 10" in join(
        new_browser("198.51.100.7"), klass["code"], "ana"
    ).get_data(as_text=True)


def test_a_class_of_30_joining_at_once_with_typos_is_never_stopped(
    app, new_browser, make_class, limits_storage
):
    klass = make_class(students=())
    students = [(f"student{n}", new_browser()) for n in range(30)]
    typo = klass["code"][:-1]
    for n, (_username, device) in enumerate(students):  # half of them mistype the code first
        if n % 2 == 0:
            assert "No class has that code" in join(device, typo, "x").get_data(as_text=True)
    for username, device in students:
        html = join(device, klass["code"].lower(), username).get_data(as_text=True)
        assert "You have joined Year 10" in html
    assert all(enrolled(app, username) for username, _ in students)


def test_a_logged_in_students_wrong_codes_are_stopped_too(app, browser, make_class):
    second = make_class(teacher="other", students=(), name="History")
    make_class(students=("sam",))
    browser.login("sam")
    for n in range(10):
        html = browser.post("/classes/join", {"join_code": f"WRONG{n}"}).get_data(as_text=True)
        assert "No class has that code" in html
    response = browser.post("/classes/join", {"join_code": second["code"]})
    assert response.status_code == 429
    assert BROWSER_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        classes = db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment))
    assert classes == 1


def test_the_join_form_says_a_username_is_taken_only_with_a_right_code(app, browser, make_class):
    klass = make_class(students=("sam",))
    html = join(browser, "WRONG1", "sam").get_data(as_text=True)
    assert "No class has that code" in html
    assert "taken" not in html
    html = join(browser, klass["code"], "sam").get_data(as_text=True)
    assert "That username is taken" in html


def test_sign_ups_from_one_address_are_limited(app, new_browser, make_class, limits_storage):
    klass = make_class(students=())
    for n in range(100):  # sign-up forms sent, whatever became of them
        response = join(new_browser(), klass["code"], f"student{n}", confirm="typo")
        assert "The two passwords differ" in response.get_data(as_text=True)
    response = join(new_browser(), klass["code"], "ana")
    assert response.status_code == 429
    assert SIGNUP_MESSAGE in response.get_data(as_text=True)
    assert not enrolled(app, "ana")
