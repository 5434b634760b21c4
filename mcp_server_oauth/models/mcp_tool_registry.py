from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import InsufficientScope

from ..lib.credential_kind import OAUTH_KIND
from ..lib.scopes import RISK_SCOPE, format_scope, scope_covers


class McpToolRegistry(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _call_tool(self, name, arguments, call):
        """An OAuth token may only call tools its scopes cover (read → mcp:read, write → mcp:write,
        destructive and admin → mcp:admin); otherwise /mcp answers 403 ``insufficient_scope``. A background
        job was checked when it was queued."""
        credential = call.credential
        spec = self._catalog().get(name)
        if spec and credential.kind == OAUTH_KIND and not call.in_job:
            needed = RISK_SCOPE[self._call_risk(spec, arguments)]
            if not scope_covers(credential.scopes, needed):
                raise InsufficientScope(needed, _(
                    "The tool %(tool)s needs the OAuth scope %(needed)s; this connection has %(scopes)s. "
                    "Authorize the application again with %(needed)s.",
                    tool=name, needed=needed, scopes=format_scope(credential.scopes) or _("none")))
        return super()._call_tool(name, arguments, call)
