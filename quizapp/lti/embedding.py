"""Working inside the LMS's iframe: cookies the iframe sends, and pages the LMS may frame.

An LMS shows the tool in an iframe on its own site, so to the browser every request from the
iframe is cross-site: cookies marked SameSite=Lax (our default) are not sent with them. For
a session started by an LTI launch over HTTPS the session cookie is therefore marked
`SameSite=None; Secure`; everywhere else it stays Lax. Browsers that block third-party
cookies altogether still fail inside the iframe; the launch then offers to open the tool in
a new window, where its cookies are first-party. Over plain http (development) SameSite=None
cannot be used, so LTI in an iframe needs HTTPS.

Our pages forbid framing (frame-ancestors 'none'). A page of an LTI session may be framed by
the origins of the platform that launched it: its issuer, its log-in address and the return
address of the launch. The log-in and launch answers themselves (redirects, or a page saying
what was wrong, with no buttons to trick anyone into) may be framed by any site, since the
platform is not known before they are checked.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request, session
from flask.sessions import SecureCookieSessionInterface

from quizapp.web import content_security_policy

SESSION_KEY = "lti_frame"  # the origins that may frame this LTI session's pages
OPEN_ENDPOINTS = {"lti.login", "lti.launch"}


def origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def frame_origins(*urls: str | None) -> list[str]:
    """The distinct origins of these addresses, for an LTI session's frame-ancestors."""
    found: list[str] = []
    for url in urls:
        if (value := origin(url)) and value not in found:
            found.append(value)
    return found


def framed_session() -> bool:
    return bool(session.get(SESSION_KEY))


class LtiSessionInterface(SecureCookieSessionInterface):
    """The usual signed-cookie session, sent cross-site (SameSite=None; Secure) for an LTI
    session over HTTPS, so that it works in the LMS's iframe."""

    def get_cookie_samesite(self, app: Flask) -> str | None:
        if request.is_secure and framed_session():
            return "None"
        return super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (request.is_secure and framed_session())


def state_cookie_name(state: str) -> str:
    # One cookie per log-in, so that launches in two tabs do not overwrite each other's.
    return f"lti_state_{state[:24]}"


def set_state_cookie(response: Response, state: str, max_age: int) -> None:
    secure = request.is_secure
    response.set_cookie(
        state_cookie_name(state),
        state,
        max_age=max_age,
        path="/lti/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )


def state_cookie_matches(state: str) -> bool:
    return request.cookies.get(state_cookie_name(state)) == state


def allow_framing(response: Response) -> Response:
    """Let the launching LMS frame an LTI session's pages (see the module's docstring)."""
    if request.endpoint in OPEN_ENDPOINTS:
        ancestors: list[str] = ["*"]
    elif framed_session():
        ancestors = ["'self'", *session[SESSION_KEY]]
    else:
        return response
    if "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", ""):
        response.headers["Content-Security-Policy"] = content_security_policy(
            frame_ancestors=tuple(ancestors)
        )
    response.headers.pop("X-Frame-Options", None)
    return response


def register(app: Flask) -> None:
    app.session_interface = LtiSessionInterface()
    app.after_request(allow_framing)
