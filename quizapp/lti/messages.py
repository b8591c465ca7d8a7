"""LTI 1.3 messages: checking a platform's id_token, and signing what the tool sends.

Written on joserfc rather than a ready-made tool library, so that every check the launch
needs is here to read: the signature against the platform's key set, iss, aud and azp,
exp and iat, the deployment, the message type and its claims. The nonce, which must be used
up on the first launch, is checked by the caller against the log-in it started.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from joserfc import errors, jws, jwt
from joserfc.jwk import KeySet, RSAKey

from quizapp.refusals import Refusal

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
LAUNCH_LEEWAY_S = 60  # clocks of two servers differ a little
TOKEN_LIFETIME_S = 300

INSTRUCTOR_ROLES = {"Instructor", "Administrator", "ContentDeveloper", "Mentor"}
LEARNER_ROLES = {"Learner"}


class LaunchError(Refusal):
    """A launch the tool refuses; the message names the problem, for the page and the log."""


class UnknownKeyError(LaunchError):
    """The token names a key the platform's key set (as we have it) does not hold."""


@dataclass
class Launch:
    """What a checked id_token says, in the names the rest of the app uses."""

    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return self.claims[LTI + "message_type"]

    @property
    def subject(self) -> str:
        return self.claims["sub"]

    @property
    def deployment_id(self) -> str:
        return self.claims[LTI + "deployment_id"]

    @property
    def name(self) -> str:
        return display_name(self.claims)

    @property
    def is_instructor(self) -> bool:
        return is_instructor(self.claims.get(LTI + "roles", []))

    @property
    def is_learner(self) -> bool:
        return is_learner(self.claims.get(LTI + "roles", []))

    @property
    def context(self) -> dict[str, Any]:
        return self.claims.get(LTI + "context") or {}

    @property
    def context_title(self) -> str:
        context = self.context
        return str(context.get("title") or context.get("label") or "LMS course").strip()[:120]

    @property
    def resource_link_id(self) -> str | None:
        return (self.claims.get(LTI + "resource_link") or {}).get("id")

    @property
    def custom(self) -> dict[str, Any]:
        custom = self.claims.get(LTI + "custom")
        return custom if isinstance(custom, dict) else {}

    @property
    def lineitem_url(self) -> str | None:
        return (self.claims.get(AGS) or {}).get("lineitem")

    @property
    def memberships_url(self) -> str | None:
        return (self.claims.get(NRPS) or {}).get("context_memberships_url")

    @property
    def deep_linking(self) -> dict[str, Any]:
        return self.claims.get(DL + "deep_linking_settings") or {}

    @property
    def return_url(self) -> str | None:
        return (self.claims.get(LTI + "launch_presentation") or {}).get("return_url")


def role_names(roles: list[Any]) -> set[str]:
    """The short names of LTI roles: ...membership#Instructor and Instructor give Instructor,
    and a sub-role such as ...membership/Instructor#TeachingAssistant counts as its main role.
    Only roles in the course count: an institution role (a teacher somewhere) does not."""
    names = set()
    for role in roles:
        if not isinstance(role, str):
            continue
        if "/membership/" in role:  # a sub-role
            names.add(role.split("/membership/", 1)[1].split("#", 1)[0])
        elif "/membership#" in role:
            names.add(role.split("/membership#", 1)[1])
        elif "/" not in role and "#" not in role:
            names.add(role)
    return names


def is_instructor(roles: list[Any]) -> bool:
    return bool(role_names(roles) & INSTRUCTOR_ROLES)


def is_learner(roles: list[Any]) -> bool:
    return bool(role_names(roles) & LEARNER_ROLES)


def display_name(person: dict[str, Any]) -> str:
    """A person's name from a launch or a member list: name, given and family names, or email."""
    full = person.get("name") or " ".join(
        str(part) for part in (person.get("given_name"), person.get("family_name")) if part
    )
    return str(full or person.get("email") or "LMS user").strip()[:120]


def unverified_issuer(id_token: str) -> str:
    """The issuer an id_token names, read before its signature is checked, only to compare it
    with the platform whose key set then checks it."""
    try:
        claims = json.loads(jws.extract_compact(id_token.encode()).payload)
    except (errors.JoseError, ValueError, TypeError):
        raise LaunchError("The launch token (id_token) is not a readable JWT.") from None
    if not isinstance(claims, dict):
        raise LaunchError("The launch token (id_token) is not a readable JWT.")
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise LaunchError("The launch token has no issuer (iss claim).")
    return issuer


