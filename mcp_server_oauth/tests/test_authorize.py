from urllib.parse import parse_qs, urlsplit

from lxml import html

from odoo.tests import tagged

from .common import REDIRECT_URI, OAuthCase, pkce_pair


@tagged("post_install", "-at_install")
class TestAuthorize(OAuthCase):
    def setUp(self):
        super().setUp()
        self.client_id = self.public_client(client_name="Acme Assistant", logo_uri="https://acme.example/logo.png",
                                            client_uri="https://acme.example")
        self.verifier, self.challenge = pkce_pair()

    def params(self, **overrides):
        return self.authorize_params(self.client_id, self.challenge, **overrides)

    def assertErrorPage(self, response, fragment):
        """An error shown to the user: no redirect anywhere, no code."""
        self.assertEqual(response.status_code, 400, response.text[:1000])
        self.assertNotIn("Location", response.headers)
        self.assertIn("o_mcp_oauth_error", response.text)
        self.assertIn(fragment, response.text)

    def test_login_required(self):
        response = self.authorize(self.params())
        self.assertIn(response.status_code, (302, 303))
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/web/login")
        redirect = parse_qs(location.query)["redirect"][0]
        self.assertTrue(redirect.startswith("/oauth/authorize?"), redirect)
        self.assertIn("code_challenge=%s" % self.challenge, redirect)

    def test_consent_page(self):
        self.login()
        response = self.authorize(self.params())
        form = self.consent_form(response)
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertIn("Acme Assistant", response.text)
        self.assertIn("https://acme.example/logo.png", response.text)
        self.assertIn("acme.example", response.text)  # who publishes it
        self.assertIn("127.0.0.1:9999", response.text)  # where the user is sent
        self.assertIn("mcp:read", response.text)
        self.assertIn("mcp:write", response.text)
        self.assertNotIn("mcp:admin", response.text)
        self.assertIn("OAuth test write", response.text)  # the profile of the highest scope
        self.assertIn("registered itself", response.text)
        self.assertTrue(form["csrf_token"])
        self.assertEqual(form["state"], "st-123")
        self.assertEqual(form["code_challenge"], self.challenge)

    def test_allow_issues_a_code_and_round_trips_state(self):
        state = "a b/c?d=e&f=ü"
        self.login()
        after = self.last_audit_id()
        form = self.consent_form(self.authorize(self.params(state=state)))
        params = self.redirect_params(self.decide(form))
        self.assertEqual(params["state"], state)
        self.assertTrue(params["code"].startswith("mcpo_ac_"))
        self.assertEqual(params["iss"], self.base_url())  # RFC 9207
        code = self.env["mcp.oauth.code"].search([("client_id.client_id", "=", self.client_id)])
        self.assertEqual((code.user_id, code.scope, code.resource, code.profile_id),
                         (self.user, "mcp:read mcp:write", self.resource, self.profile_write))
        self.assertEqual(code.code_challenge_method, "S256")
        self.assertLessEqual((code.expires_at - code.create_date).total_seconds(), 600)
        row = self.audit(after, method="oauth/authorize")
        self.assertEqual((row.status, row.user_id, row.oauth_client_id.client_id),
                         ("success", self.user, self.client_id))
        self.assertNotIn(params["code"], row.error or "")

    def test_deny(self):
        self.login()
        after = self.last_audit_id()
        params = self.redirect_params(self.decide(self.consent_form(self.authorize(self.params())), "deny"))
        self.assertEqual((params["error"], params["state"], params["iss"]),
                         ("access_denied", "st-123", self.base_url()))
        self.assertNotIn("code", params)
        self.assertFalse(self.env["mcp.oauth.code"].search([("client_id.client_id", "=", self.client_id)]))
        self.assertEqual(self.audit(after, method="oauth/authorize").status, "denied")

    def test_pkce_is_required_and_s256_only(self):
        self.login()
        plain_verifier = "p" * 50
        for overrides, fragment in (
                ({"code_challenge": None, "code_challenge_method": None}, "PKCE is required"),
                ({"code_challenge": None}, "PKCE is required"),
                ({"code_challenge_method": None}, "S256"),
                ({"code_challenge": plain_verifier, "code_challenge_method": "plain"}, "S256"),
                ({"code_challenge": "short", "code_challenge_method": "S256"}, "code_challenge")):
            params = self.redirect_params(self.authorize(self.params(**overrides)))
            self.assertEqual(params["error"], "invalid_request", overrides)
            self.assertIn(fragment, params["error_description"], overrides)
            self.assertEqual(params["state"], "st-123")
            self.assertEqual(params["iss"], self.base_url())  # error redirects name the issuer too
            self.assertNotIn("code", params)

    def test_malformed_redirect_uri_gets_an_error_page(self):
        self.login()
        after = self.last_audit_id()
        for uri in (REDIRECT_URI + "\\..\\evil", "http:\\\\evil.example\\cb", "\\", REDIRECT_URI + '"><x'):
            response = self.authorize(self.params(redirect_uri=uri))
            self.assertErrorPage(response, "malformed redirect_uri")
            self.assertIn("such as a space or a backslash", response.text)
        self.assertErrorPage(self.authorize(self.params(redirect_uri="//evil.example/callback")),
                             "not an absolute URI")
        self.assertEqual(set(self.audit(after, method="oauth/authorize").mapped("status")), {"protocol_error"})
        self.assertFalse(self.env["mcp.oauth.code"].search([("client_id.client_id", "=", self.client_id)]))

    def test_unknown_client_and_missing_redirect_uri(self):
        self.login()
        self.assertErrorPage(self.authorize(self.params(client_id="mcpc_unknown")), "does not exist")
        self.assertErrorPage(self.authorize(self.params(client_id=None)), "client_id")
        self.assertErrorPage(self.authorize(self.params(redirect_uri=None)), "redirect_uri")

    def test_redirect_uri_must_match_exactly(self):
        """No redirect to anything but a registered URI: an error page instead (no open redirect)."""
        self.login()
        for uri in ("https://evil.example/callback", REDIRECT_URI + "/../evil", REDIRECT_URI + "?next=https://evil.example",
                    REDIRECT_URI + "x", "http://127.0.0.1:9999@evil.example/callback", "http://127.0.0.1:9999/CALLBACK",
                    "http://localhost.evil.example:9999/callback"):
            self.assertErrorPage(self.authorize(self.params(redirect_uri=uri)), "not supported by client")

    def test_unsupported_response_types(self):
        """authlib reports an unsupported response type at the request's redirect URI: only a registered
        one may receive it."""
        self.login()
        params = self.redirect_params(self.authorize(self.params(response_type="token")))
        self.assertEqual((params["error"], params["state"]), ("unsupported_response_type", "st-123"))
        for response_type in ("token", "code id_token", None):
            response = self.authorize(self.params(response_type=response_type, redirect_uri="https://evil.example/cb"))
            self.assertErrorPage(response, "unsupported_response_type")

    def test_loopback_port_may_differ(self):
        self.login()
        form = self.consent_form(self.authorize(self.params(redirect_uri="http://127.0.0.1:51234/callback")))
        location = self.decide(form).headers["Location"]
        self.assertTrue(location.startswith("http://127.0.0.1:51234/callback?code="), location)

    def test_consent_needs_the_csrf_token(self):
        self.login()
        form = self.consent_form(self.authorize(self.params()))
        for csrf_token in (None, "forged", form["csrf_token"][:-4] + "0000"):
            data = dict(form, csrf_token=csrf_token) if csrf_token else {k: v for k, v in form.items()
                                                                            if k != "csrf_token"}
            response = self.decide(data)
            self.assertEqual(response.status_code, 400, csrf_token)
            self.assertNotIn("Location", response.headers)
        self.assertFalse(self.env["mcp.oauth.code"].search([("client_id.client_id", "=", self.client_id)]))
        # Another user's session cannot replay the form either.
        self.login(self.outsider)
        self.assertEqual(self.decide(form).status_code, 400)

    def test_user_without_mcp_access(self):
        self.login(self.outsider)
        response = self.authorize(self.params())
        self.assertErrorPage(response, "MCP User")
        self.assertIn("error=access_denied", response.text)

    def test_remembered_consent(self):
        self.tokens(self.client_id)
        # Same scopes and profile: no page, a code at once.
        params = self.redirect_params(self.authorize(self.params()))
        self.assertIn("code", params)
        # Other scopes (so another profile) ask again, and so does prompt=consent.
        self.assertEqual(self.authorize(self.params(scope="mcp:read")).status_code, 200)
        self.assertEqual(self.authorize(self.params(scope="mcp:admin")).status_code, 200)
        self.assertEqual(self.authorize(self.params(prompt="consent")).status_code, 200)
        self.set_param("remember_consent", "False")
        self.assertEqual(self.authorize(self.params()).status_code, 200)

    def test_scopes(self):
        self.login()
        # Unknown scopes are ignored; with no known scope, the default scopes apply.
        form = self.consent_form(self.authorize(self.params(scope="openid offline_access")))
        self.assertEqual(form["scope"], "openid offline_access")
        code = self.redirect_params(self.decide(form))["code"]
        response = self.exchange(self.client_id, code, self.verifier)
        self.assertEqual(response.json()["scope"], "mcp:read mcp:write")
        # A scope without profile is dropped; the client's own scope limit applies.
        self.set_param("profile_admin_id", False)
        response = self.authorize(self.params(scope="mcp:admin"))
        params = self.redirect_params(response)
        self.assertEqual(params["error"], "invalid_scope")
        self.client_record(self.client_id).scope = "mcp:read"
        response = self.authorize(self.params(scope="mcp:read mcp:write", prompt="consent"))
        self.assertEqual(self.scopes_shown(response), ["mcp:read"])

    def scopes_shown(self, response):
        self.assertEqual(response.status_code, 200, response.text[:1000])
        items = html.fromstring(response.text).xpath("//ul[hasclass('o_mcp_oauth_scopes')]/li/small")
        return [item.text_content().strip("()") for item in items]

    def test_resource_must_be_this_server(self):
        self.login()
        params = self.redirect_params(self.authorize(self.params(resource="https://other.example/mcp")))
        self.assertEqual(params["error"], "invalid_target")
        # The origin names the same server (root protected resource metadata).
        self.assertEqual(self.authorize(self.params(resource=self.base_url())).status_code, 200)
        # Without resource, tokens are bound to /mcp all the same.
        self.assertEqual(self.authorize(self.params(resource=None)).status_code, 200)

    def test_blocked_client(self):
        self.client_record(self.client_id).action_block()
        self.login()
        self.assertErrorPage(self.authorize(self.params()), "does not exist")
