from odoo import models
from odoo.addons.mcp_server.models.mcp_server import McpReply


class McpServer(models.AbstractModel):
    _inherit = "mcp.server"

    def _authenticate(self, headers, settings, audit):
        """Tell clients which scopes to ask for in the 401 challenge, and audit OAuth calls with
        their client and connection."""
        result = super()._authenticate(headers, settings, audit)
        if isinstance(result, McpReply):
            scope = result.status == 401 and self.env["mcp.oauth.server"]._challenge_scope()
            if scope:
                result.headers["WWW-Authenticate"] += ', scope="%s"' % scope
            return result
        if result.get("kind") == "oauth":
            audit.update(oauth_client_id=result["client_id"], oauth_grant_id=result["grant_id"])
        return result
