
from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.last_use import UseRecorder
from odoo.tools import SQL

from ..lib.credential_kind import OAUTH_CACHE
from ..lib.scopes import parse_scope

# "Last used" of a connection, written at most once a minute per connection and worker.
GRANT_USE = UseRecorder(lambda grant_id: SQL(
    "UPDATE mcp_oauth_grant SET last_used = (now() at time zone 'UTC') WHERE id = %s", grant_id))


class McpOauthGrant(models.Model):
    """One authorization: a user let a client act as them (a "connected app"), or a
    server-to-server client obtained tokens with its credentials.

    A grant fixes the scopes, the resource (this server's ``/mcp``) and the access profile; its
    tokens (access and rotating refresh tokens) form one family, revoked together.
    """

    _name = "mcp.oauth.grant"
    _inherit = ["mcp.cached.configuration"]
    _mcp_cache_names = (OAUTH_CACHE,)
    _mcp_cache_ignored_fields = frozenset({"last_used", "message_main_attachment_id"})
    _description = "MCP OAuth Connection"
    _order = "create_date desc, id desc"
    _rec_name = "client_name"

    client_id = fields.Many2one("mcp.oauth.client", string="Application", required=True, readonly=True,
                                ondelete="cascade", index=True)
    client_name = fields.Char(related="client_id.name", string="Application name")
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True, ondelete="cascade",
                              index=True)
    profile_id = fields.Many2one(
        "mcp.access.profile", string="Profile at consent", required=True, readonly=True, ondelete="restrict",
        help="The profile the user approved. Each request acts under the profile that applies now: the "
             "application's own profile, or the one Settings give the connection's highest scope.")
    scope = fields.Char(readonly=True)
    resource = fields.Char(readonly=True, help="The resource the tokens are bound to (RFC 8707).")
    kind = fields.Selection([("authorization_code", "User login"), ("client_credentials", "Client credentials")],
                            required=True, readonly=True, default="authorization_code")
    state = fields.Selection([("active", "Active"), ("revoked", "Revoked")], required=True, readonly=True,
                             default="active", index=True)
    revoked_at = fields.Datetime(readonly=True)
    revoke_reason = fields.Char(readonly=True)
    last_used = fields.Datetime(readonly=True)
    token_ids = fields.One2many("mcp.oauth.token", "grant_id", string="Tokens", readonly=True)

    # ------------------------------------------------------------------
    # Creation (token endpoint)
    # ------------------------------------------------------------------
    @api.model
    def _from_code(self, code):
        """The grant of an authorization code being exchanged.

        A user has one connection per application: authorizing an application again (new scopes, a
        reconnection) updates its connection, whose earlier tokens are revoked, and keeps its MCP
        sessions (they are bound to the connection).
        """
        values = {"profile_id": code.profile_id.id, "scope": code.scope, "resource": code.resource}
        grant = self.sudo().search([("client_id", "=", code.client_id.id), ("user_id", "=", code.user_id.id),
                                    ("kind", "=", "authorization_code"), ("state", "=", "active")], limit=1)
        if grant:
            self.env.cr.execute(SQL("UPDATE mcp_oauth_token SET revoked = true WHERE grant_id = %s",
                                    grant.id))
            self.env["mcp.oauth.token"].invalidate_model(["revoked"])
            grant.write(values)
        else:
            grant = self.sudo().create(dict(values, client_id=code.client_id.id, user_id=code.user_id.id))
        code.grant_id = grant
        return grant

    @api.model
    def _for_client_credentials(self, client, scope, resource, profile):
        """The active grant of a server-to-server client for these terms (created when needed)."""
        values = {"client_id": client.id, "user_id": client.user_id.id, "profile_id": profile.id, "scope": scope,
                  "resource": resource, "kind": "client_credentials"}
        grant = self.sudo().search([(name, "=", value) for name, value in values.items()] + [
            ("state", "=", "active")], limit=1)
        return grant or self.sudo().create(values)

    @api.model
    def _consent_remembered(self, client, user, scopes, profile):
        """Whether the user already approved this client for at least these scopes and this profile."""
        grants = self.sudo().search([("client_id", "=", client.id), ("user_id", "=", user.id),
                                     ("profile_id", "=", profile.id), ("state", "=", "active"),
                                     ("kind", "=", "authorization_code")])
        return any(set(scopes) <= set(parse_scope(grant.scope)) for grant in grants)

    # ------------------------------------------------------------------
    # Revocation
    # ------------------------------------------------------------------
    def action_revoke(self):
        """Disconnect: the user's own connections (Preferences), or any for MCP administrators."""
        self.check_access("read")
        self.sudo()._revoke(_("revoked by %s", self.env.user.login))
        return True

    def _revoke(self, reason, status="success"):
        """Revoke these grants and every token issued under them (effective at once in all workers).

        ``status`` is the audit status: "denied" when a security rule revoked them (token reuse).
        """
        active = self.filtered(lambda grant: grant.state == "active")
        if not active:
            return
        active.write({"state": "revoked", "revoked_at": fields.Datetime.now(), "revoke_reason": reason[:256]})
        self.env.cr.execute(SQL("UPDATE mcp_oauth_token SET revoked = true WHERE grant_id IN %s",
                                tuple(active.ids)))
        self.env["mcp.oauth.token"].invalidate_model(["revoked"])
        log = self.env["mcp.audit.log"].sudo()
        for grant in active:
            log._log({"method": "oauth/revoke", "status": status, "user_id": grant.user_id.id,
                      "oauth_client_id": grant.client_id.id, "oauth_grant_id": grant.id,
                      "error": None if status == "success" else reason})

    @api.model
    def _touch_last_used(self, grant_id):
        """Record use at most once a minute per grant and worker, outside the request's transaction."""
        GRANT_USE.record(self.env, grant_id)
