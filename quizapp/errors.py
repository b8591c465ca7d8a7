"""Error pages that say what happened in plain words, never a stack trace."""

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest
from werkzeug.http import HTTP_STATUS_CODES

from quizapp.extensions import db

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: (
        "That page is not for your account",
        "You are logged in, but this page belongs to someone else's account or role.",
    ),
    404: ("Page not found", "The page does not exist, or it is not yours to see."),
    405: ("That action is not allowed here", "Please use the buttons and links on the page."),
    413: ("That is too large", "Please send something smaller."),
    429: ("Too many tries", "Please wait a minute and try again."),
    500: (
        "Something went wrong on our side",
        "Your saved answers are safe. Please try again in a moment.",
    ),
}


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

    for code in (403, 404, 405, 413):
        app.register_error_handler(code, lambda error, code=code: render(code))

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        # The page shows the request id (never the error) so the log entry can be found.
        return render(500, detail=f"{MESSAGES[500][1]} (Reference: {g.get('request_id', '-')})")
