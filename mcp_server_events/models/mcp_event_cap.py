"""At most ``MAX_EVENTS_PER_TRANSACTION`` events per subscription and transaction; the rest become one summary.

A bulk change (a write on thousands of records, an import) would otherwise queue one event (and one delivery
job) per record. The events a subscription queued in the current transaction are those whose ``create_date``
is the transaction's timestamp (``cr.now()``, what the ORM writes), so a savepoint rolled back takes its events
out of the count too. Beyond the cap the records' values are not read: one summary event per event kind
(``"truncated": true``) says how many more records matched (``more_count``) and lists the first
``MAX_MORE_IDS`` of their ids (``more_ids``), for the receiver to read them itself; a later capture of the same
transaction adds to it. When the summary leaves the server, its ids go through the key's access as it is then.
"""
import json

from odoo import api, fields, models
from odoo.tools import SQL

MAX_EVENTS_PER_TRANSACTION = 100
MAX_MORE_IDS = 1000


class McpEventCap(models.Model):
    _inherit = "mcp.event"

    more_count = fields.Integer(string="More records", readonly=True, default=0,
                                help="A summary event: how many more records matched in the same transaction "
                                     "(beyond the cap, their values were not sent).")

    @api.model
    def _transaction_rows(self, subscription, extra=None):
        """``SQL`` selecting the ids of ``subscription``'s events created in this transaction (and ``extra``)."""
        self.flush_model(["subscription_id", "more_count", "event"])
        condition = SQL("subscription_id = %s AND create_date = %s", subscription.id, self.env.cr.now())
        if extra:
            condition = SQL("%s AND %s", condition, extra)
        return SQL("SELECT id FROM mcp_event WHERE %s ORDER BY id", condition)

    @api.model
    def _capture_room(self, subscription):
        """How many full events ``subscription`` may still queue in this transaction (0 or more)."""
        self.env.cr.execute(self._transaction_rows(subscription, SQL("COALESCE(more_count, 0) = 0")))
        return max(MAX_EVENTS_PER_TRANSACTION - self.env.cr.rowcount, 0)

    @api.model
    def _summarize(self, subscription, Model, event, matches):
        """Count ``matches`` (``[(record, changed field names)]``, beyond the cap) in the transaction's summary
        event of ``event``, created when there is none yet. Returns that summary event."""
        ids = [record.id for record, _names in matches]
        changed = {name for _record, names in matches for name in names} if event == "write" else set()
        self.env.cr.execute(self._transaction_rows(
            subscription, SQL("event = %s AND COALESCE(more_count, 0) > 0", event)))
        row = self.env.cr.fetchone()
        if not row:
            return self._queue(subscription, [{
                "event": event, "model": Model._name, "model_description": Model._description, "id": ids[0],
                "fields": {}, "changed": sorted(changed), "timestamp": fields.Datetime.now().isoformat() + "Z",
                "subscription_id": subscription.id, "truncated": True, "more_count": len(ids),
                "more_ids": ids[:MAX_MORE_IDS]}])
        summary = self.browse(row[0])
        payload = json.loads(summary.payload)
        payload["more_ids"] = (payload["more_ids"] + ids)[:MAX_MORE_IDS]
        payload["more_count"] += len(ids)
        payload["changed"] = sorted(changed.union(payload["changed"]))
        summary.write({"payload": json.dumps(payload, default=str), "more_count": payload["more_count"]})
        return summary

    @api.model
    def _visible_summary(self, payload, existing, in_reach):
        """A summary's ``payload`` with only the listed ids the key may still read (``in_reach``; deleted records,
        not in ``existing``, stay), its ``more_count`` lowered as much; None when nothing is left."""
        kept = [res_id for res_id in payload.get("more_ids") or [] if res_id not in existing or res_id in in_reach]
        payload["more_count"] = payload.get("more_count", 0) - (len(payload.get("more_ids") or []) - len(kept))
        payload["more_ids"] = kept
        return payload if payload["more_count"] > 0 else None
