"""The life of MCP keys after creation: expiry warnings, scheduled rotation, clean-ups (crons)."""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from .mcp_cache_version import KEYS


class McpApiKeyLifecycle(models.Model):
    _inherit = "mcp.api.key"

    @api.autovacuum
    def _gc_key_usage(self):
        """Forget the usage of deleted keys."""
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_api_key_usage u WHERE NOT EXISTS (SELECT 1 FROM mcp_api_key k WHERE k.id = u.key_id)"))

    @api.autovacuum
    def _gc_rotated_secrets(self):
        """Forget previous secrets whose grace period is over."""
        self.env.cr.execute(SQL(
            """UPDATE mcp_api_key SET previous_key_hash = NULL, previous_prefix = NULL
                WHERE previous_valid_until < (now() at time zone 'UTC')"""
        ))
        if self.env.cr.rowcount:
            self.env["mcp.cache.version"]._bump(KEYS)

    # ------------------------------------------------------------------
    # Lifecycle (daily cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_key_lifecycle(self):
        """Warn owners before expiry, ask for scheduled rotations, and deactivate expired keys."""
        settings = self.env["mcp.server"]._settings()
        warn_days, enforce_days = settings["expiry_warning_days"], settings["rotation_enforce_days"]
        now = fields.Datetime.now()
        keys = self.sudo()
        if warn_days > 0:
            for key in keys.search([("expires_at", "!=", False), ("expires_at", ">", now),
                                    ("expires_at", "<=", now + timedelta(days=warn_days)),
                                    ("expiry_warned", "=", False)]):
                key.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=key.expires_at.date(), user_id=key.owner_id.id,
                    summary=_("MCP key '%s' expires soon", key.name),
                    note=_("Generate a new key and update the clients that use this one before it expires."))
                key.expiry_warned = True
        for key in keys.search([("rotation_days", ">", 0)]):
            due = key.rotation_due
            if not due or due > now:
                continue
            if enforce_days and due + timedelta(days=enforce_days) <= now:
                key.write({"expires_at": now})
                key.message_post(body=_("Key expired: its scheduled rotation was overdue."))
            elif not key.activity_ids:
                key.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=(due + timedelta(days=enforce_days)).date(),
                    user_id=key.owner_id.id, summary=_("Rotate MCP key '%s'", key.name),
                    note=_("Use Rotate on the key: the previous secret keeps working during the grace period."))
        expired = keys.search([("expires_at", "<=", now)])
        if expired:
            expired.write({"active": False})
