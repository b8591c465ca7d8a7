"""Calls to a platform: its key set, access tokens, scores (AGS) and members (NRPS).

Each call has a timeout, and no lock or database transaction is held across one: while the
platform answers a token request it fetches our key set from /lti/jwks, which another
thread or process of ours must be free to serve.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from joserfc.jwk import RSAKey

from quizapp.lti import messages

TIMEOUT_S = 10
KEY_SET_TTL_S = 600
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MAX_MEMBER_PAGES = 50

_key_sets: dict[str, tuple[float, dict]] = {}
_tokens: dict[tuple[str, str, str], tuple[float, str]] = {}
_cache_lock = threading.Lock()  # guards the two dicts only, never held across a request


class PlatformError(Exception):
    """A call to the platform failed; the message says how, in words a teacher can pass on."""


@dataclass(frozen=True)
class Client:
    """What the tool needs to call one platform."""

    client_id: str
    token_url: str
    key: RSAKey


def _request(method: str, url: str, **kwargs: Any) -> requests.Response:
    try:
        response = requests.request(method, url, timeout=TIMEOUT_S, **kwargs)
    except requests.Timeout:
        raise PlatformError(f"the platform did not answer within {TIMEOUT_S} s") from None
    except requests.RequestException:
        raise PlatformError("the platform is unreachable") from None
    if response.status_code >= 400:
        raise PlatformError(f"the platform answered {response.status_code} {response.reason}")
    return response


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise PlatformError("the platform's answer is not JSON") from None


def key_set(url: str, *, refresh: bool = False) -> dict:
    """The platform's public keys, kept for a while; refresh when a token names an unknown key."""
    with _cache_lock:
        cached = _key_sets.get(url)
    if cached and not refresh and cached[0] > time.monotonic():
        return cached[1]
    keys = _json(_request("GET", url, headers={"Accept": "application/json"}))
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise PlatformError("the platform's key set is not a JSON Web Key Set")
    with _cache_lock:
        _key_sets[url] = (time.monotonic() + KEY_SET_TTL_S, keys)
    return keys


def access_token(client: Client, scope: str) -> str:
    """A bearer token for the scope, from the platform's token endpoint (OAuth 2 client
    credentials with a signed JWT, as the LTI security framework asks), kept until it expires."""
    cache_key = (client.token_url, client.client_id, scope)
    with _cache_lock:
        cached = _tokens.get(cache_key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    assertion = messages.client_assertion(
        client_id=client.client_id, token_url=client.token_url, key=client.key
    )
    answer = _json(
        _request(
            "POST",
            client.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
                "scope": scope,
            },
            headers={"Accept": "application/json"},
        )
    )
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise PlatformError("the platform's token endpoint gave no access token")
    lifetime = answer.get("expires_in", 3600)
    lifetime = lifetime if isinstance(lifetime, int) else 3600
    with _cache_lock:
        _tokens[cache_key] = (time.monotonic() + max(0, lifetime - 60), token)
    return token


def post_score(client: Client, lineitem_url: str, score: dict[str, Any]) -> None:
    """Send one score to a line item's scores endpoint."""
    base, _, query = lineitem_url.partition("?")
    url = base.rstrip("/") + "/scores" + (f"?{query}" if query else "")
    _request(
        "POST",
        url,
        json=score,
        headers={
            "Authorization": f"Bearer {access_token(client, SCORE_SCOPE)}",
            "Content-Type": "application/vnd.ims.lis.v1.score+json",
        },
    )


def members(client: Client, memberships_url: str) -> list[dict[str, Any]]:
    """Every member of a course, following the platform's next-page links."""
    headers = {
        "Authorization": f"Bearer {access_token(client, MEMBERS_SCOPE)}",
        "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
    }
    found: list[dict[str, Any]] = []
    url: str | None = memberships_url
    for _ in range(MAX_MEMBER_PAGES):
        if url is None:
            break
        response = _request("GET", url, headers=headers)
        page = _json(response)
        if not isinstance(page, dict) or not isinstance(page.get("members"), list):
            raise PlatformError("the platform's member list is not in the NRPS format")
        found.extend(member for member in page["members"] if isinstance(member, dict))
        url = response.links.get("next", {}).get("url")
    return found
