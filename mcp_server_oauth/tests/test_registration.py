import hashlib

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

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
        self.set_param("redirect_uri_allowlist", "https://app.example/oauth/*")
        self.assertEqual(self.register(redirect_uris=["https://app.example/oauth/cb"]).status_code, 201)
        self.assertEqual(self.register(redirect_uris=["https://app.example.evil/oauth/cb"]).status_code, 400)
        self.assertEqual(self.register(redirect_uris=[REDIRECT_URI]).status_code, 400)

    def test_default_allowlist_covers_the_common_clients(self):
        accepted = {
            "Claude": ["https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback"],
            "ChatGPT": ["https://chatgpt.com/connector_platform_oauth_redirect",
                        "https://chatgpt.com/connector/oauth/xJ2mQ9_callback-id"],
            "Cursor": ["cursor://anysphere.cursor-mcp/oauth/callback"],
            "VS Code": ["https://vscode.dev/redirect", "https://insiders.vscode.dev/redirect",
                        "http://127.0.0.1:33418"],
            "Claude Code": ["http://localhost:53712/callback"],
            "loopback": ["http://[::1]:8080/", "http://127.0.0.1/cb"],
        }
        for client, uris in accepted.items():
            for uri in uris:
                response = self.register(client_name=client, redirect_uris=[uri])
                self.assertEqual(response.status_code, 201, "%s %s: %s" % (client, uri, response.text))
        refused = [
            "https://chatgpt.com/connector/oauth/../../evil",  # out of the prefix once a browser resolves it
            "https://chatgpt.com/connector/oauth/%2e%2e/%2e%2e/evil",
            "https://chatgpt.com/connector/oauth",  # the prefix itself, without a callback id
            "https://chatgpt.com.evil.example/connector/oauth/x",
            "https://chatgpt.com:8443/connector/oauth/x",
            "http://chatgpt.com/connector/oauth/x",
            "https://evil.example/api/mcp/auth_callback",
            "cursor://anysphere.cursor-mcp/oauth/callback/other",
            "https://vscode.dev/redirect/x",
            "https://localhost/callback",
        ]
        for uri in refused:
            response = self.register(redirect_uris=[uri])
            self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_redirect_uri"), uri)

    def test_refused_uri_names_the_uri_and_the_setting(self):
        response = self.register(redirect_uris=["https://app.example.net/oauth/callback"])
        self.assertEqual(response.status_code, 400)
        description = response.json()["error_description"]
        self.assertIn("https://app.example.net/oauth/callback is not on this server's list", description)
        self.assertIn("Allowed redirect URIs (mcp_server_oauth.redirect_uri_allowlist)", description)
        # A URI with characters an error description cannot hold is quoted, not a server error.
        response = self.register(redirect_uris=["https://app.example.net/a\\b"])
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_redirect_uri"))
        self.assertIn("https://app.example.net/a%5Cb", response.json()["error_description"])

    def test_allowlist_entries_are_checked_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        for entry in ("https://*.example.com/cb", "https://app.example/oauth*", "https://app.example/*/cb",
                      "http://app.example:*"):
            with self.assertRaises(ValidationError, msg=entry):
                settings.write({"mcp_oauth_redirect_uri_allowlist": entry})
        settings.write({"mcp_oauth_redirect_uri_allowlist": "https://app.example/oauth/* http://127.0.0.1:* "
                                                            "http://localhost"})

    def test_application_type(self):
        for application_type, uri in (("web", "https://claude.ai/api/mcp/auth_callback"),
                                      ("native", "http://127.0.0.1:4567/callback"),
                                      ("native", "cursor://anysphere.cursor-mcp/oauth/callback"),
                                      ("native", "https://vscode.dev/redirect")):
            response = self.register(application_type=application_type, redirect_uris=[uri])
            self.assertEqual(response.status_code, 201, response.text)
            self.assertEqual(response.json()["application_type"], application_type)
            self.assertEqual(self.client_record(response.json()["client_id"]).application_type, application_type)
        for application_type, uri, error in (
                ("web", "http://127.0.0.1:4567/callback", "register as native"),
                ("web", "cursor://anysphere.cursor-mcp/oauth/callback", "register as native"),
                ("desktop", REDIRECT_URI, "application_type must be web or native")):
            response = self.register(application_type=application_type, redirect_uris=[uri])
            self.assertEqual(response.status_code, 400, response.text)
            self.assertIn(error, response.json()["error_description"])

    def test_double_registration_gives_two_working_clients(self):
        first, second = self.public_client(), self.public_client()
        self.assertNotEqual(first, second)
        for client_id in (first, second):
            code, verifier = self.get_code(client_id)
            response = self.exchange(client_id, code, verifier)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(self.mcp_call(response.json()["access_token"], "tools/list")[0].status_code, 200)

    def test_registration_is_rate_limited_per_address(self):
        self.set_param("registrations_per_ip_day", 2)
        # Today's counters of earlier registrations from this address (other runs on this database) start over.
        self.env.cr.execute(SQL("DELETE FROM mcp_rate_counter WHERE bucket LIKE %s", "%:oauth-register:%"))
        clients = self.env["mcp.oauth.client"].search_count([])
        after = self.last_audit_id()
        answers = [self.register() for _i in range(3)]
        statuses = [answer.status_code for answer in answers]
        self.assertEqual(statuses, [201, 201, 429])
        refused = answers[statuses.index(429)]
        self.assertEqual(refused.json()["error"], "too_many_requests")
        self.assertIn("registrations per address and day", refused.json()["error_description"])
        self.assertGreater(int(refused.headers["Retry-After"]), 0)
        self.assertEqual(self.env["mcp.oauth.client"].search_count([]), clients + statuses.count(201))
        self.assertEqual(self.audit(after, method="oauth/register", status="rate_limited").http_status, 429)
        self.set_param("registrations_per_ip_day", 3)
        self.assertEqual(self.register().status_code, 201)

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
