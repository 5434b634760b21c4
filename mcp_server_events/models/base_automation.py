"""Automation rules that belong to an event subscription."""
from odoo import fields, models


class BaseAutomation(models.Model):
    _inherit = "base.automation"

    mcp_event_subscription_id = fields.Many2one(
        "mcp.event.subscription", string="Event Subscription", ondelete="cascade", index="btree_not_null",
        readonly=True, help="Kept by the MCP event subscription: pause, resume or remove the subscription instead.")
