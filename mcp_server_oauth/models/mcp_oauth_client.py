import logging
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..lib.cimd_fetch import ClientMetadataError, fetch_client_metadata
from ..lib.credential_kind import OAUTH_CACHE
from ..lib.redirect_uris import (
    APPLICATION_TYPES,
    allowlisted,
    application_type_error,
    redirect_uri_error,
    redirect_uri_matches,
    split_uris,
)
from ..lib.scopes import SCOPES, format_scope, parse_scope
from ..lib.token_secrets import CLIENT_SECRET_MARKER, hash_secret, new_client_id, new_secret

_logger = logging.getLogger(__name__)

AUTH_METHODS = [
    ("none", "None (public client, PKCE only)"),
    ("client_secret_basic", "Client secret (HTTP Basic)"),
    ("client_secret_post", "Client secret (form)"),
]
CONFIDENTIAL_METHODS = ("client_secret_basic", "client_secret_post")
# A metadata document is fetched again after this long.
METADATA_TTL = timedelta(hours=24)
# Self-registered clients nobody connected with are forgotten after this long.
UNUSED_CLIENT_DAYS = 30


class McpOauthClient(models.Model):
    """An application that may ask users for access to the MCP server (an OAuth client).

    Clients come from dynamic registration (RFC 7591), from a Client ID Metadata Document (the
    client_id is an https URL the server fetches), or from an administrator (shared clients, which
    get a secret, and server-to-server clients using the client credentials grant). The client
    secret is stored only as a SHA-256 hash, in a column that is not an ORM field.
    """

    _name = "mcp.oauth.client"
    _inherit = ["mcp.cached.configuration"]
    _mcp_cache_names = (OAUTH_CACHE,)
    _description = "MCP OAuth Client"
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, help="The name users see on the consent page.")
    client_id = fields.Char(string="Client ID", required=True, readonly=True, copy=False, index=True,
                            default=lambda self: new_client_id())
    kind = fields.Selection(
        [("dynamic", "Self-registered"), ("metadata", "Metadata document"), ("shared", "Added by an administrator")],
        required=True, readonly=True, default="shared",
        help="Self-registered clients registered through /oauth/register; metadata-document clients are "
             "identified by an https URL that publishes their metadata.")
    state = fields.Selection(
        [("pending", "Waiting for approval"), ("approved", "Approved"), ("blocked", "Blocked")],
        required=True, default="approved", index=True,
        help="Only approved clients can obtain tokens. Blocking a client revokes all its connections.")
    token_endpoint_auth_method = fields.Selection(
        AUTH_METHODS, string="Client authentication", required=True, default="client_secret_post",
        help="Public clients (desktop apps, browser apps) have no secret and rely on PKCE.")
    redirect_uris = fields.Text(
        string="Redirect URIs", help="One per line. The URI of an authorization request must match one exactly "
                                     "(for loopback addresses, the port may differ).")
    allow_authorization_code = fields.Boolean(string="Users log in (authorization code)", default=True)
    allow_refresh_token = fields.Boolean(string="Refresh tokens", default=True)
    allow_client_credentials = fields.Boolean(
        string="Server to server (client credentials)",
        help="The client obtains tokens with its id and secret alone and acts as the user below.")
    scope = fields.Char(string="Allowed scopes",
                        help="Space-separated scopes this client may obtain (mcp:read, mcp:write, mcp:admin). "
                             "Empty: every scope.")
    user_id = fields.Many2one("res.users", string="Acts as", domain=[("share", "=", False)], ondelete="cascade",
                              help="The user of client-credentials tokens.")
    profile_id = fields.Many2one(
        "mcp.access.profile", string="Access profile", ondelete="restrict",
        help="When set, every connection of this client uses this profile, whatever its scopes. "
             "Otherwise the profile of the highest granted scope applies (see Settings).")
    application_type = fields.Selection(
        [("web", "Web application"), ("native", "Native application")], string="Application type", readonly=True,
        help="Declared at registration: web applications use https redirect URIs on a public host; native "
             "applications (desktop, command line, mobile) a loopback port or their own URI scheme.")
    logo_uri = fields.Char(string="Logo URL")
    client_uri = fields.Char(string="Home page")
    contacts = fields.Char()
    software_id = fields.Char(readonly=True)
    software_version = fields.Char(readonly=True)
    metadata_fetched_at = fields.Datetime(string="Metadata fetched on", readonly=True, copy=False)
    grant_ids = fields.One2many("mcp.oauth.grant", "client_id", string="Connections")
    grant_count = fields.Integer(compute="_compute_grant_count", string="Active connections")
    confidential = fields.Boolean(compute="_compute_confidential")

    _sql_constraints = [("client_id_unique", "unique(client_id)", "Client ids are unique.")]

    def init(self):
        self.env.cr.execute(SQL("ALTER TABLE mcp_oauth_client ADD COLUMN IF NOT EXISTS secret_hash varchar"))

    @api.depends("grant_ids.state")
    def _compute_grant_count(self):
        for client in self:
            client.grant_count = len(client.grant_ids.filtered(lambda grant: grant.state == "active"))

    @api.depends("token_endpoint_auth_method")
    def _compute_confidential(self):
        for client in self:
            client.confidential = client.token_endpoint_auth_method in CONFIDENTIAL_METHODS

    @api.constrains("redirect_uris")
    def _check_redirect_uris(self):
        for client in self:
            for uri in client._redirect_uri_list():
                error = redirect_uri_error(uri)
                if error:
                    raise ValidationError(_("Invalid redirect URI %(uri)s: %(error)s", uri=uri, error=error))

    @api.constrains("scope")
    def _check_scope(self):
        for client in self:
            unknown = set((client.scope or "").split()) - set(SCOPES)
            if unknown:
                raise ValidationError(_("Unknown scope(s) %(scopes)s; use %(known)s.",
                                        scopes=", ".join(sorted(unknown)), known=", ".join(SCOPES)))

    @api.constrains("allow_client_credentials", "user_id", "token_endpoint_auth_method")
    def _check_client_credentials(self):
        for client in self.filtered("allow_client_credentials"):
            if not client.confidential:
                raise ValidationError(_("Client credentials need a confidential client (with a secret)."))
            if not client.user_id:
                raise ValidationError(_("Choose the user that client-credentials tokens act as."))

    def _redirect_uri_list(self):
        self.ensure_one()
        return split_uris(self.redirect_uris)

    # ------------------------------------------------------------------
    # Secret
    # ------------------------------------------------------------------
    @api.model
    def _create_with_secret(self, values):
        """Create a client and return ``(client, secret)``; the secret (None for a public client) is not stored."""
        client = self.create(values)
        secret = client._new_secret() if client.confidential else None
        return client, secret

    def _new_secret(self):
        """Give the client a new secret and return it (shown once)."""
        self.ensure_one()
        secret = new_secret(CLIENT_SECRET_MARKER)
        self._store_secret_hash(hash_secret(secret))
        return secret

    def _store_secret_hash(self, digest):
        self.env.cr.execute(SQL("UPDATE mcp_oauth_client SET secret_hash = %s WHERE id = %s", digest, self.id))

    def _check_secret(self, secret):
        self.ensure_one()
        if not secret or len(secret) > 200:
            return False
        self.env.cr.execute(SQL("SELECT secret_hash FROM mcp_oauth_client WHERE id = %s", self.id))
        digest = self.env.cr.fetchone()[0]
        return bool(digest) and tools.consteq(digest, hash_secret(secret))

    # ------------------------------------------------------------------
    # What the client may do (asked by authlib through ClientAdapter)
    # ------------------------------------------------------------------
    def _check_auth_method(self, method):
        self.ensure_one()
        if self.confidential:
            return method in CONFIDENTIAL_METHODS
        return method == "none"

    def _allows_grant_type(self, grant_type):
        self.ensure_one()
        if self.state != "approved":
            return False
        if grant_type == "client_credentials":
            return self.allow_client_credentials and self.user_id.active
        return {"authorization_code": self.allow_authorization_code,
                "refresh_token": self.allow_refresh_token}.get(grant_type, False)

    def _check_redirect_uri(self, redirect_uri):
        self.ensure_one()
        return any(redirect_uri_matches(uri, redirect_uri) for uri in self._redirect_uri_list())

    def _granted_scopes(self, requested):
        """The MCP scopes a token of this client gets for a ``requested`` scope string: the known
        requested scopes (the default scopes when none is requested) that the client may have and
        that have an access profile."""
        self.ensure_one()
        server = self.env["mcp.oauth.server"]
        wanted = parse_scope(requested) or parse_scope(server._settings()["default_scope"])
        allowed = parse_scope(self.scope) if self.scope else SCOPES
        available = SCOPES if self.profile_id else tuple(server._scope_profiles())
        return [scope for scope in wanted if scope in allowed and scope in available]

    def _allowed_scope(self, scope):
        return format_scope(self._granted_scopes(scope))

    def _profile_for_scopes(self, scopes):
        """The client's own profile, or the profile of the highest scope."""
        self.ensure_one()
        return self.env["mcp.oauth.server"]._profile_for(self.profile_id.id, scopes)

    # ------------------------------------------------------------------
    # Lookup (with Client ID Metadata Documents)
    # ------------------------------------------------------------------
    @api.model
    def _for_oauth(self, client_id, fetch_metadata=False):
        """The usable client with this id, or None (unknown or blocked). An https ``client_id`` is a
        Client ID Metadata Document URL: with ``fetch_metadata`` (the authorization endpoint, used by a
        logged-in user), the document is fetched, and fetched again once stale. Endpoints open to
        anyone never make the server fetch a URL.

        Raises :class:`ClientMetadataError` when a metadata document cannot be used.
        """
        if not client_id or not isinstance(client_id, str) or len(client_id) > 500 or "\x00" in client_id:
            return None  # PostgreSQL cannot compare text holding a NUL character: no such client
        client = self.sudo().search([("client_id", "=", client_id)], limit=1)
        if fetch_metadata and client_id.startswith("https://") and (not client or (
                client.kind == "metadata" and client.state != "blocked"
                and client.metadata_fetched_at < fields.Datetime.now() - METADATA_TTL)):
            client = self.sudo()._from_metadata_document(client_id, client)
        if not client or client.state == "blocked":
            return None
        return client

    @api.model
    def _from_metadata_document(self, url, client):
        settings = self.env["mcp.oauth.server"]._settings()
        if settings["registration_mode"] == "off" and not client:
            raise ClientMetadataError("this server does not accept new clients")
        document = fetch_client_metadata(url)
        if document.get("client_id") != url:
            raise ClientMetadataError("the document's client_id is not the URL it was fetched from")
        if document.get("token_endpoint_auth_method", "none") != "none" or "client_secret" in document:
            raise ClientMetadataError("a client identified by a metadata document must be a public client "
                                      "(token_endpoint_auth_method none)")
        problem = self._registration_problem(document)
        if problem:
            raise ClientMetadataError(problem[1])
        values = dict(self._values_from_metadata(document), metadata_fetched_at=fields.Datetime.now())
        if client:
            client.write(values)
            return client
        return self.create(dict(values, client_id=url, kind="metadata",
                                state="approved" if settings["registration_mode"] == "open" else "pending"))

    # ------------------------------------------------------------------
    # Dynamic registration (RFC 7591)
    # ------------------------------------------------------------------
    @api.model
    def _registration_problem(self, metadata):
        """``(error, description)`` when a self-registration (or metadata document) is not acceptable."""
        uris = metadata.get("redirect_uris")
        if not isinstance(uris, list) or not uris or not all(isinstance(uri, str) for uri in uris):
            return "invalid_redirect_uri", "redirect_uris must be a non-empty list of URIs."
        application_type = metadata.get("application_type")
        if application_type is not None and application_type not in APPLICATION_TYPES:
            return "invalid_client_metadata", "application_type must be web or native."
        allowlist = self.env["mcp.oauth.server"]._settings()["redirect_allowlist"]
        for uri in uris:
            error = redirect_uri_error(uri) or application_type_error(uri, application_type)
            if error:
                return "invalid_redirect_uri", "%s: %s." % (uri[:200], error)
            if not allowlisted(uri, allowlist):
                return "invalid_redirect_uri", (
                    "%s is not on this server's list of allowed redirect URIs. An administrator can add it in "
                    "Settings > MCP Server > OAuth > Allowed redirect URIs (mcp_server_oauth.redirect_uri_allowlist)."
                    % uri)
        for key in ("logo_uri", "client_uri"):
            value = metadata.get(key)
            if value is not None and (not isinstance(value, str) or not value.startswith("https://")):
                return "invalid_client_metadata", "%s must be an https URL." % key
        grant_types = metadata.get("grant_types") or ["authorization_code"]
        if not isinstance(grant_types, list) or not set(grant_types) <= {"authorization_code", "refresh_token"}:
            return "invalid_client_metadata", "grant_types may only hold authorization_code and refresh_token."
        return None

    @api.model
    def _values_from_metadata(self, metadata):
        grant_types = metadata.get("grant_types") or ["authorization_code"]

        def text(key, size=256):
            value = metadata.get(key)
            return value[:size] if isinstance(value, str) and value else False

        contacts = metadata.get("contacts")
        return {
            "name": text("client_name", 128) or _("Unnamed application"),
            "redirect_uris": "\n".join(metadata["redirect_uris"]),
            "token_endpoint_auth_method": metadata.get("token_endpoint_auth_method") or "none",
            "allow_authorization_code": "authorization_code" in grant_types,
            "allow_refresh_token": "refresh_token" in grant_types,
            "logo_uri": text("logo_uri", 1000),
            "client_uri": text("client_uri", 1000),
            "contacts": ", ".join(c for c in contacts if isinstance(c, str))[:256] if isinstance(contacts, list)
            else False,
            "software_id": text("software_id"),
            "software_version": text("software_version", 64),
            "application_type": metadata.get("application_type") or False,
        }

    @api.model
    def _register_dynamic(self, client_info, metadata):
        """Create the client of a dynamic registration (state from the registration mode)."""
        mode = self.env["mcp.oauth.server"]._settings()["registration_mode"]
        client = self.sudo().create(dict(
            self._values_from_metadata(metadata), client_id=client_info["client_id"], kind="dynamic",
            state="approved" if mode == "open" else "pending"))
        if client_info.get("client_secret"):
            client._store_secret_hash(hash_secret(client_info["client_secret"]))
        return client

    # ------------------------------------------------------------------
    # Administration
    # ------------------------------------------------------------------
    def action_approve(self):
        self.write({"state": "approved"})

    def action_block(self):
        self.write({"state": "blocked"})
        self.grant_ids.filtered(lambda grant: grant.state == "active")._revoke("client blocked")

    def action_view_grants(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Connections of %s", self.name),
            "res_model": "mcp.oauth.grant",
            "view_mode": "list,form",
            "domain": [("client_id", "=", self.id)],
            "context": {"default_client_id": self.id},
        }

    @api.autovacuum
    def _gc_unused_clients(self):
        """Forget self-registered clients that nobody connected with."""
        unused = self.sudo().search([
            ("kind", "!=", "shared"), ("grant_ids", "=", False),
            ("create_date", "<", fields.Datetime.now() - timedelta(days=UNUSED_CLIENT_DAYS))])
        _logger.info("MCP OAuth: removing %s unused self-registered clients", len(unused))
        unused.unlink()
