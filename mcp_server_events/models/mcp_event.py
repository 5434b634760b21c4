"""One captured event: what changed, read as the subscriber, and (for sent targets) its delivery.

Captured by the subscription's automation rule in the transaction of the change (:meth:`_capture`): the
record is read *as the subscription's user*, within the access profile the credential has now: records
outside the profile's domain or the user's record rules give no event, and only fields the profile and the
user may read are kept. An update that changed none of those fields gives no event. When the profile (or the
user's rights) no longer allows the subscription's model, filter or chosen fields at all, the subscription is
paused and its owner told (``mcp.event.subscription._pause_out_of_profile``) rather than silently capturing
nothing.

An event of a feed is ``done`` at once and read back with ``get_events``; the others are jobs of the shared
runner (``mcp.job.mixin``, ``mcp_event_delivery.py``). The row id is the feed cursor.
"""
import json

from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.job_watch import JOB_CHANNEL
from odoo.addons.mcp_server.lib.jsonrpc import AccessDeniedByPolicy, ToolError
from odoo.addons.mcp_server.services import RecordAccess
from odoo.exceptions import AccessError, MissingError
from odoo.osv import expression
from odoo.tools import SQL

from .mcp_event_subscription import EVENT_KINDS
from .mcp_events_answers import event_answer
from .mcp_server_events import feed_payload

RETENTION_DAYS = 14
LABEL_FIELD = "display_name"


