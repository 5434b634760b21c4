"""What of a captured event its key may still read when the event leaves the server (feed read, delivery).

An event was read as the subscriber when it was captured; the key's access may have narrowed since (another
profile, a field or a record domain less, the key revoked, the user archived). So the feed and each delivery
take the payload through the profile as it is *then*: nothing when the credential can no longer act or may no
longer read the model or a record still in the database outside its reach; else only the fields it may still
read (``fields`` and ``changed``); a summary of a bulk change keeps only the ids the key may still read.
"""
import json

from odoo import models
from odoo.addons.mcp_server.lib.jsonrpc import AccessDeniedByPolicy, ToolError
from odoo.exceptions import AccessError
from odoo.osv import expression


class McpEventVisibility(models.Model):
    _inherit = "mcp.event"

    def _visible_payloads(self):
        """``{event id: payload dict, or None when the key may not see the event now}`` for these events."""
        visible = dict.fromkeys(self.ids)
        for subscription in self.sudo().subscription_id:
            events = self.sudo().filtered(lambda event, s=subscription: event.subscription_id == s)
            visible.update(events._visible_payloads_of(subscription))
        return visible

    def _visible_payloads_of(self, subscription):
        Http = self.env["ir.http"]
        credential = subscription._credential()
        if not Http._mcp_credential_active(self.env, credential):
            return dict.fromkeys(self.ids)
        policy = self.env["mcp.access.policy"]._load(Http._mcp_current_profile_id(self.env, credential))
        reader = self._reader(subscription)
        payloads = {event.id: json.loads(event.payload or "{}") for event in self}
        res_ids = set(self.mapped("res_id")).union(*(payload.get("more_ids") or [] for payload in payloads.values()))
        try:
            Model = policy.check_model(reader, subscription.model_name, "read")
            in_reach = set(Model.search(expression.AND([[("id", "in", list(res_ids))],
                                                        policy.record_domain(Model._name)])).ids)
            readable = set(policy.readable_field_names(Model))
        except (AccessDeniedByPolicy, ToolError, AccessError):
            return dict.fromkeys(self.ids)
        # Records deleted since keep the events the key received when it could read them.
        existing = set(Model.sudo().with_context(active_test=False).browse(list(res_ids)).exists().ids)
        visible = {}
        for event in self:
            payload = payloads[event.id]
            if payload.get("truncated"):  # a summary (mcp_event_cap.py): its listed ids decide
                payload = self._visible_summary(payload, existing, in_reach)
            elif event.res_id in existing and event.res_id not in in_reach:
                payload = None
            if payload is None:
                visible[event.id] = None
                continue
            payload["fields"] = {name: value for name, value in (payload.get("fields") or {}).items()
                                 if name in readable}
            payload["changed"] = [name for name in payload.get("changed") or [] if name in readable]
            # An update of fields the key may no longer read is no event of its own any more.
            visible[event.id] = None if event.event == "write" and not payload["changed"] else payload
        return visible
