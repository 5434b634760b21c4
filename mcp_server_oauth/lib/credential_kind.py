"""The OAuth credential kind: a connection (grant) of an application for a user, named by its grant."""
from odoo.addons.mcp_server.lib.credential import register_kind

OAUTH_KIND = "oauth"
# The rate counters of dynamic client registration, one per client address.
REGISTRATION_KIND = "oauth-register"
# The cache version of what an access token lookup depends on (tokens, connections, applications).
OAUTH_CACHE = "oauth"

register_kind(OAUTH_KIND, ("grant_id",))
register_kind(REGISTRATION_KIND, ("address",))
