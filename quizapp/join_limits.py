"""Limits that make class codes impossible to guess, and sign-ups limited per network address.

A class code is 6 characters from 25, one of about 244 million. Only wrong codes count, on both
ways of joining (the sign-up form and a logged-in student's "join a class"), together:

- Per browser: 10 wrong codes an hour, so a student who keeps mistyping is told to wait.
- Per network address (as for log-ins, an IPv6 /64 network): JOIN_CODE_LIMIT_PER_ADDRESS, by
  default 40 a minute, 100 an hour and 300 a day. A class of 30 typing its code at once, all of
  them mistyping it once, stays under it. A script gets 300 guesses a day: against a school
  with 100 classes, one code found in about 22 years.

Sign-ups from one address are limited too, SIGNUP_LIMIT_PER_ADDRESS (by default 100 a minute
and 500 an hour, whatever their outcome): a class signing up at once, with its mistakes, makes
about 50. It bounds how many accounts a script can make, and how many usernames someone with a
valid code can try to find out are taken.
"""

from flask import Response, current_app, g

from quizapp.extensions import limiter
from quizapp.login_limits import address, device_id
from quizapp.models import Classroom
from quizapp.services.classrooms import classroom_by_code

PER_BROWSER = "10 per hour"
BROWSER_MESSAGE = (
    "Too many wrong class codes were typed on this device. Wait an hour, then try again with "
    "the code your teacher gave you."
)
ADDRESS_MESSAGE = (
    "Too many wrong class codes have come from your network. Please wait a while, then try "
    "again with the code your teacher gave you."
)
SIGNUP_MESSAGE = "Too many accounts were made from your network just now. Please wait a while."


def classroom_for_code(code: str) -> Classroom | None:
    """The class with this code; a wrong code counts towards the limits above."""
    classroom = classroom_by_code(code)
    if classroom is None:
        g.wrong_class_code = True
    return classroom


def _wrong_code(_response: Response) -> bool:
    return g.get("wrong_class_code", False)


def _codes_per_address() -> str:
    return current_app.config["JOIN_CODE_LIMIT_PER_ADDRESS"]


def _signups_per_address() -> str:
    return current_app.config["SIGNUP_LIMIT_PER_ADDRESS"]


def limit_code_guesses(view):
    """The wrong-code limits, shared by every view that takes a class code."""
    view = limiter.shared_limit(
        _codes_per_address,
        scope="class-code-address",
        key_func=address,
        methods=["POST"],
        deduct_when=_wrong_code,
        error_message=ADDRESS_MESSAGE,
    )(view)
    return limiter.shared_limit(
        PER_BROWSER,
        scope="class-code-browser",
        key_func=device_id,
        methods=["POST"],
        deduct_when=_wrong_code,
        error_message=BROWSER_MESSAGE,
    )(view)


def limit_signups(view):
    """The per-address limit on sign-up forms sent."""
    return limiter.limit(
        _signups_per_address, key_func=address, methods=["POST"], error_message=SIGNUP_MESSAGE
    )(view)