class McpEvent(models.Model):
    _name = "mcp.event"
    _inherit = ["mcp.job.mixin"]
    _description = "MCP Event"
    _order = "id desc"
    _job_cron_xmlid = "mcp_server_events.ir_cron_deliver_events"
    _job_max_attempts = 5

    subscription_id = fields.Many2one("mcp.event.subscription", required=True, readonly=True, ondelete="cascade",
                                      index=True)
    target_kind = fields.Selection(related="subscription_id.target_kind", string="Target")
    event = fields.Selection([(kind, kind.capitalize()) for kind in EVENT_KINDS], required=True, readonly=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Integer(string="Record ID", required=True, readonly=True)
    payload = fields.Text(readonly=True, groups="base.group_system",
                          help="The event as the subscriber may read it (JSON).")
    occurred_at = fields.Datetime(readonly=True, required=True, default=fields.Datetime.now)
    response_status = fields.Integer(string="HTTP status", readonly=True)
    duration_ms = fields.Float(string="Duration (ms)", readonly=True)

    @api.model
    def _capture(self, subscription, event, ids, old_values):
        """Queue the events of ``subscription`` for the records ``ids`` (an ``event`` among create, write,
        unlink; ``old_values``: ``{id: {field: value before the write}}``). Returns the events created or updated
        (beyond ``MAX_EVENTS_PER_TRANSACTION``, one summary: ``mcp_event_cap.py``). When the key's access no
        longer allows the subscription's model, filter or fields, the subscription is paused instead."""
        subscription = subscription.sudo()
        if subscription.state != "active":
            return self.browse()
        Http = self.env["ir.http"]
        credential = subscription._credential()
        if not Http._mcp_credential_active(self.env, credential):
            return self.browse()  # the delivery cron stops the subscription; nothing leaves meanwhile
        policy = self.env["mcp.access.policy"]._load(Http._mcp_current_profile_id(self.env, credential))
        try:
            Model, domain = self._subscription_scope(subscription, policy)
        except ToolError as exc:  # AccessDeniedByPolicy included: the profile refuses what was subscribed
            subscription._pause_out_of_profile(exc.message)
            return self.browse()
        matches = self._matches(subscription, policy, Model, domain, event, ids, old_values)
        if not matches:
            return self.browse()
        room = self._capture_room(subscription)
        events = self._queue(subscription, self._read_payloads(subscription, policy, Model, event, matches[:room]))
        if len(matches) > room:
            events |= self._summarize(subscription, Model, event, matches[room:])
        return events

    @api.model
    def _queue(self, subscription, payloads):
        """Create the events of ``payloads``: done at once for a feed (whose listeners are told on commit),
        queued jobs for the other targets."""
        if not payloads:
            return self.browse()
        feed = subscription.target_kind == "feed"
        if feed:  # listening streams (subscriptions/listen) learn of it when the change commits
            self.env.cr.execute(SQL("SELECT pg_notify(%s, %s)", JOB_CHANNEL,
                                    feed_payload(subscription.credential_ref)))
        vals = [{"subscription_id": subscription.id, "user_id": subscription.user_id.id, "event": payload["event"],
                 "res_model": subscription.model_name, "res_id": payload["id"],
                 "more_count": payload.get("more_count", 0),
                 "payload": json.dumps(payload, default=str), "state": "done" if feed else "queued"}
                for payload in payloads]
        return self.create(vals) if feed else self._enqueue_job(vals)

    @api.model
    def _feed_page(self, credential_ref, cursor=0, limit=50, subscription_ids=None):
        """``{"events", "next_cursor", "has_more"}``: events of the credential's feeds after ``cursor`` (an event
        id), oldest first, as the key may read them now (:meth:`_visible_payloads`; bookkeeping read as
        superuser)."""
        domain = [("subscription_id.credential_ref", "=", credential_ref),
                  ("subscription_id.target_kind", "=", "feed"), ("id", ">", cursor)]
        if subscription_ids is not None:
            domain.append(("subscription_id", "in", subscription_ids))
        events = self.sudo().search(domain, order="id", limit=limit + 1)
        page = events[:limit]
        visible = page._visible_payloads()
        return {"events": [event_answer(event, visible[event.id]) for event in page if visible[event.id]],
                "next_cursor": str(page[-1:].id or cursor), "has_more": len(events) > limit}

    @api.model
    def _reader(self, subscription):
        """The subscription user's environment (never superuser), with that user's language and time zone."""
        user = subscription.user_id
        return self.env(user=user.id, su=False, context={"lang": user.lang, "tz": user.tz, "active_test": False})

    @api.model
    def _subscription_scope(self, subscription, policy):
        """``(model as the subscription's user, its secured domain)`` under the key's access as it is now; raises
        ``ToolError`` (``AccessDeniedByPolicy``) when the profile or the user's rights refuse the subscription's
        model, filter or chosen fields."""
        reader = self._reader(subscription)
        Model = policy.check_model(reader, subscription.model_name, "read")
        try:
            Model.check_access("read")
        except AccessError:
            raise AccessDeniedByPolicy(_("%(user)s may no longer read %(model)s.", user=reader.user.name,
                                         model=Model._description)) from None
        # The rule's filter ran as superuser: the subscription's domain decides again, checked against the
        # profile as it is now and searched as the user (related records out of reach match nothing).
        domain = policy.secure_domain(Model, subscription._domain_list())
        if subscription._fields_list():
            policy.check_field_names(Model, subscription._fields_list(), "read")
        return Model, domain

    @api.model
    def _matches(self, subscription, policy, Model, domain, event, ids, old_values):
        """``[(record, names of the fields to send)]``: the records among ``ids`` matching the subscription, as
        its user; an update is left out when none of the fields the key may read (and chose) changed."""
        records = Model.search(expression.AND([[("id", "in", list(ids))], domain]))
        readable = {name for name in policy.readable_field_names(Model) if name != "id"}
        chosen = subscription._fields_list()
        wanted = chosen or RecordAccess(Model.env, policy).default_field_names(Model)
        wanted = [name for name in wanted if name in readable]
        if event != "write":
            return [(record, wanted) for record in records]
        matches = []
        for record in records:
            names = self._changed_fields(record, old_values.get(record.id, {}), readable, set(chosen))
            if names:
                matches.append((record, names))
        return matches

    @api.model
    def _read_payloads(self, subscription, policy, Model, event, matches):
        """The payloads of ``matches`` (``[(record, field names)]``), read as the subscriber."""
        access = RecordAccess(Model.env, policy)
        label = LABEL_FIELD in policy.readable_field_names(Model)
        now = fields.Datetime.now().isoformat() + "Z"
        payloads = []
        for record, names in matches:
            extra = [LABEL_FIELD] if label and LABEL_FIELD not in names else []
            rows, _failed = access.read(record, ["id", *names, *extra])
            values = {name: value for name, value in rows[0].items() if name != "id"} if rows else {}
            payloads.append({
                "event": event, "model": Model._name, "model_description": Model._description, "id": record.id,
                "fields": values, "changed": names if event == "write" else [], "timestamp": now,
                "subscription_id": subscription.id})
        return payloads

    @api.model
    def _changed_fields(self, record, old, readable, subscribed):
        """The fields of ``old`` the subscriber may read (and subscribed to, if it chose) whose value changed,
        compared as the subscriber."""
        changed = []
        for name in old:
            if name not in readable or (subscribed and name not in subscribed):
                continue
            try:
                if record[name] != old[name]:
                    changed.append(name)
            except (AccessError, MissingError):
                continue
        return changed

    @api.autovacuum
    def _gc_old_events(self):
        """Delete finished events older than ``RETENTION_DAYS`` (feeds are read within that time)."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=RETENTION_DAYS)
        self.sudo().search([("occurred_at", "<", limit), ("state", "in", ("done", "failed", "cancelled"))]).unlink()
