"""Redirect URI rules: which URIs a client may register, and how a presented URI is matched.

* A presented ``redirect_uri`` must equal a registered one exactly, except that for a loopback
  URI (``http://127.0.0.1``, ``http://[::1]``, ``http://localhost``) the port may differ, as
  desktop clients listen on a port chosen at run time (RFC 8252 §7.3, OAuth 2.1 §8.4.2).
* Registrable URIs: ``https``, loopback ``http``, or a private-use scheme of a native app
  (``cursor://…``); never a fragment, credentials, or a scheme a browser would execute.
* Self-registered clients (dynamic registration, metadata documents) may only use URIs of the
  administrator's allowlist. An allowlist entry is an exact URI; a loopback origin without port
  (``http://127.0.0.1``) allows every port and path on it; an entry ending in ``*`` allows every
  URI starting with the text before the ``*`` (which must reach into the path).
"""
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
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


def redirect_uri_error(uri):
    """Why ``uri`` cannot be a redirect URI, or None when it can."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000 or any(c.isspace() for c in uri):
        return "not a URI"
    parts = _split(uri)
    if parts is None or not parts.scheme:
        return "not an absolute URI"
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


def redirect_uri_matches(registered, presented):
    """Exact match, or the same loopback URI on another port."""
    if registered == presented:
        return True
    if not (is_loopback(registered) and is_loopback(presented)):
        return False
    a, b = urlsplit(registered), urlsplit(presented)
    return (a.hostname, a.path, a.query) == (b.hostname, b.path, b.query)


def allowlist_pattern_error(pattern):
    """Why an allowlist entry is invalid, or None."""
    wildcard = pattern.endswith("*")
    prefix = pattern[:-1] if wildcard else pattern
    parts = _split(prefix)
    if "*" in prefix or (wildcard and (parts is None or not parts.scheme or not parts.path.startswith("/") or (
            parts.scheme in ("http", "https") and not parts.hostname))):
        return "'%s': a wildcard is only allowed at the end, after the start of the path" % pattern
    if wildcard:
        return None
    error = redirect_uri_error(pattern)
    return error and "'%s': %s" % (pattern, error)


def allowlisted(uri, patterns):
    """Whether ``uri`` is allowed by one of the allowlist ``patterns``."""
    parts = _split(uri)
    if parts is None:
        return False
    for pattern in patterns:
        if pattern.endswith("*"):
            if uri.startswith(pattern[:-1]):
                return True
            continue
        if uri == pattern:
            return True
        pattern_parts = _split(pattern)
        if (pattern_parts and is_loopback(pattern) and pattern_parts.port is None and pattern_parts.path in ("", "/")
                and is_loopback(uri) and parts.hostname == pattern_parts.hostname):
            return True
    return False


def split_uris(text):
    """The URIs of a list separated by spaces or new lines."""
    return (text or "").split()
