"""Redirect URI rules: which URIs a client may register, and how a presented URI is matched.

* A presented ``redirect_uri`` must equal a registered one exactly, except that for a loopback
  URI (``http://127.0.0.1``, ``http://[::1]``, ``http://localhost``) the port may differ, as
  desktop clients listen on a port chosen at run time (RFC 8252 §7.3, OAuth 2.1 §8.4.2).
* Registrable URIs: ``https``, loopback ``http``, or a private-use scheme of a native app
  (``cursor://…``); never a fragment, credentials, or a scheme a browser would execute.
* Self-registered clients (dynamic registration, metadata documents) may only use URIs of the
  administrator's allowlist. An allowlist entry is an exact URI; a loopback host on any port
  (``http://127.0.0.1:*``, older form ``http://127.0.0.1``) allows every port and path on it; a strict
  prefix (``https://chatgpt.com/connector/oauth/*``) allows the URIs of the same scheme, host and port
  whose path lies under the path before the ``*``, which ends at a ``/``. No wildcard in a host.
"""
import re
from urllib.parse import unquote, urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
APPLICATION_TYPES = ("web", "native")
LOOPBACK_ORIGINS = {"http://127.0.0.1": "127.0.0.1", "http://[::1]": "::1", "http://localhost": "localhost"}
# The characters RFC 3986 allows in a URI (a backslash, a quote, a space or a control character is none).
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
FORBIDDEN_SCHEMES = ("javascript", "data", "file", "vbscript", "about", "blob", "ftp", "ws", "wss")


def _split(uri):
    try:
        parts = urlsplit(uri)
        _port = parts.port  # raises ValueError on an invalid port
    except ValueError:
        return None
    return parts


def is_loopback(uri):
    parts = _split(uri)
    return bool(parts and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def malformed_uri_error(uri):
    """Why ``uri`` is not an absolute URI at all, or None."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000 or not URI_CHARACTERS.fullmatch(uri):
        return "not a URI (empty, too long, or with a character a URI cannot hold, such as a space or a backslash)"
    parts = _split(uri)
    if parts is None or not parts.scheme:
        return "not an absolute URI"
    return None


def redirect_uri_error(uri):
    """Why ``uri`` cannot be a redirect URI, or None when it can."""
    error = malformed_uri_error(uri)
    if error:
        return error
    parts = _split(uri)
    if parts.fragment or "#" in uri:
        return "a redirect URI cannot have a fragment"
    if parts.username or parts.password:
        return "a redirect URI cannot carry credentials"
    scheme = parts.scheme.lower()
    if scheme in FORBIDDEN_SCHEMES:
        return "scheme %s is not allowed" % scheme
    if scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "http is only allowed on loopback addresses; use https"
    if scheme in ("http", "https") and not parts.hostname:
        return "missing host"
    if scheme not in ("http", "https") and not (parts.netloc or parts.path):
        return "missing path"
    return None


def application_type_error(uri, application_type):
    """Why ``uri`` does not suit a client of ``application_type`` (OpenID Connect Dynamic Registration §2,
    as MCP 2026-07-28 asks), or None. ``web``: https on a host that is not loopback. ``native``: a loopback
    port, the app's own URI scheme, or an https URI the app claims (RFC 8252 §7). Without a declared type
    (clients older than that revision), only the allowlist applies."""
    parts = _split(uri)
    if application_type == "web" and (parts.scheme.lower() != "https" or parts.hostname in LOOPBACK_HOSTS):
        return "a web application's redirect URI must be https on a public host; register as native instead"
    if application_type == "native" and parts.scheme.lower() == "https" and parts.hostname in LOOPBACK_HOSTS:
        return "a native application listens on http at a loopback address"
    return None


def redirect_uri_matches(registered, presented):
    """Exact match, or the same loopback URI on another port."""
    if registered == presented:
        return True
    if not (is_loopback(registered) and is_loopback(presented)):
        return False
    a, b = urlsplit(registered), urlsplit(presented)
    return (a.hostname, a.path, a.query) == (b.hostname, b.path, b.query)


def _loopback_any_port(pattern):
    """The host of a loopback entry for every port (``http://127.0.0.1:*``, or the older form without a
    port, ``http://127.0.0.1``), else None."""
    origin = pattern.rstrip("/").lower()
    return LOOPBACK_ORIGINS.get(origin[:-2] if origin.endswith(":*") else origin)


def _prefix(pattern):
    """The parts of a prefix entry (``https://chatgpt.com/connector/oauth/*``), else None."""
    if not pattern.endswith("/*") or "*" in pattern[:-1]:
        return None
    parts = _split(pattern[:-1])
    if not parts or not parts.scheme or not parts.path.startswith("/") or parts.query or parts.fragment:
        return None
    if parts.scheme in ("http", "https") and not parts.hostname:
        return None
    return parts


def allowlist_pattern_error(pattern):
    """Why an allowlist entry is invalid, or None."""
    if _loopback_any_port(pattern):
        return None
    if "*" in pattern:
        if _prefix(pattern) is None:
            return ("'%s': a * is only allowed as a loopback port (http://127.0.0.1:*) or at the end of a path "
                    "ending in / (https://app.example/oauth/*)" % pattern)
        error = redirect_uri_error(pattern[:-1])
        return error and "'%s': %s" % (pattern, error)
    error = redirect_uri_error(pattern)
    return error and "'%s': %s" % (pattern, error)


def _under_prefix(parts, prefix):
    """Whether URI ``parts`` lie under a prefix entry: same scheme, host and port, the path below the
    prefix's path, no dot segment that a browser would resolve out of it."""
    if (parts.scheme.lower(), parts.hostname, parts.port) != (prefix.scheme.lower(), prefix.hostname, prefix.port):
        return False
    if parts.username or parts.password or not parts.path.startswith(prefix.path):
        return False
    segments = unquote(parts.path).replace("\\", "/").split("/")
    return not any(segment in (".", "..") for segment in segments)


def allowlisted(uri, patterns):
    """Whether ``uri`` is allowed by one of the allowlist ``patterns``: an exact URI, a loopback host on
    any port (RFC 8252 §7.3), or a strict path prefix."""
    parts = _split(uri)
    if parts is None:
        return False
    for pattern in patterns:
        if uri == pattern:
            return True
        host = _loopback_any_port(pattern)
        if host:
            if is_loopback(uri) and parts.hostname == host:
                return True
            continue
        prefix = _prefix(pattern)
        if prefix and _under_prefix(parts, prefix):
            return True
    return False


def split_uris(text):
    """The URIs of a list separated by spaces or new lines."""
    return (text or "").split()
