"""Fetching a Client ID Metadata Document without becoming a proxy into the private network.

A client whose ``client_id`` is an https URL publishes its metadata at that URL (MCP 2025-11-25,
"Client ID Metadata Documents"). The URL comes from the outside world, so the fetch is guarded:

* https only, no credentials in the URL, no redirects, no proxies from the environment;
* the host must resolve to public addresses only (no private, loopback, link-local, reserved,
  multicast or unspecified address), checked before connecting *and* on the connected socket,
  so DNS rebinding between the check and the connection gains nothing (the shared guard of
  ``mcp_server.lib.outbound``; no administrator-allowed network applies here);
* short connect/read timeouts, an overall deadline and a size cap.
"""
import json
import time
from urllib.parse import urlsplit

import requests

from odoo.addons.mcp_server.lib.outbound import OutboundRefused, guarded_session, is_public_address, resolve_checked

MAX_BYTES = 8 * 1024
TIMEOUT = (3, 5)
DEADLINE_SECONDS = 8

__all__ = ["ClientMetadataError", "fetch_client_metadata", "is_public_address"]


class ClientMetadataError(Exception):
    """A client metadata document cannot be used; the message says why (it holds no secret)."""


def resolve_public(host, port):
    """Resolve ``host``; raise unless every address it resolves to is public (no network is allowed here)."""
    try:
        resolve_checked(host, port)
    except OutboundRefused as exc:
        raise ClientMetadataError(str(exc)) from None


def check_url(url):
    """Raise unless ``url`` may be fetched (https, a host, no credentials, no fragment)."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise ClientMetadataError("invalid URL") from None
    if parts.scheme != "https" or not parts.hostname:
        raise ClientMetadataError("a client metadata document must be served over https")
    if parts.username or parts.password or parts.fragment:
        raise ClientMetadataError("a client_id URL cannot carry credentials or a fragment")
    if parts.path in ("", "/"):
        raise ClientMetadataError("a client_id URL must have a path")
    return parts.hostname, port


def _download(url):
    """GET ``url`` through the guarded adapter; the body, at most ``MAX_BYTES``."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    with guarded_session() as session:
        try:
            with session.get(url, timeout=TIMEOUT, allow_redirects=False, stream=True,
                             headers={"Accept": "application/json"}) as response:
                if response.status_code != 200:
                    raise ClientMetadataError("the client metadata document answered HTTP %s" % response.status_code)
                body = b""
                for chunk in response.iter_content(1024):
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise ClientMetadataError("the client metadata document exceeds %s bytes" % MAX_BYTES)
                    if time.monotonic() > deadline:
                        raise ClientMetadataError("the client metadata document took too long")
                return body
        except OutboundRefused as exc:
            raise ClientMetadataError(str(exc)) from None
        except requests.RequestException as exc:
            raise ClientMetadataError("cannot fetch the client metadata document: %s" % type(exc).__name__) from None


def fetch_client_metadata(url):
    """The JSON object published at ``url``, fetched under the rules of this module."""
    host, port = check_url(url)
    resolve_public(host, port)
    try:
        document = json.loads(_download(url))
    except (ValueError, UnicodeDecodeError):
        raise ClientMetadataError("the client metadata document is not JSON") from None
    if not isinstance(document, dict):
        raise ClientMetadataError("the client metadata document is not a JSON object")
    return document
