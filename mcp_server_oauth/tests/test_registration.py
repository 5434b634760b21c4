import hashlib

from odoo.tests import tagged

from .common import REDIRECT_URI, OAuthCase, pkce_pair


@tagged("post_install", "-at_install")
class TestRegistration(OAuthCase):
    def test_public_client(self):
        after = self.last_audit_id()
        response = self.register(client_name="Desktop app", logo_uri="https://app.example/logo.png")
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertTrue(body["client_id"].startswith("mcpc_"))
        self.assertNotIn("client_secret", body)
        self.assertEqual(body["redirect_uris"], [REDIRECT_URI])
        self.assertEqual(body["token_endpoint_auth_method"], "none")
        client = self.client_record(body["client_id"])
        self.assertEqual((client.name, client.kind, client.state), ("Desktop app", "dynamic", "approved"))
        self.assertEqual(client.logo_uri, "https://app.example/logo.png")
        self.assertTrue(client.allow_refresh_token)
        row = self.audit(after, method="oauth/register")
        self.assertEqual((row.status, row.http_status, row.oauth_client_id), ("success", 201, client))

    def test_confidential_client_secret_is_hashed(self):
        response = self.register(token_endpoint_auth_method="client_secret_post")
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        secret = body["client_secret"]
        self.assertTrue(secret.startswith("mcpo_cs_"))
        self.assertEqual(body["client_secret_expires_at"], 0)
        client = self.client_record(body["client_id"])
        self.assertEqual(self.stored_hash("mcp_oauth_client", "secret_hash", client.id),
                         hashlib.sha256(secret.encode()).hexdigest())
        self.assertNotIn("secret_hash", client._fields)
        self.assertTrue(client._check_secret(secret))
        self.assertFalse(client._check_secret(secret + "x"))

    def test_default_auth_method_is_client_secret_basic(self):
        response = self.register(token_endpoint_auth_method=None)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["token_endpoint_auth_method"], "client_secret_basic")
        self.assertIn("client_secret", response.json())

    def test_redirect_uri_rules(self):
        for uris in (["https://evil.example/callback"], ["http://app.example/callback"],
                     ["http://127.0.0.1:9999/callback#fragment"], ["javascript:alert(1)"], [], "not a list"):
            response = self.register(redirect_uris=uris)
            self.assertEqual(response.status_code, 400, uris)
            self.assertIn(response.json()["error"], ("invalid_redirect_uri", "invalid_client_metadata"), uris)
        # Loopback on any port and the platforms of the default allowlist are accepted.
        for uri in ("http://localhost:33418/cb", "http://[::1]:8080/", "https://claude.ai/api/mcp/auth_callback"):
            self.assertEqual(self.register(redirect_uris=[uri]).status_code, 201, uri)
        self.set_param("redirect_uri_allowlist", "https://app.example/oauth/*")
        self.assertEqual(self.register(redirect_uris=["https://app.example/oauth/cb"]).status_code, 201)
        self.assertEqual(self.register(redirect_uris=["https://app.example.evil/oauth/cb"]).status_code, 400)
        self.assertEqual(self.register(redirect_uris=[REDIRECT_URI]).status_code, 400)

    def test_client_credentials_cannot_be_self_registered(self):
        response = self.register(grant_types=["client_credentials"], token_endpoint_auth_method="client_secret_post")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "invalid_client_metadata")

    def test_malformed_body(self):
        for body in (b"not json", b"[1, 2]", b"x" * 20000):
            response = self.http.post(self.url("/oauth/register"), data=body, timeout=30,
                                     headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 400)
            self.assertEqual(response.json()["error"], "invalid_client_metadata")

    def test_registration_off(self):
        self.set_param("registration_mode", "off")
        after = self.last_audit_id()
        clients = self.env["mcp.oauth.client"].search_count([])
        response = self.register()
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["error"], "access_denied")
        self.assertEqual(self.env["mcp.oauth.client"].search_count([]), clients)
        self.assertEqual(self.audit(after, method="oauth/register").status, "denied")

    def test_registration_needing_approval(self):
        self.set_param("registration_mode", "approval")
        client_id = self.public_client()
        client = self.client_record(client_id)
        self.assertEqual(client.state, "pending")
        verifier, challenge = pkce_pair()
        self.login()
        params = self.authorize_params(client_id, challenge)
        # Not approved: an explanation, no code, and a way back to the application.
        response = self.authorize(params)
        self.assertEqual(response.status_code, 400)
        self.assertIn("waiting for an administrator", response.text)
        self.assertNotIn("code=", response.text)
        self.assertIn("error=access_denied", response.text)
        client.action_approve()
        form = self.consent_form(self.authorize(params))
        code = self.redirect_params(self.decide(form))["code"]
        self.assertEqual(self.exchange(client_id, code, verifier).status_code, 200)
