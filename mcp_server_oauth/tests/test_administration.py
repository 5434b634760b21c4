import hashlib
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import OAuthCase


@tagged("post_install", "-at_install")
class TestAdministration(OAuthCase):
    def test_shared_client_wizard(self):
        form = Form(self.env["mcp.oauth.client.wizard"])
        form.name = "Team ChatGPT connector"
        form.platform = "chatgpt"
        self.assertEqual(form.redirect_uris, "https://chatgpt.com/connector_platform_oauth_redirect")
        wizard = form.save()
        action = wizard.action_generate()
        self.assertEqual(action["res_id"], wizard.id)
        client = wizard.client_record_id
        self.assertEqual((client.kind, client.state, client.confidential), ("shared", "approved", True))
        self.assertTrue(wizard.client_secret.startswith("mcpo_cs_"))
        self.assertEqual(wizard.client_id, client.client_id)
        self.assertTrue(wizard.mcp_url.endswith("/mcp"))
        self.assertEqual(self.stored_hash("mcp_oauth_client", "secret_hash", client.id),
                         hashlib.sha256(wizard.client_secret.encode()).hexdigest())
        # A server-to-server client needs a user and a profile.
        wizard = self.env["mcp.oauth.client.wizard"].create({"name": "Sync", "platform": "server"})
        with self.assertRaises(UserError):
            wizard.action_generate()
        wizard.write({"user_id": self.user.id, "profile_id": self.profile_read.id})
        wizard.action_generate()
        self.assertTrue(wizard.client_record_id.allow_client_credentials)
        self.assertFalse(wizard.client_record_id.allow_authorization_code)

    def test_block_revokes_connections(self):
        client_id, body = self.tokens()
        client = self.client_record(client_id)
        self.assertEqual(client.grant_count, 1)
        client.action_block()
        self.assertEqual(client.grant_ids.state, "revoked")
        self.assertEqual(client.grant_ids.revoke_reason, "client blocked")
        self.assertEqual(client.grant_count, 0)
        self.assertUnauthorized(body["access_token"])

    def test_connected_apps_in_preferences(self):
        self.tokens()
        other = self.env["mcp.oauth.grant"].create({
            "client_id": self.client_record(self.public_client()).id, "user_id": self.env.ref("base.user_admin").id,
            "profile_id": self.profile_read.id, "scope": "mcp:read"})
        user = self.user.with_user(self.user)
        grants = user.mcp_oauth_grant_ids
        self.assertEqual(len(grants), 1)
        self.assertEqual(grants.client_name, "Test client")
        # Users see and revoke only their own connections.
        self.assertEqual(self.env["mcp.oauth.grant"].with_user(self.user).search([]), grants)
        with self.assertRaises(AccessError):
            other.with_user(self.user).action_revoke()
        grants.action_revoke()
        self.assertEqual(grants.state, "revoked")
        self.assertFalse(user.mcp_oauth_grant_ids)
        with self.assertRaises(AccessError):
            self.env["mcp.oauth.token"].with_user(self.user).search([])
        with self.assertRaises(AccessError):
            self.env["mcp.oauth.client"].with_user(self.user).search([])

    def test_client_constraints(self):
        clients = self.env["mcp.oauth.client"]
        with self.assertRaises(ValidationError):
            clients.create({"name": "Bad", "redirect_uris": "http://evil.example/cb"})
        with self.assertRaises(ValidationError):
            clients.create({"name": "Bad", "scope": "mcp:everything"})
        with self.assertRaises(ValidationError):
            clients.create({"name": "Bad", "token_endpoint_auth_method": "none", "allow_client_credentials": True,
                            "user_id": self.user.id})

    def test_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.mcp_oauth_registration_mode, "open")
        self.assertIn("https://claude.ai/api/mcp/auth_callback", settings.mcp_oauth_redirect_uri_allowlist)
        self.assertEqual(settings.mcp_oauth_profile_write_id, self.profile_write)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"mcp_oauth_redirect_uri_allowlist": "https://*.example.com/cb"})
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"mcp_oauth_default_scope": "mcp:read openid"})
        self.env["res.config.settings"].create({"mcp_oauth_access_token_minutes": 15}).execute()
        self.assertEqual(self.env["mcp.oauth.server"]._settings()["access_seconds"], 900)

    def test_autovacuum(self):
        client_id, _body = self.tokens()
        self.env["mcp.oauth.token"].search([]).write({"expires_at": fields.Datetime.now() - timedelta(days=2)})
        self.env["mcp.oauth.code"].search([]).write({"expires_at": fields.Datetime.now() - timedelta(days=2)})
        self.env.flush_all()
        self.env["mcp.oauth.token"]._gc_expired_tokens()
        self.env["mcp.oauth.code"]._gc_expired_codes()
        self.env.invalidate_all()
        self.assertFalse(self.env["mcp.oauth.token"].search([]))
        self.assertFalse(self.env["mcp.oauth.code"].search([]))
        # Self-registered clients nobody connected with are forgotten after a month.
        unused = self.client_record(self.public_client())
        self.env.cr.execute("UPDATE mcp_oauth_client SET create_date = now() - interval '40 days'")
        self.env["mcp.oauth.client"]._gc_unused_clients()
        self.assertFalse(unused.exists())
        self.assertTrue(self.client_record(client_id))
