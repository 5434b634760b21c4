"""Absolute URLs of this authorization server and of the protected resource (``/mcp``).

Every URL derives from the server's *public origin*, which comes from configuration, never from
the request alone: ``web.base.url`` and the allowed origins of the MCP settings are the public
origins. A request reaching the server under one of them (its ``Host``, or ``X-Forwarded-Host``
when Odoo runs with ``--proxy-mode``) is answered with that origin; any other request with the
origin of ``web.base.url``. When ``web.base.url`` is itself a loopback address, the loopback
aliases of the same scheme and port (``localhost``, ``127.0.0.1``, ``[::1]``) count as public too.
"""
from urllib.parse import urlsplit

MCP_PATH = "/mcp"
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
REVOKE_PATH = "/oauth/revoke"
REGISTER_PATH = "/oauth/register"
DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def _origin_parts(url):
    """``(scheme, host, port)`` of an absolute http(s) URL, normalised (lower case, default port
    made explicit), or None."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def origin(url):
    """The origin of ``url`` as a string without a trailing slash (``https://odoo.example.com``), the
    default port left out; None when ``url`` is not an absolute http(s) URL."""
    parts = _origin_parts(url)
    if not parts:
        return None
    scheme, host, port = parts
    netloc = "[%s]" % host if ":" in host else host
    if port != DEFAULT_PORTS[scheme]:
        netloc += ":%s" % port
    return "%s://%s" % (scheme, netloc)


def public_base_url(request_url, base_url, allowed_origins=()):
    """The public origin to answer a request that reached the server at ``request_url``.

    ``base_url`` is ``web.base.url``; ``allowed_origins`` the other configured public origins.
    """
    # web.base.url is always set by Odoo; the request's origin is only a last resort.
    default = origin(base_url) or origin(request_url)
    requested = _origin_parts(request_url)
    if not requested:
        return default
    public = [parts for parts in map(_origin_parts, [base_url, *allowed_origins]) if parts]
    if requested in public:
        return origin(request_url)
    configured = _origin_parts(base_url)
    if (configured and configured[1] in LOOPBACK_HOSTS and requested[1] in LOOPBACK_HOSTS
            and (configured[0], configured[2]) == (requested[0], requested[2])):
        return origin(request_url)
    return default


def issuer(base_url):
    """The issuer identifier: the server's public origin, without a trailing slash (RFC 8414)."""
    return base_url.rstrip("/")


def endpoint(base_url, path):
    return issuer(base_url) + path


def canonical_resource(base_url):
    """The resource identifier tokens are bound to (RFC 8707): this server's ``/mcp``."""
    return issuer(base_url) + MCP_PATH


def normalize_resource(uri):
    """A resource URI compared the way RFC 3986 §6.2.2-6.2.3 allows: scheme and host in lower case,
    default port left out, no trailing slash. None when ``uri`` is not an absolute http(s) URI
    without query or fragment."""
    try:
        parts = urlsplit((uri or "").strip())
    except ValueError:
        return None
    own_origin = origin(uri)
    if not own_origin or parts.query or parts.fragment or "#" in uri or parts.username or parts.password:
        return None
    return own_origin + parts.path.rstrip("/")


def resource_matches(base_url, resource):
    """Whether a ``resource`` parameter names this server's MCP endpoint (after normalisation).

    The origin itself is accepted too: it is what the root protected-resource metadata
    document names, and the only protected resource at that origin is ``/mcp``.
    """
    own = normalize_resource(base_url)
    return normalize_resource(resource) in (own, own + MCP_PATH)
