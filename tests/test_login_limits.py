"""Password guessing is slowed down, and guessing a classmate's password never locks them out."""

import hashlib

from quizapp.config import TeacherSignup
from quizapp.extensions import db
from quizapp.login_limits import ADDRESS_MESSAGE, DEVICE_COOKIE, MESSAGE
from quizapp.models import Role
from quizapp.services.passwords import one_time_password
from tests.conftest import PASSWORD, add_user


def attempt(browser, username: str, password: str):
    browser.get("/login")
    return browser.post("/login", {"username": username, "password": password})


def test_five_wrong_passwords_from_one_browser_then_a_clear_message(browser, make_user):
    make_user("sam")
    for _ in range(5):
        response = attempt(browser, "sam", "wrong guess")
        assert response.status_code == 200
        assert "do not match" in response.get_data(as_text=True)
    response = attempt(browser, "sam", PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert MESSAGE in response.get_data(as_text=True)


def test_a_classmate_guessing_does_not_lock_the_student_out(browser, new_browser, make_user):
    make_user("sam")
    classmate = new_browser()
    for _ in range(5):
        attempt(classmate, "sam", "wrong guess")
    assert attempt(classmate, "sam", "wrong guess").status_code == 429
    # Sam, at another computer of the same school network, logs in as usual.
    response = attempt(browser, "sam", PASSWORD)
    assert response.status_code == 200 and "Log out" in response.get_data(as_text=True)


def test_guessing_from_many_browsers_is_capped_but_the_students_own_device_works(
    app, browser, new_browser, make_user
):
    make_user("sam")
    attempt(browser, "sam", PASSWORD)  # Sam's own device: logged in before
    browser.logout()
    for _ in range(50):  # an attacker who starts a fresh browser for every guess
        attempt(new_browser(), "sam", "wrong guess")
    stranger = new_browser()
    assert attempt(stranger, "sam", PASSWORD).status_code == 429
    response = attempt(browser, "sam", PASSWORD)
    assert response.status_code == 200 and "Log out" in response.get_data(as_text=True)


def test_other_usernames_are_not_affected(browser, make_user):
    make_user("sam")
    make_user("kim")
    for _ in range(6):
        attempt(browser, "sam", "wrong guess")
    response = attempt(browser, "kim", PASSWORD)
    assert response.status_code == 200 and "Log out" in response.get_data(as_text=True)


def test_the_device_cookie_is_signed_and_http_only(browser, make_user):
    make_user("sam")
    attempt(browser, "sam", PASSWORD)
    cookie = browser.client.get_cookie(DEVICE_COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    browser.client.set_cookie(DEVICE_COOKIE, cookie.value[:-3] + "xyz")  # tampered
    browser.logout()
    assert attempt(browser, "sam", PASSWORD).status_code == 200


def flood(new_browser, count: int, address: str = "127.0.0.1") -> None:
    """Failed log-ins with made-up usernames, each from a fresh browser, as a script sends them."""
    for n in range(count):
        attempt(new_browser(address), f"nobody{n}", "wrong guess")


def logged_in(response) -> bool:
    return response.status_code == 200 and "Log out" in response.get_data(as_text=True)


def test_a_flood_from_the_schools_address_does_not_lock_out_trusted_devices(
    app, browser, new_browser, make_user, limits_storage, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "10 per minute")
    make_user("sam")
    make_user("kim")
    make_user("teacher", Role.TEACHER)
    teacher = new_browser()
    for device, username in ((browser, "sam"), (teacher, "teacher")):
        assert logged_in(attempt(device, username, PASSWORD))
        device.logout()
    flood(new_browser, 12)
    # Everyone on a device they logged in on before gets in as usual...
    assert logged_in(attempt(browser, "sam", PASSWORD))
    assert logged_in(attempt(teacher, "teacher", PASSWORD))
    # ...while the flood is stopped: from this address a new browser cannot try any more.
    response = attempt(new_browser(), "kim", PASSWORD)
    assert response.status_code == 429
    assert ADDRESS_MESSAGE in response.get_data(as_text=True)


def test_successful_log_ins_do_not_count_towards_the_address_limit(
    app, new_browser, make_user, limits_storage, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "5 per minute")
    for n in range(10):  # a class logging in on computers new to them, three with a typo first
        make_user(f"student{n}")
        computer = new_browser()
        if n < 3:
            attempt(computer, f"student{n}", "wrong guess")
        assert logged_in(attempt(computer, f"student{n}", PASSWORD))


def test_a_student_who_signs_up_trusts_that_device(
    app, browser, new_browser, make_class, limits_storage, monkeypatch
):
    klass = make_class(students=())
    browser.get("/join")
    browser.post(
        "/join",
        {
            "join_code": klass["code"],
            "display_name": "Ana Diaz",
            "username": "ana",
            "password": "my secret pw",
            "confirm": "my secret pw",
        },
    )
    browser.logout()
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")
    flood(new_browser, 4)
    assert attempt(new_browser(), "ana", "my secret pw").status_code == 429
    assert logged_in(attempt(browser, "ana", "my secret pw"))


def test_a_teacher_who_signs_up_trusts_that_device(app, browser, new_browser, monkeypatch):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.OPEN)
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP_CODE", None)
    browser.get("/signup")
    browser.post(
        "/signup",
        {
            "display_name": "Ms Rivera",
            "username": "rivera",
            "password": "a long secret",
            "confirm": "a long secret",
        },
    )
    browser.logout()
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")
    flood(new_browser, 4)
    assert attempt(new_browser(), "rivera", "a long secret").status_code == 429
    assert logged_in(attempt(browser, "rivera", "a long secret"))


def test_an_ipv6_network_counts_as_one_address(app, new_browser, make_user, monkeypatch):
    """One site is given a whole /64 network: changing the last part does not start afresh."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")
    make_user("sam")
    for n in range(1, 5):
        attempt(new_browser(f"2001:db8:5:6::{n}"), f"nobody{n}", "wrong guess")
    assert attempt(new_browser("2001:db8:5:6::99"), "sam", PASSWORD).status_code == 429
    assert logged_in(attempt(new_browser("2001:db8:5:7::1"), "sam", PASSWORD))


def password_hashing_work(browser, username: str, monkeypatch) -> int:
    """The scrypt work (N x r x p, summed over its calls) that one failed log-in cost."""
    work = []
    scrypt = hashlib.scrypt

    def counted(password, *, salt, n, r, p, **options):
        work.append(n * r * p)
        return scrypt(password, salt=salt, n=n, r=r, p=p, **options)

    browser.get("/login")
    with monkeypatch.context() as patch:
        patch.setattr(hashlib, "scrypt", counted)
        browser.post("/login", {"username": username, "password": "wrong guess"})
    return sum(work)


def test_an_unknown_username_costs_the_same_password_hashing_as_a_known_one(
    app, browser, new_browser, make_user, monkeypatch
):
    make_user("sam")
    with app.app_context():
        new_student = add_user("new.student")  # a roster account, its one-time password unused
        new_student.set_password(one_time_password(), temporary=True)
        db.session.commit()
    attempt(new_browser(), "warm-up", "wrong guess")  # a server makes its stand-in hash once
    known = password_hashing_work(browser, "sam", monkeypatch)
    unknown = password_hashing_work(new_browser(), "nobody-has-this-name", monkeypatch)
    one_time = password_hashing_work(new_browser(), "new.student", monkeypatch)
    assert known == 2**15 * 8  # Werkzeug's scrypt default
    assert unknown == known
    assert known <= one_time <= known * 1.05
