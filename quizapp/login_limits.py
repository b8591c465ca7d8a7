"""Log-in limits that stop password guessing without letting anyone lock a school out.

A school's students and teachers all reach the app from one network address, so a limit on an
address's log-ins would let one script shut out the whole school, and a limit on a username's
would let one student shut out a classmate. So only failed log-ins count, a class logging in
at once uses up nothing, and:

- Per browser and username: 5 failures a minute, 30 an hour. This is the only limit for a
  browser trusted for that username, one that has logged in or signed up as that user before
  (its signed cookie lists them). Nobody else can add to it, so whatever anyone types
  elsewhere, and whatever the address has done, a student or teacher on their own device gets
  in.
- Per username, from browsers not trusted for it: 50 failures an hour, so that a fresh browser
  for each guess does not multiply the guesses at one account.
- Per network address, from browsers not trusted for the username typed: LOGIN_LIMIT_PER_ADDRESS
  failures (by default 100 a minute and 1,000 an hour), so that a flood from one address cannot
  try common passwords on every username. A school's typing mistakes on new devices stay far
  below it; while a flood holds it, only those new devices wait, and the message says so.

An IPv6 address counts by its /64 network, which is what one school or home is given.
"""

import ipaddress
import secrets

from flask import Flask, Response, current_app, g, request
from flask_login import user_logged_in
from itsdangerous import BadSignature, URLSafeSerializer

from quizapp.extensions import limiter
from quizapp.models import User

DEVICE_COOKIE = "quizapp_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # about a school year and a bit
PER_BROWSER = "5 per minute; 30 per hour"
PER_USERNAME_FROM_NEW_BROWSERS = "50 per hour"
MESSAGE = (
    "Too many failed log-ins for this username from this browser. Wait a minute and try "
    "again, or ask your teacher to reset your password."
)
ADDRESS_MESSAGE = (
    "Too many failed log-ins have come from your network, so log-ins from devices new to an "
    "account have to wait for a while. On a device where you logged in before, you can log in "
    "as usual."
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


def device_id() -> str:
    """This browser's own random id, kept in its device cookie."""
    return _device()["id"]


def address() -> str:
    """The client's network address; for IPv6, its /64 network."""
    remote = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network((ip, 64), strict=False))


def _username() -> str:
    return (request.form.get("username") or "").strip().lower()[:64]


def browser_and_username() -> str:
    return f"{device_id()}:{_username()}"


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


def _trust_this_browser(_app: Flask, user: User, **_extra) -> None:
    """Every log-in marks the browser, a sign-up's first one included."""
    remember_login(user.username)


def _per_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def limit_login(view):
    """The three limits above, on the log-in form's POST."""
    view = limiter.limit(
        _per_address,
        key_func=address,
        methods=["POST"],
        exempt_when=trusted_browser,
        deduct_when=failed,
        error_message=ADDRESS_MESSAGE,
    )(view)
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
    user_logged_in.connect(_trust_this_browser, app)

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
