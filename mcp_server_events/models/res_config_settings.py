"""Settings of event subscriptions: the networks outbound deliveries may reach besides public addresses."""
from odoo import api, fields, models
from odoo.addons.mcp_server.lib.ip_rules import check_networks


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_events_allowed_networks = fields.Char(
        string="Allowed outbound networks", config_parameter="mcp_server_events.allowed_networks",
        help="CIDR networks (e.g. 10.1.2.0/24, 127.0.0.1/32) that webhooks may reach although they are private, "
             "loopback or reserved; plain http is accepted only towards them. Empty: public https addresses only.")

    @api.constrains("mcp_events_allowed_networks")
    def _check_mcp_events_allowed_networks(self):
        for settings in self:
            check_networks(settings.mcp_events_allowed_networks)
