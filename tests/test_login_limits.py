"""Password guessing is slowed down, and guessing a classmate's password never locks them out."""

from quizapp.login_limits import DEVICE_COOKIE, MESSAGE
from tests.conftest import PASSWORD


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