def verify_launch(
    id_token: str, *, key_set: dict, issuer: str, client_id: str, deployments: set[str]
) -> Launch:
    """Check an id_token's signature and claims against the registration; LaunchError if not."""
    try:
        keys = KeySet.import_key_set(key_set)
    except (errors.JoseError, ValueError, TypeError, KeyError):
        raise LaunchError("The platform's key set (keyset URL) holds no usable key.") from None
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
    except errors.InvalidKeyIdError:
        raise UnknownKeyError(
            "The launch token is signed with a key that is not in the platform's key set."
        ) from None
    except errors.BadSignatureError:
        raise LaunchError(
            "The launch token's signature does not match the platform's key set."
        ) from None
    except (errors.JoseError, ValueError, TypeError):
        raise LaunchError("The launch token (id_token) is not a valid signed JWT.") from None
    claims = token.claims
    _check_claims(claims, issuer=issuer, client_id=client_id)
    deployment = claims.get(LTI + "deployment_id")
    if not isinstance(deployment, str) or not deployment:
        raise LaunchError("The launch token has no deployment id.")
    if deployment not in deployments:
        raise LaunchError(
            f"The deployment {deployment!r} is not registered for this platform: the school's "
            "administrator adds it in quizapp."
        )
    launch = Launch(claims)
    _check_message(launch)
    return launch


def _check_claims(claims: dict[str, Any], *, issuer: str, client_id: str) -> None:
    if claims.get("iss") != issuer:
        raise LaunchError("The launch token's issuer does not match the registration.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise LaunchError("The launch token is not for this tool's client id (aud claim).")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise LaunchError("The launch token's authorised party (azp claim) is not this tool.")
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise LaunchError("The launch token has no expiry time or issue time (exp, iat claims).")
    if exp < now - LAUNCH_LEEWAY_S:
        raise LaunchError("The launch token has expired: please launch again from the LMS.")
    if iat > now + LAUNCH_LEEWAY_S:
        raise LaunchError("The launch token is dated in the future: check the servers' clocks.")
    for claim in ("sub", "nonce"):
        if not isinstance(claims.get(claim), str) or not claims[claim]:
            raise LaunchError(f"The launch token has no {claim} claim.")


def _check_message(launch: Launch) -> None:
    claims = launch.claims
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchError("The launch is not LTI version 1.3.0.")
    if not isinstance(claims.get(LTI + "roles"), list):
        raise LaunchError("The launch token has no roles claim.")
    kind = claims.get(LTI + "message_type")
    if kind == RESOURCE_LINK_REQUEST:
        if not launch.resource_link_id:
            raise LaunchError("The launch token has no resource link id.")
    elif kind == DEEP_LINKING_REQUEST:
        if not launch.deep_linking.get("deep_link_return_url"):
            raise LaunchError("The deep linking request has no deep_link_return_url.")
    else:
        raise LaunchError(f"quizapp does not take launches of the kind {kind!r}.")
    if not launch.context.get("id"):
        raise LaunchError("The launch token has no course (context claim with an id).")


def _sign(claims: dict[str, Any], key: RSAKey) -> str:
    now = int(time.time())
    body = {"iat": now, "exp": now + TOKEN_LIFETIME_S, "jti": secrets.token_urlsafe(16), **claims}
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, body, key)


def deep_linking_response(
    launch: Launch, *, client_id: str, key: RSAKey, items: list[dict[str, Any]]
) -> str:
    """The signed LtiDeepLinkingResponse for the platform's deep_link_return_url."""
    claims: dict[str, Any] = {
        "iss": client_id,
        "aud": launch.claims["iss"],
        "nonce": secrets.token_urlsafe(16),
        LTI + "message_type": DEEP_LINKING_RESPONSE,
        LTI + "version": "1.3.0",
        LTI + "deployment_id": launch.deployment_id,
        DL + "content_items": items,
    }
    if "data" in launch.deep_linking:
        claims[DL + "data"] = launch.deep_linking["data"]
    return _sign(claims, key)


def client_assertion(*, client_id: str, token_url: str, key: RSAKey) -> str:
    """The signed JWT the tool authenticates with at the platform's token endpoint."""
    return _sign({"iss": client_id, "sub": client_id, "aud": token_url}, key)
