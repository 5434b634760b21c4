import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]


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
    log_level = fields.Selection([(level, level.title()) for level in LOG_LEVELS], default="info")
    created_at = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True)
    ended_at = fields.Datetime(readonly=True)
    active = fields.Boolean(default=True, readonly=True)

    _sql_constraints = [("name_unique", "unique(name)", "Session ids are unique.")]

    @api.model
    def _open(self, credential, protocol_version, client_info):
        session_id = secrets.token_urlsafe(24)
        self.env.cr.execute(SQL(
            """INSERT INTO mcp_session (name, key_id, user_id, credential_ref, protocol_version, client_name,
                                        client_version, log_level, created_at, last_seen, active)
               VALUES (%s, %s, %s, %s, %s, %s, %s, 'info', (now() at time zone 'UTC'),
                       (now() at time zone 'UTC'), true)""",
            session_id, credential.get("key_id"), credential["user_id"], credential_ref(credential),
            protocol_version, str(client_info.get("name") or "")[:128] or None,
            str(client_info.get("version") or "")[:64] or None,
        ))
        return session_id

    @api.model
    def _find(self, session_id, credential):
        """The live session row for this id and credential, or None."""
        self.env.cr.execute(SQL(
            """SELECT id, protocol_version, log_level, last_seen < (now() at time zone 'UTC') - interval '60 seconds'
                      AS stale
                 FROM mcp_session WHERE name = %s AND active AND credential_ref = %s""",
            session_id, credential_ref(credential),
        ))
        row = self.env.cr.dictfetchone()
        if row and row["stale"]:
            self.env.cr.execute(SQL(
                "UPDATE mcp_session SET last_seen = (now() at time zone 'UTC') WHERE id = %s", row["id"]))
        return row

    @api.model
    def _end(self, session_id, credential):
        self.env.cr.execute(SQL(
            """UPDATE mcp_session SET active = false, ended_at = (now() at time zone 'UTC')
                WHERE name = %s AND active AND credential_ref = %s""",
            session_id, credential_ref(credential),
        ))
        return bool(self.env.cr.rowcount)

    @api.model
    def _set_log_level(self, session_row_id, level):
        self.env.cr.execute(SQL("UPDATE mcp_session SET log_level = %s WHERE id = %s", level, session_row_id))

    def action_end(self):
        self.write({"active": False, "ended_at": fields.Datetime.now()})

    @api.autovacuum
    def _gc_sessions(self):
        """End sessions idle for a day and forget ended ones after a week."""
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            "UPDATE mcp_session SET active = false, ended_at = %s WHERE active AND last_seen < %s",
            now, now - timedelta(days=1)))
        self.env.cr.execute(SQL("DELETE FROM mcp_session WHERE NOT active AND ended_at < %s", now - timedelta(days=7)))


def credential_ref(credential):
    """A stable, secret-free reference of a credential (which key or grant)."""
    reference = credential.get("key_id") or credential.get("grant_id") or credential["user_id"]
    return "%s:%s" % (credential.get("kind"), reference)
