"""Shared base class of the mcp_server_oauth tests: users, profiles, and helpers that walk the OAuth flow
over HTTP (registration, the logged-in browser on /oauth/authorize, the token endpoint, /mcp)."""
import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlsplit

from lxml import html

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME, Opener
from odoo.tools import SQL

REDIRECT_URI = "http://127.0.0.1:9999/callback"
PROTOCOL_VERSION = "2025-11-25"


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


@tagged("post_install", "-at_install")
class OAuthCase(HttpCase):
    """Fixtures:

    * ``user`` (internal, MCP User, password = login) and ``outsider`` (internal, not an MCP user);
    * profiles ``profile_read`` / ``profile_write`` / ``profile_admin`` (partners; read-only, read-write, full),
      set in Settings as the profiles of mcp:read / mcp:write / mcp:admin;
    * registration mode open and the default redirect allowlist (loopback allowed).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user = new_test_user(env, login="oauth_user", name="Olivia OAuth",
                                 groups="base.group_user,base.group_partner_manager,mcp_server.group_mcp_user")
        cls.outsider = new_test_user(env, login="oauth_outsider", groups="base.group_user", name="Oscar Outsider")
        partner_model = env["ir.model"]._get_id("res.partner")

        def profile(name, scope, **perms):
            return env["mcp.access.profile"].create({"name": name, "scope": scope, "rule_ids": [Command.create(dict(
                {"model_id": partner_model, "perm_read": True}, **perms))]})

        cls.profile_read = profile("OAuth test read", "read_only")
        cls.profile_write = profile("OAuth test write", "read_write", perm_create=True, perm_write=True)
        cls.profile_admin = profile("OAuth test admin", "full", perm_create=True, perm_write=True, perm_unlink=True)
        params = env["ir.config_parameter"].sudo()
        params.set_param("mcp_server_oauth.profile_read_id", cls.profile_read.id)
        params.set_param("mcp_server_oauth.profile_write_id", cls.profile_write.id)
        params.set_param("mcp_server_oauth.profile_admin_id", cls.profile_admin.id)
        params.set_param("mcp_server_oauth.registration_mode", "open")
        params.set_param("mcp_server_oauth.remember_consent", "True")
        for key in ("redirect_uri_allowlist", "access_token_minutes", "refresh_token_days", "default_scope"):
            params.set_param("mcp_server_oauth.%s" % key, False)

    def setUp(self):
        super().setUp()
        # ormcache entries (token lookups, policies) outlive the rollback of each test.
        self.addCleanup(self.registry.clear_cache)
        # The applications' HTTP client: no browser session; like self.opener, it flushes this transaction first.
        self.http = Opener(self.cr)
        self.http.cookies[TEST_CURSOR_COOKIE_NAME] = self.canonical_tag

    # ------------------------------------------------------------------
    # Settings and URLs
    # ------------------------------------------------------------------
    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param("mcp_server_oauth.%s" % key, value)

    def url(self, path):
        return self.base_url() + path

    @property
    def resource(self):
        return self.url("/mcp")

    # ------------------------------------------------------------------
    # Clients
    # ------------------------------------------------------------------
    def register(self, **metadata):
        """POST /oauth/register; returns the HTTP response."""
        body = {"client_name": "Test client", "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"]}
        body.update(metadata)
        return self.http.post(self.url("/oauth/register"), json={k: v for k, v in body.items() if v is not None},
                             timeout=30)

    def public_client(self, **metadata):
        response = self.register(**metadata)
        self.assertEqual(response.status_code, 201, response.text)
        return response.json()["client_id"]

    def client_record(self, client_id):
        return self.env["mcp.oauth.client"].search([("client_id", "=", client_id)])

    # ------------------------------------------------------------------
    # The browser: authorization request, Odoo login, consent page
    # ------------------------------------------------------------------
    def authorize_params(self, client, challenge, **overrides):
        params = {"response_type": "code", "client_id": client, "redirect_uri": REDIRECT_URI, "state": "st-123",
                  "code_challenge": challenge, "code_challenge_method": "S256", "scope": "mcp:read mcp:write",
                  "resource": self.resource}
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def login(self, user=None):
        user = user or self.user
        self.authenticate(user.login, user.login)

    def authorize(self, params):
        """GET /oauth/authorize as the logged-in browser (redirects are not followed)."""
        return self.opener.get(self.url("/oauth/authorize"), params=params, allow_redirects=False, timeout=30)

    def consent_form(self, response):
        """The hidden fields of the consent page's form (csrf_token included)."""
        self.assertEqual(response.status_code, 200, response.text[:2000])
        document = html.fromstring(response.text)
        form = document.xpath("//div[hasclass('o_mcp_oauth_consent')]//form")
        self.assertTrue(form, "no consent form in the page")
        return {field.get("name"): field.get("value") for field in form[0].xpath(".//input[@type='hidden']")}

    def decide(self, form, decision="allow"):
        """POST the consent page's form with the user's decision."""
        return self.opener.post(self.url("/oauth/authorize"), data=dict(form, decision=decision),
                                allow_redirects=False, timeout=30)

    def redirect_params(self, response):
        """The query parameters of a redirect to the client (which must be the registered redirect URI)."""
        self.assertEqual(response.status_code, 302, response.text[:2000])
        location = response.headers["Location"]
        self.assertTrue(location.startswith(REDIRECT_URI + "?"), location)
        return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}

    def get_code(self, client_id, scope="mcp:read mcp:write", **overrides):
        """Log in, consent and return ``(code, verifier)``."""
        verifier, challenge = pkce_pair()
        self.login()
        params = self.authorize_params(client_id, challenge, scope=scope, **overrides)
        response = self.authorize(params)
        if response.status_code == 200:
            response = self.decide(self.consent_form(response))
        return self.redirect_params(response)["code"], verifier

    # ------------------------------------------------------------------
    # Token endpoint
    # ------------------------------------------------------------------
    def token_request(self, data, auth=None):
        return self.http.post(self.url("/oauth/token"), data=data, auth=auth, timeout=30)

    def exchange(self, client_id, code, verifier, **extra):
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "client_id": client_id,
                "code_verifier": verifier, "resource": self.resource}
        data.update(extra)
        return self.token_request({k: v for k, v in data.items() if v is not None})

    def tokens(self, client_id=None, scope="mcp:read mcp:write"):
        """A public client's tokens for ``user``: ``(client_id, token response dict)``."""
        client_id = client_id or self.public_client()
        code, verifier = self.get_code(client_id, scope=scope)
        response = self.exchange(client_id, code, verifier)
        self.assertEqual(response.status_code, 200, response.text)
        return client_id, response.json()

    def refresh(self, client_id, refresh_token, **extra):
        return self.token_request(dict({"grant_type": "refresh_token", "refresh_token": refresh_token,
                                        "client_id": client_id}, **extra))

    # ------------------------------------------------------------------
    # /mcp
    # ------------------------------------------------------------------
    def mcp_post(self, token, message, session_id=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                   "Authorization": "Bearer %s" % token}
        if session_id:
            headers.update({"MCP-Session-Id": session_id, "MCP-Protocol-Version": PROTOCOL_VERSION})
        return self.http.post(self.resource, data=json.dumps(message), headers=headers, timeout=30)

    def mcp_session(self, token):
        response = self.mcp_post(token, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
            "clientInfo": {"name": "oauth-tests", "version": "1"}}})
        self.assertEqual(response.status_code, 200, response.text)
        return response.headers["MCP-Session-Id"]

    def mcp_call(self, token, method, params=None):
        """``(HTTP response, JSON body)`` of one JSON-RPC request in a new session."""
        session_id = self.mcp_session(token)
        response = self.mcp_post(token, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}},
                                 session_id)
        return response, response.json()

    def assertUnauthorized(self, token):
        response = self.mcp_post(token, {"jsonrpc": "2.0", "id": 0, "method": "ping"})
        self.assertEqual(response.status_code, 401, response.text)
        self.assertIn('error="invalid_token"', response.headers["WWW-Authenticate"])
        return response

    # ------------------------------------------------------------------
    # Storage and audit
    # ------------------------------------------------------------------
    def stored_hash(self, table, column, record_id):
        self.env.cr.execute(SQL("SELECT %s FROM %s WHERE id = %s", SQL.identifier(column), SQL.identifier(table),
                                record_id))
        return self.env.cr.fetchone()[0]

    def audit(self, after_id=0, **filters):
        domain = [("id", ">", after_id)] + [(name, "=", value) for name, value in filters.items()]
        return self.env["mcp.audit.log"].search(domain, order="id")

    def last_audit_id(self):
        return self.env["mcp.audit.log"].search([], order="id desc", limit=1).id or 0
