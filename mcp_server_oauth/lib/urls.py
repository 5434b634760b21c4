"""Absolute URLs of this authorization server and of the protected resource (``/mcp``).

Every URL derives from the base URL of the request (``host_url``, which honours
``X-Forwarded-*`` headers when Odoo runs with ``--proxy-mode``), the same base the
``/mcp`` endpoint uses for its ``WWW-Authenticate`` challenge.
"""

MCP_PATH = "/mcp"
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
REVOKE_PATH = "/oauth/revoke"
REGISTER_PATH = "/oauth/register"


def issuer(base_url):
    """The issuer identifier: the server's origin, without a trailing slash (RFC 8414)."""
    return base_url.rstrip("/")


def endpoint(base_url, path):
    return issuer(base_url) + path


def canonical_resource(base_url):
    """The resource identifier tokens are bound to (RFC 8707): this server's ``/mcp``."""
    return issuer(base_url) + MCP_PATH


def resource_matches(base_url, resource):
    """Whether a ``resource`` parameter names this server's MCP endpoint.

    The origin itself is accepted too: it is what the root protected-resource metadata
    document names, and the only protected resource at that origin is ``/mcp``.
    """
    own = issuer(base_url)
    return (resource or "").rstrip("/") in (own, own + MCP_PATH)
