"""Computed page figures, kept for the page's ``cache_seconds`` in a table every worker shares."""
import json

from odoo import api, fields, models
from odoo.tools import SQL


class McpPortalCache(models.Model):
    _name = "mcp.portal.cache"
    _description = "MCP Portal Page Cache"
    _log_access = False

    page_id = fields.Many2one("mcp.portal.page", required=True, ondelete="cascade", index=True, readonly=True)
    key = fields.Char(required=True, readonly=True, help="Hash of the filter values the figures were computed for.")
    payload = fields.Json(readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True, index=True)

    _sql_constraints = [("page_key_unique", "unique(page_id, key)", "One cache entry per page and filters.")]

    @api.model
    def _get(self, page_id, key):
        self.env.cr.execute(SQL(
            """SELECT payload FROM mcp_portal_cache
                WHERE page_id = %s AND key = %s AND expires_at > (now() at time zone 'UTC')""", page_id, key))
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _put(self, page_id, key, payload, seconds):
        self.env.cr.execute(SQL(
            """INSERT INTO mcp_portal_cache (page_id, key, payload, expires_at)
               VALUES (%s, %s, %s::jsonb, (now() at time zone 'UTC') + make_interval(secs => %s))
               ON CONFLICT (page_id, key) DO UPDATE SET payload = EXCLUDED.payload,
                                                        expires_at = EXCLUDED.expires_at""",
            page_id, key, json.dumps(payload, default=str), seconds))

    @api.model
    def _invalidate(self, page_ids):
        self.env.cr.execute(SQL("DELETE FROM mcp_portal_cache WHERE page_id IN %s", tuple(page_ids)))

    @api.autovacuum
    def _gc_expired(self):
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_portal_cache WHERE expires_at < (now() at time zone 'UTC') - interval '1 hour'"))
