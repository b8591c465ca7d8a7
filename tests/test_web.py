"""Headers on every response, the request id, the health check, and what an error page shows."""

import logging

import pytest

from quizapp import create_app


@pytest.mark.parametrize("path", ["/", "/login", "/nope", "/healthz"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers["X-Request-ID"]) == 16


def test_pages_have_no_inline_scripts_or_styles(browser, make_class):
    make_class()
    browser.login("teacher")
    for path in ("/teach/", "/teach/sets", "/teach/sets/who-said-what", "/articles/"):
        html = browser.page(path)
        assert "<script>" not in html and "style=" not in html and "<style" not in html, path


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_a_crash_shows_a_reference_not_the_error_and_logs_it(app, caplog):
    broken = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @broken.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR, logger=broken.logger.name):
        response = broken.test_client().get("/boom")
    html = response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert "secret internals" not in html and "Traceback" not in html
    assert f"Reference: {request_id}" in html and "Your saved answers are safe" in html
    assert any(getattr(r, "request_id", None) == request_id and r.exc_info for r in caplog.records)


def test_log_in_starts_a_fresh_session(app, browser, make_user):
    make_user("sam")
    with browser.client.session_transaction() as before:
        before["planted"] = "by someone else"
    browser.login("sam")
    with browser.client.session_transaction() as after:
        assert "planted" not in after and "_user_id" in after
