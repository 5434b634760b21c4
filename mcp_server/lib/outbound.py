"""Outbound HTTP requests that cannot be turned into a proxy into the private network (SSRF guard).

A URL that comes from the outside world (a client metadata document, an event subscription's webhook) is
fetched under these rules:

* no credentials or fragment in the URL, no redirects, no proxies from the environment;
* the host must resolve to public addresses only (no private, loopback, link-local, reserved, multicast or
  unspecified address), or to addresses inside networks an administrator allowed; checked before
  connecting *and* on the connected socket, so DNS rebinding between the check and the connection gains
  nothing;
* ``https`` everywhere; plain ``http`` only towards allowed networks;
* short timeouts (the callers add their own size caps and deadlines).
"""
import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

TIMEOUT = (3, 5)


class OutboundRefused(Exception):
    """An outbound request is refused or failed; the message says why (it holds no secret)."""


def _ip(address):
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def _is_public(ip):
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
                                 or ip.is_multicast or ip.is_unspecified)


def is_public_address(address):
    """Whether an IP address (string) is a public, routable unicast address; an IPv6 address that carries an
    IPv4 one (6to4, Teredo) is public only when that address is too."""
    ip = _ip(address)
    if ip is None:
        return False
    embedded = [ip.sixtofour, *(ip.teredo or ())] if ip.version == 6 else []
    return _is_public(ip) and all(_is_public(inner) for inner in embedded if inner is not None)


def in_networks(address, networks):
    """Whether an IP address (string) lies in one of ``networks`` (``ipaddress`` networks)."""
    ip = _ip(address)
    return ip is not None and any(ip.version == net.version and ip in net for net in networks)


def address_allowed(address, networks=()):
    """Whether a connection to ``address`` is allowed: a public address, or one inside ``networks``."""
    return is_public_address(address) or in_networks(address, networks)


def resolve_checked(host, port, networks=()):
    """Resolve ``host``; raise unless every address is allowed. Returns the set of addresses."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundRefused("cannot resolve %s" % host) from None
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(address_allowed(address, networks) for address in addresses):
        raise OutboundRefused("%s resolves to a private or reserved address" % host)
    return addresses


def check_url(url, networks=()):
    """``(host, port)`` of ``url`` once its form and its addresses pass the rules above; raise otherwise.

    ``networks``: the networks an administrator allowed (``http`` is accepted only towards them).
    """
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise OutboundRefused("invalid URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise OutboundRefused("the URL must be an https URL with a host")
    if parts.username or parts.password or parts.fragment:
        raise OutboundRefused("the URL cannot carry credentials or a fragment")
    addresses = resolve_checked(parts.hostname, port, networks)
    if parts.scheme == "http" and not all(in_networks(address, networks) for address in addresses):
        raise OutboundRefused("plain http is allowed only towards the networks allowed in Settings; use https")
    return parts.hostname, port


class _CheckedPeer:
    """Mixed into urllib3 connections: the connected socket's peer must be allowed too."""

    allowed_networks = ()

    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not address_allowed(peer, self.allowed_networks):
            sock.close()
            raise OutboundRefused("%s connected to a private or reserved address" % self.host)
        return sock


class GuardedHTTPSConnection(_CheckedPeer, HTTPSConnection):
    """An https connection to public addresses only."""


class GuardedHTTPConnection(_CheckedPeer, HTTPConnection):
    """A plain http connection; its peer must lie inside the allowed networks (see :func:`check_url`)."""

    def _new_conn(self):
        sock = super()._new_conn()
        if not in_networks(sock.getpeername()[0], self.allowed_networks):
            sock.close()
            raise OutboundRefused("plain http is allowed only towards the networks allowed in Settings")
        return sock


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections check their peer against ``networks`` (public addresses always
    pass over https)."""

    def __init__(self, networks=(), **kwargs):
        attrs = {"allowed_networks": tuple(networks)}
        https_conn = type("AllowedHTTPSConnection", (GuardedHTTPSConnection,), attrs)
        http_conn = type("AllowedHTTPConnection", (GuardedHTTPConnection,), attrs)
        self._pools = {
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        }
        super().__init__(max_retries=0, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pools)


def guarded_session(networks=()):
    """A ``requests.Session`` that ignores proxy settings and connects only as the rules above allow.

    Use it with ``allow_redirects=False`` and a timeout; call :func:`check_url` first for a clear error.
    """
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter(networks)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
