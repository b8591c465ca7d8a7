"""Log-in rate limits that stop password guessing without letting a student lock a classmate out.

A school's students share one network address, so limits by address alone would let one
student shut out the class, and limits by username alone would let one student shut out a
classmate. So failed log-ins are counted per browser and username, and per username only for
browsers that have never logged in as that user: a student's own device, where they logged in
before, keeps working whatever someone else types elsewhere. An address gets a high ceiling,
far above a class logging in at once, against floods.
"""

import secrets

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from quizapp.extensions import limiter

DEVICE_COOKIE = "quizapp_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # about a school year and a bit
PER_BROWSER = "5 per minute; 30 per hour"
PER_USERNAME_FROM_NEW_BROWSERS = "50 per hour"
MESSAGE = (
    "Too many failed log-ins for this username from this browser. Wait a minute and try "
    "again, or ask your teacher to reset your password."
)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _device() -> dict:
    """This browser's id and the usernames that logged in from it, from its signed cookie."""
    if "device" not in g:
        try:
            g.device = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
        except BadSignature:
            g.device = {"id": secrets.token_hex(12), "users": []}
            g.device_changed = True
    return g.device


def _username() -> str:
    return (request.form.get("username") or "").strip().lower()[:64]


def browser_and_username() -> str:
    return f"{_device()['id']}:{_username()}"


def username() -> str:
    return _username()


def trusted_browser() -> bool:
    return _username() in _device()["users"]


def failed(response: Response) -> bool:
    """A log-in that did not go through re-shows the form; a successful one redirects."""
    return response.status_code == 200


def remember_login(username: str) -> None:
    """Mark this browser as one the user logs in from, so others' failures cannot block it."""
    device = _device()
    if username not in device["users"]:
        device["users"] = [*device["users"], username][-20:]
        g.device_changed = True


def _per_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def limit_login(view):
    """The three limits above, on the log-in form's POST."""
    view = limiter.limit(_per_address, methods=["POST"])(view)
    view = limiter.limit(
        PER_USERNAME_FROM_NEW_BROWSERS,
        key_func=username,
        methods=["POST"],
        exempt_when=trusted_browser,
        deduct_when=failed,
        error_message=MESSAGE,
    )(view)
    return limiter.limit(
        PER_BROWSER,
        key_func=browser_and_username,
        methods=["POST"],
        deduct_when=failed,
        error_message=MESSAGE,
    )(view)


def register(app: Flask) -> None:
    limiter.init_app(app)

    @app.after_request
    def keep_device_cookie(response: Response) -> Response:
        if g.get("device_changed"):
            response.set_cookie(
                DEVICE_COOKIE,
                _serializer().dumps(g.device),
                max_age=DEVICE_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response
