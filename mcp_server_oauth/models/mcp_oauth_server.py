"""The OAuth 2.1 endpoints: what /oauth/authorize, /oauth/token, /oauth/revoke and /oauth/register do.

Controllers hand the werkzeug request and the proxy-aware base URL to these methods and send
back the :class:`OAuthReply` they return. authlib does the protocol work; this model applies the
administrator's settings, shows the consent page and writes the audit rows.
"""
import time
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749.errors import AccessDeniedError, OAuth2Error

from odoo import _, api, models
from odoo.addons.mcp_server.lib.credential import Credential
from odoo.addons.mcp_server.lib.jsonrpc import parse_body

from ..lib.authlib_server import OdooAuthorizationServer, OdooJsonRequest, OdooOAuth2Request
from ..lib.cimd_fetch import ClientMetadataError
from ..lib.credential_kind import REGISTRATION_KIND
from ..lib.redirect_uris import malformed_uri_error, split_uris
from ..lib.reply import OAuthReply
from ..lib.scopes import (
    SCOPE_ADMIN,
    SCOPE_READ,
    SCOPE_SETTING,
    SCOPE_WRITE,
    SCOPES,
    format_scope,
    highest_scope,
    parse_scope,
)
from ..lib.urls import AUTHORIZE_PATH, REGISTER_PATH, REVOKE_PATH, TOKEN_PATH, endpoint

REGISTRATION_MODES = ("open", "approval", "off")
DEFAULT_REDIRECT_ALLOWLIST = " ".join([
    # Claude.ai, Claude Desktop and the Claude mobile apps (the callback is Claude's web app).
    "https://claude.ai/api/mcp/auth_callback",
    "https://claude.com/api/mcp/auth_callback",
    # ChatGPT connectors: the stable callback, used with servers that send iss (RFC 9207), and the
    # per-app callbacks https://chatgpt.com/connector/oauth/{callback_id}.
    "https://chatgpt.com/connector_platform_oauth_redirect",
    "https://chatgpt.com/connector/oauth/*",
    # Cursor.
    "cursor://anysphere.cursor-mcp/oauth/callback",
    # VS Code and VS Code Insiders (their web redirect page hands the answer to the editor).
    "https://vscode.dev/redirect",
    "https://insiders.vscode.dev/redirect",
    # Native apps listening on a loopback port chosen at run time (RFC 8252 §7.3): Claude Code, VS Code
    # desktop, Gemini CLI, the MCP Inspector and other command-line clients.
    "http://127.0.0.1:*",
    "http://[::1]:*",
    "http://localhost:*",
])
# Dynamic registrations accepted per client IP address and day (Claude.ai and ChatGPT register every user's
# connection from their own servers' addresses).
DEFAULT_REGISTRATIONS_PER_DAY = 200
DEFAULT_SCOPE = "%s %s" % (SCOPE_READ, SCOPE_WRITE)
DEFAULT_ACCESS_TOKEN_MINUTES = 60
DEFAULT_REFRESH_TOKEN_DAYS = 30
MAX_REGISTRATION_BYTES = 16 * 1024
JSON_HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Pragma", "no-cache")]
PAGE_HEADERS = [("Cache-Control", "no-store"), ("X-Frame-Options", "DENY"),
                ("Content-Security-Policy", "frame-ancestors 'none'"), ("Referrer-Policy", "no-referrer")]
# Audit status of a failed token or revocation request, by OAuth error.
AUTH_ERRORS = ("invalid_client", "invalid_grant", "unauthorized_client")


