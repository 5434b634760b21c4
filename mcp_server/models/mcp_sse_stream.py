"""Streams of the deprecated HTTP+SSE transport (protocol 2024-11-05) and the messages waiting for them.

A client's POST may be served by another worker than the one holding its stream: the POST stores the
response here and announces it with PostgreSQL NOTIFY (``JOB_CHANNEL``, payload ``mcp_sse_stream:<id>``);
the stream's worker, LISTENing, takes it out and sends it.
"""
import json
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.job_watch import JOB_CHANNEL


class McpSseStream(models.Model):
    _name = "mcp.sse.stream"
    _description = "MCP HTTP+SSE stream (deprecated transport)"
    _log_access = False

    name = fields.Char(string="Stream id", readonly=True, required=True, index=True)
    key_id = fields.Many2one("mcp.api.key", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", readonly=True, ondelete="cascade")
    credential_ref = fields.Char(readonly=True, help="Which credential opened the stream.")
    session_name = fields.Char(readonly=True, help="The MCP session the client opened with initialize.")
    created_at = fields.Datetime(readonly=True)
    active = fields.Boolean(default=True, readonly=True)

    _sql_constraints = [("name_unique", "unique(name)", "Stream ids are unique.")]

    @api.model
    def _open(self, credential):
        """A new live stream bound to ``credential``: its record (the id of the endpoint URL is its name)."""
        return self.create({"name": secrets.token_urlsafe(24), "key_id": credential.key_id,
                            "user_id": credential.user_id, "credential_ref": credential.ref,
                            "created_at": fields.Datetime.now()})

    @api.model
    def _live_counts(self, credential, lifetime):
        """``(streams of credential, streams of everyone)`` still open, a stream counting for ``lifetime``
        seconds at most (a worker killed mid-stream leaves its row active). Waits for other workers opening a
        stream for the same credential, so two of them never both see room for one more."""
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", "mcp_sse_stream:%s" % credential.ref))
        self.flush_model(["active", "created_at", "credential_ref"])
        self.env.cr.execute(SQL(
            """SELECT count(*) FILTER (WHERE credential_ref = %s), count(*) FROM mcp_sse_stream
                WHERE active AND created_at > %s""",
            credential.ref, fields.Datetime.now() - timedelta(seconds=lifetime)))
        return self.env.cr.fetchone()

    @api.model
    def _find(self, name, credential):
        """The live stream with this id opened by this credential, or an empty recordset."""
        return self.search([("name", "=", name), ("credential_ref", "=", credential.ref)], limit=1)

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
