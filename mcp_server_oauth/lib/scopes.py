"""OAuth scopes of the MCP server and what each one allows.

The three scopes are levels: ``mcp:write`` includes ``mcp:read`` and ``mcp:admin`` includes both.
A tool call needs the scope of its risk level; a token whose highest scope is lower gets a 403
``insufficient_scope`` challenge so that the client can ask the user for more.
"""

SCOPE_READ = "mcp:read"
SCOPE_WRITE = "mcp:write"
SCOPE_ADMIN = "mcp:admin"
# Lowest to highest.
SCOPES = (SCOPE_READ, SCOPE_WRITE, SCOPE_ADMIN)
# Settings key suffix of the access profile of each scope: mcp_server_oauth.profile_<suffix>_id.
SCOPE_SETTING = {SCOPE_READ: "read", SCOPE_WRITE: "write", SCOPE_ADMIN: "admin"}
RISK_SCOPE = {"read": SCOPE_READ, "write": SCOPE_WRITE, "destructive": SCOPE_ADMIN, "admin": SCOPE_ADMIN}


def parse_scope(text):
    """The known MCP scopes of a space-separated scope string, lowest first; other scopes are ignored."""
    requested = set((text or "").split())
    return [scope for scope in SCOPES if scope in requested]


def format_scope(scopes):
    return " ".join(scope for scope in SCOPES if scope in scopes)


def highest_scope(scopes):
    """The highest of ``scopes``, or None."""
    present = [scope for scope in SCOPES if scope in scopes]
    return present[-1] if present else None


def scope_covers(scopes, needed):
    """Whether a token with ``scopes`` may do what ``needed`` allows."""
    top = highest_scope(scopes)
    return top is not None and SCOPES.index(top) >= SCOPES.index(needed)
