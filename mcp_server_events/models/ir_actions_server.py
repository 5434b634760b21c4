"""The server action type "Queue MCP event": what an event subscription's automation rule runs.

It does no network work: it reads the changed record as the subscription's user and queues an event row
(``mcp.event._capture``), in the transaction of the change. Delivery happens after commit, in the job runner.
"""
import logging

from odoo import fields, models

from .mcp_event_subscription_automation import TRIGGERS

_logger = logging.getLogger(__name__)
EVENT_OF_TRIGGER = {trigger: event for event, trigger in TRIGGERS.items()}


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    state = fields.Selection(selection_add=[("mcp_event", "Queue MCP Event")], ondelete={"mcp_event": "cascade"})

    def _run_action_mcp_event_multi(self, eval_context=None):
        """Queue an event of the rule's subscription for the records in context (``active_ids``)."""
        automation = self.sudo().base_automation_id
        subscription = automation.mcp_event_subscription_id
        ids = self.env.context.get("active_ids") or []
        if not subscription or not ids:
            return False
        event = EVENT_OF_TRIGGER.get(automation.trigger)
        old_values = self.env.context.get("old_values") if event == "write" else None
        try:
            with self.env.cr.savepoint():
                self.env["mcp.event"].sudo()._capture(subscription, event, ids, old_values or {})
        except Exception:  # a subscription must never make the change that triggered it fail
            _logger.exception("MCP event subscription %s: the event was not captured", subscription.id)
        return False
