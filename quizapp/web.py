"""What every response carries: security headers, a request id, and the health check."""

import io
import logging
import secrets

import flask
import sqlalchemy as sa
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from quizapp.extensions import db


# Our pages load only our own scripts and styles: no inline code, nothing from elsewhere.
# Pico CSS draws its icons as data: images, hence img-src data:.
def content_security_policy(
    *, form_action: tuple[str, ...] = (), frame_ancestors: tuple[str, ...] = ("'none'",)
) -> str:
    """The policy; an LMS page may frame ours and our deep-link return posts to the LMS."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            " ".join(("form-action 'self'", *form_action)),
            " ".join(("frame-ancestors", *frame_ancestors)),
        )
    )


CONTENT_SECURITY_POLICY = content_security_policy()
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

NUL_MESSAGE = "The text sent contains a NUL character, which is not allowed. Nothing was saved."
TOO_MANY_FIELDS = (
    "That form had more than {limit:,} fields, more than any page here sends, so it was not "
    "read and nothing was saved."
)


class FieldCountingParser(FormDataParser):
    """Holds url-encoded forms to max_form_parts fields too (Werkzeug counts only multipart
    ones), before parsing them: a form of 100,000 fields is refused at once."""

    def parse(self, stream, mimetype, content_length, options=None):
        if mimetype == "application/x-www-form-urlencoded" and self.max_form_parts is not None:
            body = stream.read()  # at most MAX_CONTENT_LENGTH
            if body.count(b"&") >= self.max_form_parts:
                raise RequestEntityTooLarge(TOO_MANY_FIELDS.format(limit=self.max_form_parts))
            stream = io.BytesIO(body)
        return super().parse(stream, mimetype, content_length, options)


class Request(flask.Request):
    form_data_parser_class = FieldCountingParser


class RequestIdFilter(logging.Filter):
    """Adds the request id to log records, so an error can be found from what a user reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request
            record.request_id = "-"
        return True


def register(app: Flask) -> None:
    app.request_class = Request
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    app.logger.handlers[:] = [handler]

    @app.before_request
    def assign_request_id():
        g.request_id = secrets.token_hex(8)

    @app.before_request
    def refuse_nul_characters():
        # No text of ours has them, and PostgreSQL cannot store them: refuse them up front.
        values = [request.path, *request.args.values(), *request.form.values()]
        values += [f.filename or "" for f in request.files.values()]
        if any("\x00" in value for value in values):
            raise BadRequest(NUL_MESSAGE)

    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if request.endpoint != "static":
            # Pages hold students' answers and grades: no copy stays in a shared computer's cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/healthz")
    def healthz():
        """For load balancers and monitoring: the app answers and its database too."""
        try:
            db.session.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            app.logger.exception("health check: database unreachable")
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok")
