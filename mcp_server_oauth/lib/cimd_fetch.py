"""Fetching a Client ID Metadata Document without becoming a proxy into the private network.

A client whose ``client_id`` is an https URL publishes its metadata at that URL (MCP 2025-11-25,
"Client ID Metadata Documents"). The URL comes from the outside world, so the fetch is guarded:

* https only, no credentials in the URL, no redirects, no proxies from the environment;
* the host must resolve to public addresses only (no private, loopback, link-local, reserved,
  multicast or unspecified address), checked before connecting *and* on the connected socket,
  so DNS rebinding between the check and the connection gains nothing;
* short connect/read timeouts, an overall deadline and a size cap.
"""
import ipaddress
import json
import socket
import time
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool

MAX_BYTES = 8 * 1024
TIMEOUT = (3, 5)
DEADLINE_SECONDS = 8


class ClientMetadataError(Exception):
    """A client metadata document cannot be used; the message says why (it holds no secret)."""


def is_public_address(address):
    """Whether an IP address (string) is a public, routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
                                 or ip.is_multicast or ip.is_unspecified)


def resolve_public(host, port):
    """Resolve ``host``; raise unless every address it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ClientMetadataError("cannot resolve %s" % host) from None
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise ClientMetadataError("%s resolves to a private or reserved address" % host)


class _PublicOnlyHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not is_public_address(peer):
            sock.close()
            raise ClientMetadataError("%s connected to a private or reserved address" % self.host)
        return sock


class _PublicOnlyHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicOnlyHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"https": _PublicOnlyHTTPSPool}


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
    with requests.Session() as session:
        session.trust_env = False
        session.mount("https://", _PublicOnlyAdapter(max_retries=0))
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
