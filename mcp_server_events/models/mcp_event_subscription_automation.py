"""A subscription's automation rules: one ``base.automation`` per event kind, kept in step with its state.

Reused from ``base_automation``: its triggers (``on_create``, ``on_write``, ``on_unlink``: the ORM hooks it
installs, the ``old_values`` it records before a write, ``__action_done`` against recursion), its filter
domain (``filter_domain``), ``trigger_field_ids`` (an update triggers only when a subscribed field changed)
and its server action runner; the action is of the type ``mcp_event`` (``ir_actions_server.py``), which only
captures the event and queues it. Rules are technical bookkeeping, written as superuser; they are archived
while the subscription is not active.
"""
from odoo import Command, models

TRIGGERS = {"create": "on_create", "write": "on_write", "unlink": "on_unlink"}


class McpEventSubscription(models.Model):
    _inherit = "mcp.event.subscription"

    def _automation_values(self, event):
        model = self.model_id
        values = {
            "name": "MCP events #%s: %s (%s)" % (self.id, self.name, event),
            "model_id": model.id,
            "trigger": TRIGGERS[event],
            "filter_domain": repr(self._domain_tuples()),
            "mcp_event_subscription_id": self.id,
            "active": self.state == "active",
        }
        if event == "write":
            names = self._fields_list()
            field_ids = [self.env["ir.model.fields"]._get(model.model, name).id for name in names
                         if name not in ("id", "display_name")]
            values["trigger_field_ids"] = [Command.set(field_ids)]
        return values

    def _domain_tuples(self):
        """The JSON domain as Odoo's Python form (lists of three become tuples)."""
        return [tuple(term) if isinstance(term, list) else term for term in self._domain_list()]

    def _sync_automations(self):
        """Create the missing rules, archive or restore them with the state, drop those of unsubscribed kinds."""
        Automation = self.env["base.automation"].sudo().with_context(active_test=False)
        for subscription in self.sudo():
            existing = {rule.trigger: rule for rule in Automation.search(
                [("mcp_event_subscription_id", "=", subscription.id)])}
            active = subscription.state == "active"
            for event in subscription._events():
                rule = existing.pop(TRIGGERS[event], None)
                if rule:
                    if rule.active != active:
                        rule.active = active
                    continue
                rule = Automation.create(subscription._automation_values(event))
                self.env["ir.actions.server"].sudo().create({
                    "name": "MCP: queue event (%s)" % event, "model_id": subscription.model_id.id,
                    "state": "mcp_event", "usage": "base_automation", "base_automation_id": rule.id})
            for rule in existing.values():
                rule.unlink()

    def unlink(self):
        automations = self.env["base.automation"].sudo().with_context(active_test=False).search(
            [("mcp_event_subscription_id", "in", self.ids)])
        automations.unlink()
        return super().unlink()
