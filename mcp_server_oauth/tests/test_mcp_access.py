from datetime import timedelta

from odoo import Command, fields
from odoo.addons.mcp_server.lib.credential import Credential
from odoo.tests import tagged

from .common import OAuthCase


@tagged("post_install", "-at_install")
class TestMcpAccess(OAuthCase):
    def test_tools_run_as_the_user_under_the_profile(self):
        partner = self.env["res.partner"].create({"name": "Visible Partner OAuth"})
        _client_id, body = self.tokens(scope="mcp:read")
        after = self.last_audit_id()
        response, payload = self.mcp_call(body["access_token"], "tools/list")
        self.assertEqual(response.status_code, 200, response.text)
        names = {tool["name"] for tool in payload["result"]["tools"]}
        self.assertIn("search_read", names)
        self.assertNotIn("create", names)  # the read profile's scope preset hides write tools
        result = self.mcp_call(body["access_token"], "tools/call", {"name": "search_read", "arguments": {
            "model": "res.partner", "domain": [["id", "=", partner.id]], "fields": ["name"]}})[1]["result"]
        self.assertFalse(result["isError"], result)
        self.assertEqual(result["structuredContent"]["records"][0]["name"], "Visible Partner OAuth")
        grant = self.env["mcp.oauth.grant"].search([("user_id", "=", self.user.id)])
        rows = self.audit(after, method="tools/call")
        self.assertEqual((rows.user_id, rows.oauth_grant_id, rows.oauth_client_id, rows.key_id),
                         (self.user, grant, grant.client_id, self.env["mcp.api.key"]))
        initialize = self.audit(after, method="initialize")[:1]
        self.assertEqual(initialize.oauth_grant_id, grant)
        grant.invalidate_recordset()
        self.assertTrue(grant.last_used)
        session = self.env["mcp.session"].search([("credential_ref", "=", "oauth:%s" % grant.id)], limit=1)
        self.assertEqual(session.user_id, self.user)

    def test_connections_follow_the_scope_profiles_of_settings(self):
        seen = self.env["res.partner"].create({"name": "Mapping Partner OAuth"})
        _client_id, body = self.tokens(scope="mcp:read")
        token = body["access_token"]

        def names():
            result = self.mcp_call(token, "tools/call", {"name": "search_read", "arguments": {
                "model": "res.partner", "domain": [["id", "=", seen.id]], "fields": ["name"]}})[1]["result"]
            self.assertFalse(result["isError"], result)
            return [record["name"] for record in result["structuredContent"]["records"]]

        self.assertEqual(names(), ["Mapping Partner OAuth"])
        # The administrator maps mcp:read to a narrower profile: the token issued before acts under it at once.
        narrow = self.env["mcp.access.profile"].create({"name": "OAuth narrow", "scope": "read_only", "rule_ids": [
            Command.create({"model_id": self.env["ir.model"]._get_id("res.partner"), "perm_read": True,
                            "domain": "[('name', '=', 'Nobody at all')]"})]})
        self.set_param("profile_read_id", narrow.id)
        self.assertEqual(names(), [])
        self.set_param("profile_read_id", self.profile_read.id)
        self.assertEqual(names(), ["Mapping Partner OAuth"])
        # No profile for the scope any more: the connection stops, and the reason is audited.
        self.set_param("profile_read_id", False)
        after = self.last_audit_id()
        self.assertUnauthorized(token)
        self.assertIn("no access profile", self.audit(after, status="auth_failed").error)

    def test_delayed_calls_follow_the_scope_profiles_of_settings(self):
        """Approvals and background jobs of a connection run under the profile it has when they execute."""
        self.tokens(scope="mcp:read")
        grant = self.env["mcp.oauth.grant"].search([("user_id", "=", self.user.id)], limit=1)
        recorded = Credential.from_recorded({"kind": "oauth", "grant_id": grant.id, "user_id": self.user.id,
                    "profile_id": self.profile_read.id})
        current = self.env["ir.http"]._mcp_current_profile_id
        self.assertEqual(current(self.env, recorded), self.profile_read.id)
        narrow = self.env["mcp.access.profile"].create({"name": "OAuth delayed narrow", "scope": "read_only"})
        self.set_param("profile_read_id", narrow.id)
        self.assertEqual(current(self.env, recorded), narrow.id)
        self.set_param("profile_read_id", False)
        self.assertIsNone(current(self.env, recorded))
        grant.unlink()
        self.assertIsNone(current(self.env, Credential.from_recorded(recorded.recorded())))

    def test_delayed_calls_stop_with_the_user(self):
        """Approvals, background jobs and event subscriptions of a connection stop when its user is archived,
        as those of a key do."""
        self.tokens(scope="mcp:read")
        grant = self.env["mcp.oauth.grant"].search([("user_id", "=", self.user.id)], limit=1)
        recorded = Credential.from_recorded({"kind": "oauth", "grant_id": grant.id, "user_id": self.user.id,
                                             "profile_id": self.profile_read.id})
        active = self.env["ir.http"]._mcp_credential_active
        self.assertTrue(active(self.env, recorded))
        self.user.active = False
        self.assertEqual(grant.state, "active")
        self.assertFalse(active(self.env, recorded))

    def test_delayed_calls_keep_the_narrower_scopes_of_their_token(self):
        """A token refreshed with fewer scopes than its connection: its approvals, jobs and answered
        requests never run under the profile of the connection's wider scopes."""
        client_id, body = self.tokens(scope="mcp:read mcp:write")
        response = self.refresh(client_id, body["refresh_token"], scope="mcp:read")
        self.assertEqual(response.status_code, 200, response.text)
        credential, reason = self.env["mcp.oauth.token"]._authenticate_access(response.json()["access_token"],
                                                                              self.resource)
        self.assertEqual((credential.scopes, credential.profile_id), (("mcp:read",), self.profile_read.id), reason)
        recorded = Credential.from_recorded(credential.recorded())
        self.assertEqual(self.env["ir.http"]._mcp_current_profile_id(self.env, recorded), self.profile_read.id)

    def test_insufficient_scope(self):
        _client_id, body = self.tokens(scope="mcp:read")
        after = self.last_audit_id()
        response, payload = self.mcp_call(body["access_token"], "tools/call", {
            "name": "create", "arguments": {"model": "res.partner", "values": {"name": "Nope"}}})
        self.assertEqual(response.status_code, 403, response.text)
        challenge = response.headers["WWW-Authenticate"]
        self.assertIn('error="insufficient_scope"', challenge)
        self.assertIn('scope="mcp:write"', challenge)
        self.assertIn('resource_metadata="%s/.well-known/oauth-protected-resource/mcp"' % self.base_url(), challenge)
        self.assertIn("mcp:write", payload["error"]["message"])
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Nope")]))
        row = self.audit(after, method="tools/call")
        self.assertEqual((row.status, row.http_status, row.tool), ("denied", 403, "create"))
        # Deleting needs mcp:admin even with mcp:write.
        _client_id, body = self.tokens(scope="mcp:read mcp:write")
        response = self.mcp_call(body["access_token"], "tools/call", {
            "name": "unlink", "arguments": {"model": "res.partner", "ids": [self.user.partner_id.id]}})[0]
        self.assertEqual(response.status_code, 403)
        self.assertIn('scope="mcp:admin"', response.headers["WWW-Authenticate"])
        # With the scope, the call reaches the tool.
        response, payload = self.mcp_call(body["access_token"], "tools/call", {
            "name": "create", "arguments": {"model": "res.partner", "values": {"name": "Yes"}}})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertFalse(payload["result"]["isError"], payload)

    def test_expired_revoked_and_foreign_tokens(self):
        client_id, body = self.tokens()
        token = body["access_token"]
        grant = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
        access = grant.token_ids.filtered(lambda t: t.token_type == "access")
        self.assertEqual(self.mcp_call(token, "ping")[0].status_code, 200)
        # Another audience: a token issued for another resource is refused.
        grant.resource = "https://other.example/mcp"
        self.registry.clear_cache()
        after = self.last_audit_id()
        self.assertUnauthorized(token)
        self.assertIn("another resource", self.audit(after, status="auth_failed").error)
        grant.resource = self.resource
        self.registry.clear_cache()
        # Expired.
        access.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        self.registry.clear_cache()
        self.assertUnauthorized(token)
        access.expires_at = fields.Datetime.now() + timedelta(hours=1)
        self.registry.clear_cache()
        self.assertEqual(self.mcp_call(token, "ping")[0].status_code, 200)
        # Revoked (the cache of token lookups is cleared by the revocation itself).
        grant.with_user(self.user).action_revoke()
        self.assertUnauthorized(token)
        # Refresh tokens and made-up tokens are not bearer tokens.
        self.assertUnauthorized(body["refresh_token"])
        self.assertUnauthorized("mcpo_at_" + "A" * 43)

    def test_blocked_client_and_archived_user(self):
        client_id, body = self.tokens()
        self.assertEqual(self.mcp_call(body["access_token"], "ping")[0].status_code, 200)
        self.client_record(client_id).action_block()
        self.assertUnauthorized(body["access_token"])
        client_id, body = self.tokens()
        self.user.active = False
        self.assertUnauthorized(body["access_token"])

    def test_mcp_keys_still_work(self):
        _key, secret = self.env["mcp.api.key"]._create_with_secret({
            "name": "key", "user_id": self.user.id, "profile_id": self.profile_read.id})
        self.assertEqual(self.mcp_call(secret, "ping")[0].status_code, 200)
