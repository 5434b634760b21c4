from odoo import api, fields, models


class McpAuditLog(models.Model):
    _inherit = "mcp.audit.log"

    oauth_client_id = fields.Many2one("mcp.oauth.client", string="OAuth application", readonly=True,
                                      ondelete="set null", index="btree_not_null", groups="mcp_server.group_mcp_admin")
    oauth_grant_id = fields.Many2one("mcp.oauth.grant", string="OAuth connection", readonly=True,
                                     ondelete="set null", index="btree_not_null")

    @api.model
    def _log_values(self, entry, log_payloads):
        values = super()._log_values(entry, log_payloads)
        values["oauth_client_id"] = entry.get("oauth_client_id")
        values["oauth_grant_id"] = entry.get("oauth_grant_id")
        return values
