from odoo import models
from odoo.addons.mcp_server.lib import jsonrpc
from odoo.addons.mcp_server.lib.jsonrpc import InsufficientScope, JsonRpcError
from odoo.addons.mcp_server.models.mcp_server import McpReply

from ..lib.credential_kind import OAUTH_KIND


class McpServer(models.AbstractModel):
    _inherit = "mcp.server"

    def _authenticate(self, exchange):
        """Tell clients which scopes to ask for in the 401 challenge, and audit OAuth calls with
        their client and connection."""
        result = super()._authenticate(exchange)
        if isinstance(result, McpReply):
            scope = result.status == 401 and self.env["mcp.oauth.server"]._challenge_scope()
            if scope:
                result.headers["WWW-Authenticate"] += ', scope="%s"' % scope
            return result
        if result.kind == OAUTH_KIND:
            exchange.audit.update(oauth_client_id=result.client_id, oauth_grant_id=result.grant_id)
        return result

    # --- hook of mcp.server: answer a missing scope with a step-up challenge ---------------------------
    def _exception_reply(self, exc, call, request_id):
        """A token without the scope a tool needs: 403 with ``error="insufficient_scope"`` (step-up)."""
        if not isinstance(exc, InsufficientScope):
            return super()._exception_reply(exc, call, request_id)
        response = jsonrpc.error_response(request_id, JsonRpcError(jsonrpc.INVALID_REQUEST, exc.message))
        challenge = 'Bearer error="insufficient_scope", scope="%s", resource_metadata="%s"' % (
            exc.scope, self._resource_metadata_url(call.settings))
        return McpReply(403, response, {"WWW-Authenticate": challenge})
