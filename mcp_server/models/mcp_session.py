import json
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.call_context import LOG_LEVELS
from ..lib.last_use import UseRecorder

# Client capabilities a session remembers: what the server may ask the client for on a request's stream, and
# the extensions it declared (MCP Apps views are offered only to clients that have them).
CLIENT_CAPABILITIES = ("elicitation", "sampling", "roots", "extensions")
# Activity of a session, recorded at most once a minute per session and worker.
SESSION_USE = UseRecorder(lambda row_id: SQL(
    "UPDATE mcp_session SET last_seen = (now() at time zone 'UTC') WHERE id = %s", row_id))


class McpSession(models.Model):
    """An MCP session, stored in the database so every worker shares it."""

    _name = "mcp.session"
    _description = "MCP Session"
    _order = "last_seen desc, id desc"
    _log_access = False

    name = fields.Char(string="Session id", readonly=True, required=True, index=True)
    key_id = fields.Many2one("mcp.api.key", readonly=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", readonly=True, ondelete="cascade")
    credential_ref = fields.Char(readonly=True, help="Which credential opened the session.")
    protocol_version = fields.Char(readonly=True)
    client_name = fields.Char(readonly=True)
    client_version = fields.Char(readonly=True)
    client_capabilities = fields.Json(readonly=True, help="What the client declared in initialize.")
    log_level = fields.Selection([(level, level.title()) for level in LOG_LEVELS], default="info")
    created_at = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True)
    ended_at = fields.Datetime(readonly=True)
    active = fields.Boolean(default=True, readonly=True)

    _sql_constraints = [("name_unique", "unique(name)", "Session ids are unique.")]

    @api.model
    def _open(self, credential, protocol_version, client_info, client_capabilities=None):
        session_id = secrets.token_urlsafe(24)
        capabilities = {k: v for k, v in (client_capabilities or {}).items() if k in CLIENT_CAPABILITIES}
        self.env.cr.execute(SQL(
            """INSERT INTO mcp_session (name, key_id, user_id, credential_ref, protocol_version, client_name,
                                        client_version, client_capabilities, log_level, created_at, last_seen,
                                        active)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'info', (now() at time zone 'UTC'),
                       (now() at time zone 'UTC'), true)""",
            session_id, credential.key_id, credential.user_id, credential.ref,
            protocol_version, str(client_info.get("name") or "")[:128] or None,
            str(client_info.get("version") or "")[:64] or None, json.dumps(capabilities),
        ))
        return session_id

    @api.model
    def _find(self, session_id, credential):
        """The live session with this id for this credential (``{id, protocol_version, log_level}``), or None.

        One lookup on the unique index of the session id, so ending a session or changing its log level
        takes effect in every worker at once, with no cache to clear."""
        self.env.cr.execute(SQL(
            """SELECT id, protocol_version, log_level, client_capabilities FROM mcp_session
                WHERE name = %s AND active AND credential_ref = %s""", session_id, credential.ref))
        row = self.env.cr.dictfetchone()
        if row:
            SESSION_USE.record(self.env, row["id"])
        return row

    @api.model
    def _end(self, session_id, credential):
        self.env.cr.execute(SQL(
            """UPDATE mcp_session SET active = false, ended_at = (now() at time zone 'UTC')
                WHERE name = %s AND active AND credential_ref = %s""",
            session_id, credential.ref,
        ))
        return bool(self.env.cr.rowcount)

    @api.model
    def _set_log_level(self, session_row_id, level):
        self.env.cr.execute(SQL("UPDATE mcp_session SET log_level = %s WHERE id = %s", level, session_row_id))

    def action_end(self):
        self.write({"active": False, "ended_at": fields.Datetime.now()})

    @api.autovacuum
    def _gc_sessions(self):
        """End sessions idle for a day and delete ended ones after the retention set in Settings (in days;
        0 keeps them)."""
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            "UPDATE mcp_session SET active = false, ended_at = %s WHERE active AND last_seen < %s",
            now, now - timedelta(days=1)))
        days = self.env["mcp.server"]._settings()["session_retention_days"]
        if days > 0:
            self.env.cr.execute(SQL("DELETE FROM mcp_session WHERE NOT active AND ended_at < %s",
                                    now - timedelta(days=days)))

