"""A real LTI 1.3 platform for the tests: lti1p3platform's classes in a small Flask app.

It plays the LMS: it starts OIDC log-ins, signs launches (resource links and deep linking),
takes deep-linking responses, issues access tokens (fetching the tool's key set to check the
tool's signed request), and answers the scores (AGS) and members (NRPS) services. What the
tool sent is kept on the Platform object for the tests to read.
"""

from __future__ import annotations

import json
import threading
import typing as t
from dataclasses import dataclass, field
from urllib.parse import urlencode

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, jsonify, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from werkzeug.serving import make_server

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CLIENT_ID = "quizapp-client"
DEPLOYMENT_ID = "deployment-1"
COURSE = {"id": "course-101", "title": "Media literacy 101", "label": "ML101"}


def new_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class Person:
    sub: str
    name: str
    role: str
    email: str = ""


@dataclass
class Platform:
    """The LMS's state: its address, keys, the tool's addresses, and what the tool sent."""

    base: str = ""
    tool: str = ""
    private_key: str = field(default_factory=new_private_key)
    # Signs launches; a test can swap in another key to forge them.
    signing_key: str | None = None
    resource_links: dict[str, dict] = field(default_factory=dict)
    deep_link_items: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    scores_down: bool = False
    last_id_token: str | None = None

    @property
    def issuer(self) -> str:
        return self.base

    def registration(self) -> Registration:
        key = self.signing_key or self.private_key
        return (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(f"{self.tool}/lti/login")
            .set_launch_url(f"{self.tool}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool}/lti/launch")
            .set_tool_key_set_url(f"{self.tool}/lti/jwks")
            .set_platform_public_key(public_pem(self.private_key))  # what /jwks publishes
            .set_platform_private_key(key)
        )

    def start_launch(self, person: Person, *, kind: str = "resource", link: str = "") -> str:
        """The address a browser opens to launch the tool as this person."""
        query = {"person": json.dumps(person.__dict__), "kind": kind, "link": link}
        return f"{self.base}/launch?{urlencode(query)}"

    def cli_args(self) -> list[str]:
        return [
            "lti",
            "add-platform",
            "--issuer",
            self.issuer,
            "--client-id",
            CLIENT_ID,
            "--deployment-id",
            DEPLOYMENT_ID,
            "--auth-login-url",
            f"{self.base}/authorize",
            "--auth-token-url",
            f"{self.base}/token",
            "--keyset-url",
            f"{self.base}/jwks",
        ]


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.platform: Platform = kwargs["platform"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.platform.registration()


class _FlaskRequest(Request):
    def build_metadata(self, flask_request: t.Any) -> t.Any:
        return {
            "method": flask_request.method,
            "form_data": flask_request.form.to_dict(),
            "get_data": flask_request.args.to_dict(),
            "headers": dict(flask_request.headers),
            "content_type": flask_request.content_type,
            "path": flask_request.path,
            "json": flask_request.get_json(silent=True),
        }


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> Response:
        return Response(status=302, headers={"Location": url})


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> str:
        # The platform's own page: an inline script is the platform's business, not the tool's.
        return (
            f'<form id="launch" method="post" action="{launch_data["launch_url"]}">'
            f'<input type="hidden" name="id_token" value="{launch_data["id_token"]}">'
            f'<input type="hidden" name="state" value="{launch_data["state"]}">'
            '<button type="submit">Continue</button></form>'
            "<script>document.getElementById('launch').submit()</script>"
        )


def make_app(platform: Platform) -> Flask:
    app = Flask("lti_test_platform")

    def conf() -> _Conf:
        return _Conf(platform=platform)

    @app.get("/launch")
    def launch():
        hint = json.dumps({**request.args.to_dict(), "person": json.loads(request.args["person"])})
        config = conf()
        login = _Login(_FlaskRequest(request), config)
        login.set_lti_message_hint(hint=hint)
        person = json.loads(request.args["person"])
        return login.initiate_login(person["sub"])

    @app.get("/authorize")
    def authorize():
        hint = json.loads(request.args["lti_message_hint"])
        person, kind, link = hint["person"], hint["kind"], hint["link"]
        message = _Launch(_FlaskRequest(request), conf())
        message.set_user_data(
            person["sub"], [person["role"]], full_name=person["name"], email_address=None
        )
        message.set_launch_context_claim(
            COURSE["id"], context_title=COURSE["title"], context_label=COURSE["label"]
        )
        message.set_nrps(f"{platform.base}/memberships")
        if kind == "deeplink":
            message.set_dl(f"{platform.base}/deep-link-return", accept_types={"ltiResourceLink"})
        else:
            placed = platform.resource_links.get(link, {})
            message.set_resource_link_claim(link or "unplaced-link", title=placed.get("title"))
            if placed.get("custom"):
                message.set_custom_parameters_claim(placed["custom"])
            if placed.get("lineitem"):
                message.set_ags(
                    f"{platform.base}/lineitems",
                    lineitem_url=placed["lineitem"],
                    allow_creating_lineitems=False,
                )
        page = message.lti_launch()
        platform.last_id_token = page.split('name="id_token" value="', 1)[1].split('"', 1)[0]
        return page

    @app.post("/token")
    def token():
        config = conf()
        config.get_registration()
        try:
            return jsonify(config.get_access_token(request.form.to_dict()))
        except Exception as error:  # the platform library refuses with assorted errors
            return jsonify(error="invalid_client", error_description=str(error)), 400

    @app.get("/jwks")
    def jwks():
        config = conf()
        config.get_registration()
        return jsonify(config.get_jwks())

    @app.post("/deep-link-return")
    def deep_link_return():
        config = conf()
        config.get_registration()
        items = config.validate_deeplinking_resp(request.form.to_dict())
        for item in items:
            number = len(platform.resource_links) + 1
            link_id = f"link-{number}"
            platform.resource_links[link_id] = {
                "title": item.get("title"),
                "custom": item.get("custom") or {},
                "lineitem": f"{platform.base}/lineitems/{number}" if item.get("lineItem") else None,
                "item": item,
            }
            platform.deep_link_items.append(item)
        titles = ", ".join(str(item.get("title")) for item in items)
        return f"<h1>Added to the course</h1><p id='added'>{titles}</p>"

    def _authorised(scope: str) -> bool:
        config = conf()
        config.get_registration()
        auth = request.headers.get("Authorization", "").split()
        return (
            len(auth) == 2
            and auth[0].lower() == "bearer"
            and config.validate_token(auth[1], allowed_scopes=[scope])
        )

    @app.post("/lineitems/<number>/scores")
    def scores(number: str):
        if platform.scores_down:
            return "down for maintenance", 503
        if not _authorised("https://purl.imsglobal.org/spec/lti-ags/scope/score"):
            return "unauthorised", 401
        platform.scores.append({"lineitem": number, **request.get_json(force=True)})
        return "", 200

    @app.get("/memberships")
    def memberships():
        scope = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
        if not _authorised(scope):
            return "unauthorised", 401
        body = {
            "id": request.url,
            "context": {"id": COURSE["id"], "title": COURSE["title"]},
            "members": platform.members,
        }
        return Response(
            json.dumps(body),
            mimetype="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
        )

    return app


class Served:
    """A WSGI app served on a loopback port by a thread, until stopped."""

    def __init__(self, app: t.Any):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
