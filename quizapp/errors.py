"""Error pages that say what happened in plain words, never a stack trace."""

from collections.abc import Callable

from flask import Flask, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from quizapp.database import DatabaseBusy
from quizapp.extensions import db
from quizapp.refusals import Refusal
from quizapp.transactions import begin_reading

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: (
        "That page is not for your account",
        "You are logged in, but this page belongs to someone else's account or role.",
    ),
    404: ("Page not found", "The page does not exist, or it is not yours to see."),
    405: ("That action is not allowed here", "Please use the buttons and links on the page."),
    413: (
        "That is too large",
        "It was more than this site takes in one go, so nothing was saved. Please send "
        "something smaller.",
    ),
    429: ("Too many tries", "Please wait a minute and try again."),
    500: (
        "Something went wrong on our side",
        "Your saved answers are safe. Please try again in a moment.",
    ),
    503: (
        "Busy for a moment",
        "Many changes are being saved right now, so this one had to wait. Nothing was changed: "
        "please try again in a moment. Your saved answers are safe.",
    ),
}
BUSY_RETRY_AFTER_S = 2
# Endpoints that answer in their own way when the database is busy (see when_busy).
_busy_responses: dict[str, Callable[..., ResponseReturnValue | None]] = {}


def when_busy(endpoint: str) -> Callable:
    """Register what an endpoint answers, instead of the busy page, when the database stays
    busy; it runs in a transaction that only reads, and returns None to show the busy page."""

    def register(respond: Callable[..., ResponseReturnValue | None]) -> Callable:
        _busy_responses[endpoint] = respond
        return respond

    return register


def register(app: Flask) -> None:
    def render(code: int, title: str | None = None, detail: str | None = None):
        if request.path.startswith("/api/"):  # the API answers in JSON, errors too
            return jsonify(error=HTTP_STATUS_CODES.get(code, "error").lower()), code
        default_title, default_detail = MESSAGES.get(code, MESSAGES[400])
        return render_template(
            "error.html", code=code, title=title or default_title, detail=detail or default_detail
        ), code

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render(
            400,
            "The form had expired",
            "For your safety, forms expire. Please go back, reload the page and send it again.",
        )

    @app.errorhandler(429)
    def too_many(error):
        return render(429, detail=error.description)

    @app.errorhandler(400)
    def bad_request(error):
        # Our own refusals carry a message for the user; werkzeug's generic one does not help.
        custom = error.description != BadRequest.description
        return render(400, detail=error.description if custom else None)

    for code in (403, 404, 405):
        app.register_error_handler(code, lambda error, code=code: render(code))

    @app.errorhandler(413)
    def too_large(error):
        custom = error.description != RequestEntityTooLarge.description
        return render(413, detail=error.description if custom else None)

    @app.errorhandler(Refusal)
    def refused(refusal: Refusal):
        # A refusal no view answered in its own way: nothing was saved (the request's
        # transaction was rolled back), and the message says why.
        return render(400, "That could not be done", str(refusal))

    @app.errorhandler(DatabaseBusy)
    def database_busy(_error):
        # Only SQLite gets here: another request held the write lock beyond the wait. Nothing
        # of this request was written; what is shown is read without taking the lock.
        app.logger.warning("database busy: %s %s was not saved", request.method, request.path)
        begin_reading()
        respond = _busy_responses.get(request.endpoint or "")
        try:
            answer = respond(**(request.view_args or {})) if respond else None
        except HTTPException as refusal:  # the endpoint's own checks refused the request
            return app.handle_http_exception(refusal)
        response = make_response(render(503) if answer is None else answer)
        response.status_code = 503
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
        return response

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        # The page shows the request id (never the error) so the log entry can be found.
        return render(500, detail=f"{MESSAGES[500][1]} (Reference: {g.get('request_id', '-')})")
