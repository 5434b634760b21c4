"""An event subscription: which changes of which model an MCP credential wants, and where they go.

A subscription belongs to the credential that created it (``credential_ref``, the secret-free reference
jobs and approvals use) and acts as that credential's user within its access profile *as it is when an event
happens*. Its automation rules (``base.automation``, one per event kind, see
``mcp_event_subscription_automation.py``) enqueue events; the job runner delivers them (``mcp.event``).

States: ``active``; ``paused`` (by an administrator, after a delivery failed for good, or when the key's
access no longer allows its model, filter or fields at capture time: the owner gets an activity);
``stopped`` (the credential was revoked or expired: nothing is captured or delivered any more).
"""
import json
import secrets
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.credential import Credential
from odoo.addons.mcp_server.lib.settings import as_networks, register_setting

EVENT_KINDS = ("create", "write", "unlink")
TARGET_KINDS = [("webhook", "Webhook"), ("slack", "Slack"), ("teams", "Microsoft Teams"), ("feed", "Feed")]
STATES = [("active", "Active"), ("paused", "Paused"), ("stopped", "Stopped")]
NETWORKS_SETTING = "outbound_allowed_networks"
register_setting(NETWORKS_SETTING, "mcp_server_events.allowed_networks", as_networks, "")


class McpEventSubscription(models.Model):
    _name = "mcp.event.subscription"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "MCP Event Subscription"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    state = fields.Selection(STATES, default="active", required=True, readonly=True, tracking=True, index=True)
    pause_reason = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", required=True, readonly=True, ondelete="cascade",
                              index=True, help="The user of the key: events are read with this user's rights.")
    key_id = fields.Many2one("mcp.api.key", string="Key", readonly=True, ondelete="cascade", index=True)
    credential = fields.Text(string="Recorded credential", readonly=True, groups="base.group_system",
                             help="The credential the subscription acts with (no secret).")
    credential_ref = fields.Char(string="Credential", readonly=True, required=True, index=True)
    model_id = fields.Many2one("ir.model", string="Model", required=True, readonly=True, ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Model Name", store=True, index=True)
    on_create = fields.Boolean(string="Creations", readonly=True)
    on_write = fields.Boolean(string="Updates", readonly=True)
    on_unlink = fields.Boolean(string="Deletions", readonly=True)
    domain = fields.Char(string="Filter", readonly=True, default="[]", help="JSON domain the records must match.")
    field_names = fields.Char(string="Fields", readonly=True, default="[]",
                              help="JSON list of the fields sent (empty: a few default fields).")
    target_kind = fields.Selection(TARGET_KINDS, string="Target", required=True, readonly=True)
    target_url = fields.Char(string="URL", readonly=True, groups="base.group_system",
                             help="Webhook URLs (Slack's and Teams' in particular) are secrets themselves.")
    target_host = fields.Char(string="Host", compute="_compute_target_host", store=True)
    secret = fields.Char(readonly=True, copy=False, groups="base.group_system",
                         help="Signs webhook bodies; shown once to the subscriber.")
    failure_count = fields.Integer(string="Failed deliveries", readonly=True)
    automation_ids = fields.One2many("base.automation", "mcp_event_subscription_id", string="Automation Rules",
                                     readonly=True, context={"active_test": False})
    event_ids = fields.One2many("mcp.event", "subscription_id", string="Delivery Log", readonly=True)
    event_count = fields.Integer(compute="_compute_event_count", string="Events")

    @api.depends("target_url")
    def _compute_target_host(self):
        for subscription in self.sudo():
            subscription.target_host = urlsplit(subscription.target_url or "").hostname or False

    def _compute_event_count(self):
        counts = dict(self.env["mcp.event"]._read_group([("subscription_id", "in", self.ids)], ["subscription_id"],
                                                        ["__count"]))
        for subscription in self:
            subscription.event_count = counts.get(subscription, 0)

    # ------------------------------------------------------------------
    # Shapes
    # ------------------------------------------------------------------
    def _events(self):
        return [kind for kind in EVENT_KINDS if self["on_%s" % kind]]

    def _fields_list(self):
        return json.loads(self.field_names or "[]")

    def _domain_list(self):
        return json.loads(self.domain or "[]")

    def _credential(self):
        """The credential recorded at subscription time (``Credential``)."""
        return Credential.from_recorded(json.loads(self.sudo().credential))

    def _describe(self):
        """The subscription as tools answer it (no secret, no URL beyond its host)."""
        self.ensure_one()
        last = self.env["mcp.event"].sudo().search([("subscription_id", "=", self.id)], limit=1, order="id desc")
        return {"id": self.id, "name": self.name, "model": self.model_name, "events": self._events(),
                "domain": self._domain_list(), "fields": self._fields_list(),
                "target": {"kind": self.target_kind, "host": self.target_host or ""}, "state": self.state,
                "pause_reason": self.pause_reason or "", "failed_deliveries": self.failure_count,
                "last_event_cursor": str(last.id) if last else ""}

    @api.model
    def _new_secret(self):
        return "whsec_" + secrets.token_urlsafe(32)

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        subscriptions._sync_automations()
        return subscriptions

    def action_pause(self, reason=None):
        """Pause (button): nothing is captured or delivered until resumed."""
        self.filtered(lambda s: s.state == "active").write({
            "state": "paused", "pause_reason": reason or _("Paused by %s.", self.env.user.name)})
        self._sync_automations()
        return True

    def action_resume(self):
        """Resume (button) a paused subscription; a stopped one (revoked credential) cannot be resumed."""
        for subscription in self.filtered(lambda s: s.state == "paused"):
            if not self.env["ir.http"]._mcp_credential_active(self.env, subscription._credential()):
                subscription._stop()
                continue
            subscription.write({"state": "active", "pause_reason": False, "failure_count": 0})
        self._sync_automations()
        return True

    def _stop(self):
        """The credential can no longer act: stop for good."""
        self.sudo().write({"state": "stopped", "pause_reason": _("The key was revoked or has expired.")})
        self.sudo()._sync_automations()

    def _pause_after_failure(self, message):
        """A delivery failed for good: pause, and tell the owner with an activity on the subscription."""
        self._pause_and_notify(
            _("Delivery failed: %s", message),
            _("Events could not be delivered to %(host)s: %(error)s Fix the receiver, then resume the "
              "subscription (or ask an administrator to).", host=self.sudo().target_host or "-", error=message))

    def _pause_out_of_profile(self, refusal):
        """The key's access profile (or its user's rights) no longer allows the subscription's model, filter
        or fields (``refusal``: the denial's message): pause, and tell the owner once, in the owner's language."""
        self = self.with_context(lang=self.user_id.lang or self.env.lang)  # _() reads self.env.lang
        self._pause_and_notify(
            _("The key's access no longer allows this subscription: %s", refusal),
            _("Nothing is captured any more: %s Subscribe again within what the key may read, or have its "
              "access profile widened, then resume the subscription.", refusal))

    def _pause_and_notify(self, reason, note):
        """Pause an active subscription with ``reason`` and give its owner one activity saying ``note``; a
        subscription that is not active is left as it is (no second activity)."""
        self.ensure_one()
        subscription = self.sudo()
        if subscription.state != "active":
            return
        subscription.action_pause(reason)
        subscription.activity_schedule(
            "mail.mail_activity_data_todo", user_id=subscription.user_id.id,
            summary=_("Event subscription paused: %s", subscription.name), note=note)

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mcp_server_events.action_mcp_event")
        action["domain"] = [("subscription_id", "=", self.id)]
        return action
