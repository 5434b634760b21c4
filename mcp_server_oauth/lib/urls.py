"""Absolute URLs of this authorization server and of the protected resource (``/mcp``).

Every URL derives from the server's *public origin*, which comes from configuration, never from
the request alone: ``web.base.url`` and the allowed origins of the MCP settings are the public
origins. A request reaching the server under one of them (its ``Host``, or ``X-Forwarded-Host``
when Odoo runs with ``--proxy-mode``) is answered with that origin; any other request with the
origin of ``web.base.url``. When ``web.base.url`` is itself a loopback address, the loopback
aliases of the same scheme and port (``localhost``, ``127.0.0.1``, ``[::1]``) count as public too.
"""
from urllib.parse import urlsplit

from odoo.addons.mcp_server.lib.origins import PublicOrigins, normalize_origin

MCP_PATH = "/mcp"
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
REVOKE_PATH = "/oauth/revoke"
REGISTER_PATH = "/oauth/register"


def public_base_url(request_url, base_url, allowed_origins=()):
    """The public origin to answer a request that reached the server at ``request_url``.

    ``base_url`` is ``web.base.url``; ``allowed_origins`` the other configured public origins (no ``*``).
    The set of public origins, loopback aliases included, is the one ``/mcp`` checks Host and Origin against.
    """
    # web.base.url is always set by Odoo; the request's origin is only a last resort.
    default = normalize_origin(base_url or "") or normalize_origin(request_url or "")
    requested = normalize_origin(request_url or "")
    if requested and requested in PublicOrigins(base_url, " ".join(allowed_origins)).origins:
        return requested
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
    own_origin = normalize_origin(uri or "")
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
