"""Answers of legacy clients to the requests the server sent on a request's SSE stream (elicitation,
sampling, roots), kept until the stream that asked picks them up; shared by every worker."""
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class McpClientReply(models.Model):
    _name = "mcp.client.reply"
    _description = "MCP client reply"
    _log_access = False

    session_id = fields.Char(required=True, readonly=True, index=True)
    request_key = fields.Char(required=True, readonly=True)
    payload = fields.Json(readonly=True)
    received_at = fields.Datetime(readonly=True)

    _sql_constraints = [("request_unique", "unique(session_id, request_key)", "One reply per server request.")]

    @api.model
    def _store(self, session_id, request_key, payload):
        """Keep a client's reply (``result`` or ``error`` object); a second reply to the same request is ignored.
        Returns whether this reply was the first."""
        self.env.cr.execute(SQL(
            """INSERT INTO mcp_client_reply (session_id, request_key, payload, received_at)
               VALUES (%s, %s, %s, (now() at time zone 'UTC')) ON CONFLICT DO NOTHING""",
            session_id, request_key[:128], json.dumps(payload)))
        return bool(self.env.cr.rowcount)

    @api.model
    def _take(self, session_id, request_key):
        """The reply to one server request, removed as it is read; None while the client has not answered."""
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_client_reply WHERE session_id = %s AND request_key = %s RETURNING payload",
            session_id, request_key))
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.autovacuum
    def _gc_replies(self):
        """Forget replies no stream picked up within an hour."""
        self.env.cr.execute(SQL("DELETE FROM mcp_client_reply WHERE received_at < %s",
                                fields.Datetime.now() - timedelta(hours=1)))
