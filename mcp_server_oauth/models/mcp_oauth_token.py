from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.addons.mcp_server.lib.credential import Credential
from odoo.tools import SQL

from ..lib.credential_kind import OAUTH_CACHE, OAUTH_KIND
from ..lib.token_secrets import (
    ACCESS_MARKER,
    MAX_SECRET_LENGTH,
    PREFIX_LENGTH,
    REFRESH_MARKER,
    add_hash_column,
    hash_secret,
)

# Expired tokens are deleted after this long (a used refresh token is kept until it expires, to detect reuse).
EXPIRED_TOKEN_RETENTION = timedelta(days=1)


class McpOauthToken(models.Model):
    """An access token or a refresh token of a grant.

    Only the SHA-256 of a token is stored, in a column that is not an ORM field, with a unique
    index: a bearer token is found with one indexed lookup, cached per worker.
    """

    _name = "mcp.oauth.token"
    _description = "MCP OAuth Token"
    _order = "id desc"

    grant_id = fields.Many2one("mcp.oauth.grant", string="Connection", required=True, readonly=True,
                               ondelete="cascade", index=True)
    client_id = fields.Many2one(related="grant_id.client_id", string="Application")
    user_id = fields.Many2one(related="grant_id.user_id", string="User")
    token_type = fields.Selection([("access", "Access token"), ("refresh", "Refresh token")], required=True,
                                  readonly=True)
    prefix = fields.Char(readonly=True, help="The first characters of the token, to recognise it.")
    scope = fields.Char(readonly=True)
    expires_at = fields.Datetime(string="Expires on", required=True, readonly=True, index=True)
    revoked = fields.Boolean(readonly=True, default=False)
    used_at = fields.Datetime(string="Rotated on", readonly=True,
                              help="When this refresh token was exchanged; presenting it again revokes the connection.")

    def init(self):
        add_hash_column(self.env.cr, self._table, "token_hash")

    # ------------------------------------------------------------------
    # Issuance
    # ------------------------------------------------------------------
    @api.model
    def _store(self, grant, token):
        """Store the tokens of an authlib token response (hashes only)."""
        now = fields.Datetime.now()
        refresh_days = self.env["mcp.oauth.server"]._settings()["refresh_days"]
        secrets = [("access", token["access_token"], now + timedelta(seconds=token["expires_in"]))]
        if token.get("refresh_token"):
            secrets.append(("refresh", token["refresh_token"], now + timedelta(days=refresh_days)))
        for token_type, secret, expires_at in secrets:
            record = self.sudo().create({
                "grant_id": grant.id, "token_type": token_type, "prefix": secret[:PREFIX_LENGTH],
                "scope": token.get("scope") or "", "expires_at": expires_at,
            })
            self.env.cr.execute(SQL("UPDATE mcp_oauth_token SET token_hash = %s WHERE id = %s",
                                    hash_secret(secret), record.id))

    # ------------------------------------------------------------------
    # Bearer authentication of /mcp
    # ------------------------------------------------------------------
    @api.model
    def _access_row(self, digest):
        """Everything needed to accept an access token, in one indexed query (cached per worker with the
        OAuth cache version, bumped by revocations and changes to grants and clients; Odoo clears the cache
        when a user is archived)."""
        return self._access_row_cached(digest, self.env["mcp.cache.version"]._current(OAUTH_CACHE))

    @api.model
    @tools.ormcache("digest", "version")
    def _access_row_cached(self, digest, version):
        self.env.cr.execute(SQL(
            """SELECT t.token_hash, t.expires_at, t.revoked, t.scope, g.id AS grant_id, g.state AS grant_state,
                      g.user_id, g.resource, c.id AS client_id, c.state AS client_state,
                      c.profile_id AS client_profile_id,
                      u.active AS user_active
                 FROM mcp_oauth_token t
                 JOIN mcp_oauth_grant g ON g.id = t.grant_id
                 JOIN mcp_oauth_client c ON c.id = g.client_id
                 JOIN res_users u ON u.id = g.user_id
                WHERE t.token_hash = %s AND t.token_type = 'access'""",
            digest,
        ))
        return self.env.cr.dictfetchone()

    @api.model
    def _authenticate_access(self, token, resource):
        """``(credential, None)`` for a valid access token presented to ``resource``, else ``(None, reason)``."""
        if not token.startswith(ACCESS_MARKER) or len(token) > MAX_SECRET_LENGTH:
            return None, "not an OAuth access token"
        digest = hash_secret(token)
        row = self._access_row(digest)
        if not row or not tools.consteq(row["token_hash"], digest):
            return None, "unknown OAuth token"
        if row["revoked"] or row["grant_state"] != "active":
            return None, "revoked OAuth token"
        if row["expires_at"] <= fields.Datetime.now():
            return None, "expired OAuth token"
        if row["client_state"] != "approved":
            return None, "the OAuth client is not approved"
        if not row["user_active"]:
            return None, "the OAuth token's user is archived"
        if row["resource"] != resource:
            return None, "OAuth token issued for another resource (%s)" % row["resource"]
        scopes = tuple(row["scope"].split())
        profile = self.env["mcp.oauth.server"]._profile_for(row["client_profile_id"], scopes)
        if not profile:
            return None, "no access profile is set for the OAuth scopes %s any more" % row["scope"]
        self.env["mcp.oauth.grant"]._touch_last_used(row["grant_id"])
        return Credential(kind=OAUTH_KIND, user_id=row["user_id"], profile_id=profile.id, scopes=scopes,
                          extra_ids={"grant_id": row["grant_id"], "client_id": row["client_id"]}), None

    # ------------------------------------------------------------------
    # Token endpoint and revocation endpoint
    # ------------------------------------------------------------------
    @api.model
    def _find_by_secret(self, secret, lock=False):
        if not isinstance(secret, str) or len(secret) > MAX_SECRET_LENGTH:
            return self.browse()
        self.env.cr.execute(SQL("SELECT id FROM mcp_oauth_token WHERE token_hash = %s%s", hash_secret(secret),
                                SQL(" FOR UPDATE") if lock else SQL()))
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0]) if row else self.browse()

    @api.model
    def _claim_refresh(self, secret):
        """The usable refresh token ``secret`` (its row locked), or None. A refresh token that was
        already exchanged is being replayed: the whole grant is revoked (RFC 9700 §4.14.2)."""
        if not isinstance(secret, str) or not secret.startswith(REFRESH_MARKER):
            return None
        token = self._find_by_secret(secret, lock=True)
        if not token or token.token_type != "refresh":
            return None
        if token.used_at:
            token.grant_id._revoke("refresh token reused", status="denied")
            return None
        if token.revoked or token.expires_at <= fields.Datetime.now() or token.grant_id.state != "active":
            return None
        return token

    def _mark_used(self):
        self.write({"used_at": fields.Datetime.now()})

    def _revoke_by_client(self):
        """RFC 7009: a refresh token takes its whole grant with it; an access token goes alone."""
        self.ensure_one()
        if self.token_type == "refresh":
            self.grant_id._revoke("revoked by the application")
            return
        self.write({"revoked": True})
        self.env["mcp.cache.version"]._bump(OAUTH_CACHE)
        self.env["mcp.audit.log"].sudo()._log({
            "method": "oauth/revoke", "status": "success", "user_id": self.grant_id.user_id.id,
            "oauth_client_id": self.grant_id.client_id.id, "oauth_grant_id": self.grant_id.id})

    @api.autovacuum
    def _gc_expired_tokens(self):
        """Delete expired tokens; a user's connection left without any token has expired."""
        now = fields.Datetime.now()
        self.env.cr.execute(SQL("DELETE FROM mcp_oauth_token WHERE expires_at < %s", now - EXPIRED_TOKEN_RETENTION))
        self.env.cr.execute(SQL(
            """UPDATE mcp_oauth_grant g SET state = 'revoked', revoked_at = %s, revoke_reason = 'expired'
                WHERE g.state = 'active' AND g.kind = 'authorization_code'
                  AND NOT EXISTS (SELECT 1 FROM mcp_oauth_token t WHERE t.grant_id = g.id)""", now))
        self.env["mcp.cache.version"]._bump(OAUTH_CACHE)
