from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.token_secrets import CODE_MARKER, MAX_SECRET_LENGTH, add_hash_column, hash_secret

CODE_LIFETIME = timedelta(minutes=10)
EXPIRED_CODE_RETENTION = timedelta(days=1)


class McpOauthCode(models.Model):
    """An authorization code: single use, valid ten minutes, bound to its client, redirect URI,
    PKCE challenge, scope, resource and access profile. Only its SHA-256 is stored."""

    _name = "mcp.oauth.code"
    _description = "MCP OAuth Authorization Code"
    _order = "id desc"

    client_id = fields.Many2one("mcp.oauth.client", required=True, readonly=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade")
    profile_id = fields.Many2one("mcp.access.profile", required=True, readonly=True, ondelete="cascade")
    redirect_uri = fields.Char(required=True, readonly=True)
    scope = fields.Char(readonly=True)
    resource = fields.Char(readonly=True)
    code_challenge = fields.Char(readonly=True)
    code_challenge_method = fields.Char(readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True, index=True)
    used_at = fields.Datetime(readonly=True)
    grant_id = fields.Many2one("mcp.oauth.grant", readonly=True, ondelete="cascade",
                               help="The connection created when the code was exchanged.")

    def init(self):
        add_hash_column(self.env.cr, self._table, "code_hash")

    @api.model
    def _store(self, code, values):
        record = self.sudo().create(dict(values, expires_at=fields.Datetime.now() + CODE_LIFETIME))
        self.env.cr.execute(SQL("UPDATE mcp_oauth_code SET code_hash = %s WHERE id = %s", hash_secret(code), record.id))

    @api.model
    def _claim(self, code, client):
        """The usable code ``code`` of ``client`` (its row locked), or None. A code presented a second
        time revokes the grant issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4)."""
        if not isinstance(code, str) or not code.startswith(CODE_MARKER) or len(code) > MAX_SECRET_LENGTH:
            return None
        self.env.cr.execute(SQL("SELECT id FROM mcp_oauth_code WHERE code_hash = %s FOR UPDATE", hash_secret(code)))
        row = self.env.cr.fetchone()
        record = self.sudo().browse(row[0]) if row else None
        if not record or record.client_id != client:
            return None
        if record.used_at:
            record.grant_id._revoke("authorization code reused", status="denied")
            return None
        if record.expires_at <= fields.Datetime.now():
            return None
        return record

    def _mark_used(self):
        self.write({"used_at": fields.Datetime.now()})

    @api.autovacuum
    def _gc_expired_codes(self):
        self.env.cr.execute(SQL("DELETE FROM mcp_oauth_code WHERE expires_at < %s",
                                fields.Datetime.now() - EXPIRED_CODE_RETENTION))