class McpOauthServer(models.AbstractModel):
    _name = "mcp.oauth.server"
    _description = "MCP OAuth 2.1 authorization server"

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _settings(self):
        get = self.env["ir.config_parameter"].sudo().get_param

        def as_int(key, default):
            try:
                return int(get(key) or default) or default
            except ValueError:
                return default

        mode = get("mcp_server_oauth.registration_mode") or "open"
        return {
            "registration_mode": mode if mode in REGISTRATION_MODES else "open",
            "redirect_allowlist": split_uris(get("mcp_server_oauth.redirect_uri_allowlist",
                                                  DEFAULT_REDIRECT_ALLOWLIST)),
            "remember_consent": get("mcp_server_oauth.remember_consent", "True") not in ("False", "0", ""),
            "access_seconds": as_int("mcp_server_oauth.access_token_minutes", DEFAULT_ACCESS_TOKEN_MINUTES) * 60,
            "refresh_days": as_int("mcp_server_oauth.refresh_token_days", DEFAULT_REFRESH_TOKEN_DAYS),
            "default_scope": get("mcp_server_oauth.default_scope") or DEFAULT_SCOPE,
            "registrations_per_day": as_int("mcp_server_oauth.registrations_per_ip_day",
                                            DEFAULT_REGISTRATIONS_PER_DAY),
        }

    @api.model
    def _scope_profiles(self):
        """``{scope: access profile}`` of the scopes whose profile is set (and active) in Settings."""
        get = self.env["ir.config_parameter"].sudo().get_param
        ids = {}
        for scope in SCOPES:
            value = get("mcp_server_oauth.profile_%s_id" % SCOPE_SETTING[scope]) or ""
            if value.isdigit():
                ids[scope] = int(value)
        active = self.env["mcp.access.profile"].sudo().search([("id", "in", list(ids.values()))])
        return {scope: active.browse(profile_id) for scope, profile_id in ids.items() if profile_id in active.ids}

    @api.model
    def _profile_for(self, client_profile_id, scopes):
        """The access profile a connection acts under now: its application's own profile, else the profile
        Settings give its highest scope today (a change in Settings applies to connections made before it)."""
        if client_profile_id:
            profile = self.env["mcp.access.profile"].sudo().browse(client_profile_id).exists()
            return profile if profile.active else None
        return self._scope_profiles().get(highest_scope(scopes))

    @api.model
    def _scopes_supported(self):
        return list(self._scope_profiles())

    @api.model
    def _challenge_scope(self):
        """The scope a client should ask for when /mcp answers 401: the default scopes that are available."""
        available = self._scope_profiles()
        return format_scope([scope for scope in parse_scope(self._settings()["default_scope"]) if scope in available])

    @api.model
    def _scope_labels(self):
        """What the consent page says each scope allows, naming the models of the scope's access profile."""
        profiles = self._scope_profiles()

        def models_of(scope, operation):
            rules = profiles[scope].rule_ids.filtered("perm_%s" % operation) if scope in profiles else []
            return ", ".join(sorted(rule.model_id.name for rule in rules)) or _("nothing yet")

        return {
            SCOPE_READ: _("Read records of: %s", models_of(SCOPE_READ, "read")),
            SCOPE_WRITE: _("Create and change records of: %s", models_of(SCOPE_WRITE, "write")),
            SCOPE_ADMIN: _("Delete records of: %s, and use administrative tools", models_of(SCOPE_ADMIN, "unlink")),
        }

    def _server(self, base_url, fetch_metadata=False):
        return OdooAuthorizationServer(self.sudo().env, base_url, self._settings()["access_seconds"], fetch_metadata)

    # ------------------------------------------------------------------
    # /oauth/authorize (the logged-in user)
    # ------------------------------------------------------------------
    @api.model
    def _authorize(self, httprequest, base_url, ip, decision=None):
        """The authorization request (``decision`` None: GET), or the user's answer on the consent page
        (``decision`` "allow" or anything else for deny, POST with a CSRF token checked by Odoo)."""
        started = time.perf_counter()
        server = self._server(base_url, fetch_metadata=True)
        user = self.env.user
        audit = {"method": "oauth/authorize", "ip": ip, "user_id": user.id, "started": started}
        params = httprequest.args if decision is None else httprequest.form
        request = OdooOAuth2Request(httprequest, endpoint(base_url, AUTHORIZE_PATH), params)
        grant = self._consent_grant(server, request, params, audit)
        if isinstance(grant, OAuthReply):
            return grant
        client = grant.client.record
        audit["oauth_client_id"] = client.id
        denied_url = server.handle_response(
            *AccessDeniedError(redirect_uri=grant.redirect_uri, state=request.payload.state)()).header("Location")
        if client.state == "pending":
            return self._error_page(audit, _(
                "%s is waiting for an administrator's approval before it can connect. Try again once "
                "it is approved.", client.name), "denied", return_url=denied_url)
        if not user.has_group("mcp_server.group_mcp_user"):
            return self._error_page(audit, _(
                "Your account may not connect applications to the MCP server. Ask your administrator for "
                "the MCP User access right."), "denied", return_url=denied_url)
        scopes = parse_scope(request.mcp_scope)
        settings = self._settings()
        if decision is None:
            remembered = (settings["remember_consent"] and request.payload.data.get("prompt") != "consent"
                          and self.env["mcp.oauth.grant"]._consent_remembered(
                              client, user, scopes, request.mcp_profile))
            if not remembered:
                return self._consent_page(client, request, scopes, params)
        elif decision != "allow":
            self._audit(audit, "denied", 302, "the user denied access")
            return OAuthReply(302, "", [("Location", denied_url)])
        reply = server.create_authorization_response(request, grant_user=user, grant=grant)
        self._audit(audit, "success" if reply.status == 302 else "protocol_error", reply.status)
        return reply

    def _consent_grant(self, server, request, params, audit):
        """authlib's grant for a valid authorization request, or the reply that refuses it: an error
        redirect to the client's own redirect URI, or an error page when there is no such URI."""
        redirect_uri = params.get("redirect_uri")
        problem = redirect_uri is not None and malformed_uri_error(redirect_uri)
        if problem:
            return self._error_page(audit, _(
                "The application sent a malformed redirect_uri (%(uri)s): %(problem)s. Tell its developer; "
                "nothing was changed.", uri=redirect_uri[:200], problem=problem), "protocol_error")
        try:
            return server.get_consent_grant(request, end_user=self.env.user)
        except ClientMetadataError as exc:
            return self._error_page(audit, str(exc), "protocol_error")
        except OAuth2Error as error:
            if error.redirect_uri and self._is_registered_redirect(params, error.redirect_uri):
                # The client learns what was wrong at its own redirect URI.
                self._audit(audit, "protocol_error", 302, "%s: %s" % (error.error, error.description))
                return server.handle_error_response(request, error)
            # Never redirect to a URI that is not the client's: no open redirect.
            message = "%s: %s" % (error.error, error.description) if error.description else error.error
            return self._error_page(audit, message, "protocol_error")
        except ValueError:
            # authlib refuses to put characters such as a backslash or a quote in an error description.
            return self._error_page(audit, _(
                "The authorization request holds characters a URL parameter cannot hold. Tell the application's "
                "developer; nothing was changed."), "protocol_error")

    def _is_registered_redirect(self, params, redirect_uri):
        """Whether ``redirect_uri`` is registered for the request's client (some authlib errors, such as an
        unsupported response type, carry the request's redirect URI before any client check)."""
        client = self.env["mcp.oauth.client"]._for_oauth(params.get("client_id"))
        return bool(client) and client._check_redirect_uri(redirect_uri)

    def _consent_page(self, client, request, scopes, params):
        redirect = urlsplit(request.payload.redirect_uri)
        labels = self._scope_labels()
        return OAuthReply(200, headers=PAGE_HEADERS, template="mcp_server_oauth.consent_page", values={
            "client": client,
            "logo_uri": client.logo_uri if (client.logo_uri or "").startswith("https://") else None,
            "client_host": urlsplit(client.client_uri or client.client_id).hostname,
            "redirect_host": redirect.netloc or redirect.scheme,
            "verified": client.kind == "shared",
            "scopes": [(scope, labels[scope]) for scope in scopes],
            "profile": request.mcp_profile,
            "user": self.env.user,
            "params": [(key, value) for key, value in params.items(multi=True)
                       if key not in ("csrf_token", "decision")],
            "action": AUTHORIZE_PATH,
        })

    def _error_page(self, audit, message, status, return_url=None):
        self._audit(audit, status, 400, message)
        return OAuthReply(400, headers=PAGE_HEADERS, template="mcp_server_oauth.error_page",
                          values={"message": message, "return_url": return_url})

    # ------------------------------------------------------------------
    # /oauth/token, /oauth/revoke, /oauth/register (clients, no user session)
    # ------------------------------------------------------------------
    @api.model
    def _token(self, httprequest, base_url, ip):
        server = self._server(base_url)
        audit = {"method": "oauth/token", "ip": ip, "started": time.perf_counter()}
        request, reply = self._client_endpoint(server, httprequest, base_url, TOKEN_PATH,
                                               server.create_token_response)
        grant = request.mcp_grant if request else None
        client = server.authenticated_client
        audit.update(oauth_client_id=client and client.id, oauth_grant_id=grant and grant.id,
                     user_id=grant and grant.user_id.id)
        self._audit_reply(audit, reply)
        return reply

    def _client_endpoint(self, server, httprequest, base_url, path, respond):
        """``(request, reply)`` of a form-encoded client endpoint at ``path``: ``respond(request)`` answers;
        a client metadata document that cannot be used or an OAuth error gives its JSON error reply
        (``request`` is None when the request itself could not be read)."""
        request = None
        try:
            request = OdooOAuth2Request(httprequest, endpoint(base_url, path), httprequest.form)
            reply = respond(request)
        except ClientMetadataError as exc:
            reply = self._json_error(400, "invalid_client", str(exc))
        except OAuth2Error as error:
            reply = server.handle_error_response(request, error)
        return request, reply

    @api.model
    def _revoke_token(self, httprequest, base_url, ip):
        server = self._server(base_url)
        audit = {"method": "oauth/revoke", "ip": ip, "started": time.perf_counter()}
        _request, reply = self._client_endpoint(
            server, httprequest, base_url, REVOKE_PATH,
            lambda request: server.create_endpoint_response("revocation", request))
        if reply.status != 200:
            # Successful revocations are audited by the grant or token they revoked.
            client = server.authenticated_client
            audit["oauth_client_id"] = client and client.id
            self._audit_reply(audit, reply)
        return reply

    @api.model
    def _register_client(self, httprequest, base_url, ip):
        server = self._server(base_url)
        audit = {"method": "oauth/register", "ip": ip, "started": time.perf_counter()}
        settings = self._settings()
        if settings["registration_mode"] == "off":
            reply = self._json_error(403, "access_denied", "Dynamic client registration is disabled on this server; "
                                                           "ask its administrator for a client id.")
            self._audit(audit, "denied", 403, "registration is off")
            return reply
        limited = self._registration_rate_limited(ip, settings)
        if limited:
            self._audit(audit, "rate_limited", 429, limited.body["error_description"])
            return limited
        body = httprequest.get_data(cache=False) if (httprequest.content_length or 0) <= MAX_REGISTRATION_BYTES \
            else b""
        try:
            data = parse_body(body) if body else None  # not JSON, too deep or with NUL characters: refused
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            reply = self._json_error(400, "invalid_client_metadata",
                                     "The body must be a JSON object of client metadata (at most %s bytes)."
                                     % MAX_REGISTRATION_BYTES)
        else:
            request = OdooJsonRequest(httprequest, endpoint(base_url, REGISTER_PATH), data)
            reply = server.create_endpoint_response("client_registration", request)
        if reply.status == 201:
            client = self.env["mcp.oauth.client"].sudo().search([("client_id", "=", reply.body["client_id"])])
            audit["oauth_client_id"] = client.id
        self._audit_reply(audit, reply)
        return reply

    def _registration_rate_limited(self, ip, settings):
        """A 429 reply when ``ip`` registered its daily number of clients already, else None (the
        counters are the MCP server's rate counters, shared by every worker)."""
        limits = {"rate_limit_day": settings["registrations_per_day"],
                  "redis_url": self.env["mcp.server"]._settings()["redis_url"]}
        exceeded = self.env["mcp.rate.limiter"]._hit(
            Credential(kind=REGISTRATION_KIND, user_id=None, extra_ids={"address": ip or "unknown"}), limits)
        if not exceeded:
            return None
        _scope, _window, limit, retry_after = exceeded
        reply = self._json_error(429, "too_many_requests", (
            "This address registered %s applications today, the most this server accepts; retry in %s seconds "
            "or ask the administrator (Settings: OAuth registrations per address and day)." % (limit, retry_after)))
        reply.headers.append(("Retry-After", str(retry_after)))
        return reply

    # ------------------------------------------------------------------
    # Replies and audit
    # ------------------------------------------------------------------
    @api.model
    def _json_error(self, status, error, description):
        return OAuthReply(status, {"error": error, "error_description": description}, JSON_HEADERS)

    def _audit_reply(self, audit, reply):
        """Audit a JSON endpoint's reply: success, or the OAuth error it carries (never a token)."""
        body = reply.body if isinstance(reply.body, dict) else {}
        if reply.status < 400:
            self._audit(audit, "success", reply.status)
            return
        error = body.get("error", "error")
        status = "auth_failed" if error in AUTH_ERRORS else "denied" if reply.status == 403 else "protocol_error"
        self._audit(audit, status, reply.status, "%s: %s" % (error, body.get("error_description") or ""))

    def _audit(self, audit, status, http_status, error=None):
        started = audit.pop("started")
        self.env["mcp.audit.log"].sudo()._log(dict(
            audit, status=status, http_status=http_status, error=error,
            duration_ms=(time.perf_counter() - started) * 1000.0))
