"""Signed ``requestState`` of input-required results (MCP multi round-trip requests).

The state travels through the client, so it is signed (HMAC-SHA256 with a server secret) and bound to
the credential, the request it belongs to (method, name, digest of the arguments) and an expiry; any state
that fails one of these checks is refused.
"""
import base64
import hashlib
import hmac
import json
import time

DEFAULT_TTL_SECONDS = 600


class RequestStateError(ValueError):
    """A ``requestState`` that is tampered with, expired, or presented on another request or credential."""


def request_digest(method, name, arguments):
    """What binds a state to the request that produced it."""
    canonical = json.dumps([method, name, arguments or {}], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _mac(secret, data):
    return hmac.new(secret.encode(), data, hashlib.sha256).digest()


def sign_state(secret, principal, digest, payload, ttl=DEFAULT_TTL_SECONDS):
    """An opaque, signed state carrying ``payload`` for the retry of one request."""
    body = json.dumps({"p": principal, "r": digest, "e": int(time.time()) + ttl, "d": payload},
                      separators=(",", ":"), default=str).encode()
    token = base64.urlsafe_b64encode(body).decode().rstrip("=")
    signature = base64.urlsafe_b64encode(_mac(secret, body)).decode().rstrip("=")
    return "%s.%s" % (token, signature)


def verify_state(secret, state, principal, digest):
    """The payload of a state signed by :func:`sign_state`, or :class:`RequestStateError`."""
    if not isinstance(state, str) or state.count(".") != 1 or len(state) > 65536:
        raise RequestStateError("malformed requestState")
    token, signature = state.split(".")
    try:
        body = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        given = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except ValueError:
        raise RequestStateError("malformed requestState") from None
    if not hmac.compare_digest(given, _mac(secret, body)):
        raise RequestStateError("requestState signature does not match")
    content = json.loads(body)
    if content.get("p") != principal:
        raise RequestStateError("requestState belongs to another credential")
    if content.get("r") != digest:
        raise RequestStateError("requestState belongs to another request")
    if content.get("e", 0) < time.time():
        raise RequestStateError("requestState expired")
    return content.get("d")
