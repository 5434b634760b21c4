"""Open event streams, and the messages waiting for streams of the deprecated HTTP+SSE transport.

Every stream that outlives its request (an HTTP+SSE stream of protocol 2024-11-05, a background job's progress
stream) holds a worker and a database connection of its own: each has a row here while it lasts, so one key
gets a few (``MAX_STREAMS_PER_CREDENTIAL``) and all keys together at most half of Odoo's connection pool.

A client's POST may be served by another worker than the one holding its HTTP+SSE stream: the POST stores the
response here and announces it with PostgreSQL NOTIFY (``JOB_CHANNEL``, payload ``mcp_sse_stream:<id>``);
the stream's worker, LISTENing, takes it out and sends it.
"""
import json
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, config

from ..lib.job_watch import JOB_CHANNEL

MAX_STREAMS_PER_CREDENTIAL = 3


class McpSseStream(models.Model):
    _name = "mcp.sse.stream"
    _description = "MCP open event stream"
    _log_access = False

    name = fields.Char(string="Stream id", readonly=True, required=True, index=True)
    key_id = fields.Many2one("mcp.api.key", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", readonly=True, ondelete="cascade")
    credential_ref = fields.Char(readonly=True, help="Which credential opened the stream.")
    session_name = fields.Char(readonly=True, help="The MCP session the client opened with initialize.")
    kind = fields.Selection([("sse", "HTTP+SSE transport"), ("progress", "Job progress"),
                             ("listen", "Listen stream")], default="sse",
                            required=True, readonly=True)
    created_at = fields.Datetime(readonly=True)
    ends_at = fields.Datetime(readonly=True, index=True, help="When the stream ends at the latest.")
    active = fields.Boolean(default=True, readonly=True)

    _sql_constraints = [("name_unique", "unique(name)", "Stream ids are unique.")]

    @api.model
    def _open(self, credential, lifetime, kind="sse"):
        """A new live stream bound to ``credential`` that lasts ``lifetime`` seconds at most: its record (the id
        of an HTTP+SSE endpoint URL is its name)."""
        now = fields.Datetime.now()
        return self.create({"name": secrets.token_urlsafe(24), "key_id": credential.key_id,
                            "user_id": credential.user_id, "credential_ref": credential.ref, "kind": kind,
                            "created_at": now, "ends_at": now + timedelta(seconds=lifetime)})

    @api.model
    def _refusal(self, credential):
        """Why ``credential`` may not open one more stream now (a translated text), or None.

        Waits for other workers opening a stream for the same credential, so two of them never both see room
        for one more; a row whose stream should have ended (a worker killed mid-stream) no longer counts."""
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", "mcp_sse_stream:%s" % credential.ref))
        self.flush_model(["active", "ends_at", "credential_ref"])
        self.env.cr.execute(SQL(
            """SELECT count(*) FILTER (WHERE credential_ref = %s), count(*) FROM mcp_sse_stream
                WHERE active AND ends_at > %s""", credential.ref, fields.Datetime.now()))
        own, everyone = self.env.cr.fetchone()
        if own >= MAX_STREAMS_PER_CREDENTIAL:
            return _("This key already has %s open streams: close one (or let it end) before opening another.",
                     MAX_STREAMS_PER_CREDENTIAL)
        if everyone >= max(1, (config.get("db_maxconn") or 64) // 2):
            return _("The server has as many open streams as it allows: retry later.")
        return None

    @api.model
    def _find(self, name, credential):
        """The live stream with this id opened by this credential, or an empty recordset."""
        return self.search([("name", "=", name), ("credential_ref", "=", credential.ref), ("kind", "=", "sse"),
                            ("ends_at", ">", fields.Datetime.now())], limit=1)

    def _push(self, message):
        """Queue a JSON-RPC message for the stream; sent once this transaction commits."""
        self.ensure_one()
        self.env.cr.execute(SQL("INSERT INTO mcp_sse_message (stream_id, payload) VALUES (%s, %s)",
                                self.id, json.dumps(message, ensure_ascii=False, default=str)))
        self.env.cr.execute(SQL("SELECT pg_notify(%s, %s)", JOB_CHANNEL, "%s:%s" % (self._table, self.id)))

    def _pop(self):
        """The messages queued for the stream, oldest first, as JSON texts; removed from the queue."""
        self.ensure_one()
        self.env.cr.execute(SQL("DELETE FROM mcp_sse_message WHERE stream_id = %s RETURNING id, payload", self.id))
        return [payload for _id, payload in sorted(self.env.cr.fetchall())]

    def _close(self):
        self.env.cr.execute(SQL("UPDATE mcp_sse_stream SET active = false WHERE id IN %s", tuple(self.ids)))
        self.env.cr.execute(SQL("DELETE FROM mcp_sse_message WHERE stream_id IN %s", tuple(self.ids)))

    @api.autovacuum
    def _gc_streams(self):
        """Delete streams older than a day (a stream lives minutes; a worker killed mid-stream leaves one)."""
        self.env.cr.execute(SQL("DELETE FROM mcp_sse_stream WHERE created_at < %s",
                                fields.Datetime.now() - timedelta(days=1)))


class McpSseMessage(models.Model):
    _name = "mcp.sse.message"
    _description = "MCP message waiting for its HTTP+SSE stream"
    _log_access = False

    stream_id = fields.Many2one("mcp.sse.stream", required=True, ondelete="cascade", index=True)
    payload = fields.Text(required=True)
