"""Which hosts and browser origins may reach /mcp: taken from configuration, never from the request.

The public origins are ``web.base.url`` plus the origins listed in Settings. When the public URL itself is
a loopback address, the other loopback names (``localhost``, ``127.0.0.1``, ``[::1]``) are aliases of it.
"""
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(url):
    """``scheme://host[:port]`` in lower case, without the default port; None when not an absolute URL."""
    try:
        parts = urlsplit(url.strip().rstrip("/").lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname
    if port and port != DEFAULT_PORTS[parts.scheme]:
        host = "%s:%s" % (host, port)
    return "%s://%s" % (parts.scheme, host)


def split_host(host):
    """``(name, port)`` of a Host header value, lower case; port None when absent."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        name, _sep, rest = host.partition("]")
        name += "]"
        port = rest[1:] if rest.startswith(":") else None
    else:
        name, _sep, port = host.partition(":")
        port = port or None
    return name, port


class PublicOrigins:
    """The configured public origins and the hosts they name."""

    def __init__(self, base_url, allowed_origins):
        entries = (allowed_origins or "").replace(",", " ").split()
        self.any_origin = "*" in entries
        self.origins = {o for o in map(normalize_origin, [base_url or "", *entries]) if o}
        self.loopback = False
        base = normalize_origin(base_url or "")
        if base:
            scheme, _sep, host = base.partition("://")
            name, port = split_host(host)
            self.loopback = name in LOOPBACK_HOSTS
            if self.loopback:
                suffix = ":%s" % port if port else ""
                self.origins |= {"%s://%s%s" % (scheme, alias, suffix)
                                 for alias in ("localhost", "127.0.0.1", "[::1]")}
        self.hosts = set()
        for origin in self.origins:
            scheme, _sep, host = origin.partition("://")
            name, port = split_host(host)
            self.hosts.add((name, port or str(DEFAULT_PORTS[scheme])))

    def host_allowed(self, host, scheme="http"):
        """Whether a request's Host names one of the public origins (any port on a loopback public URL)."""
        name, port = split_host(host)
        if not name:
            return False
        if self.loopback and name in LOOPBACK_HOSTS:
            return True
        return (name, port or str(DEFAULT_PORTS.get(scheme, 80))) in self.hosts

    def origin_allowed(self, origin):
        """Whether a browser ``Origin`` is one of the public origins (or the Settings list says ``*``)."""
        if self.any_origin:
            return True
        normalized = normalize_origin(origin or "")
        return bool(normalized) and normalized in self.origins
