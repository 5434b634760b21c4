from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    mcp_oauth_grant_ids = fields.One2many(
        "mcp.oauth.grant", "user_id", string="Connected apps", domain=[("state", "=", "active")],
        help="Applications you allowed to use the MCP server as you. Revoke one to disconnect it at once.")

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "mcp_oauth_grant_ids"]
