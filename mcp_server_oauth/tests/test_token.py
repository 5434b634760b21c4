import hashlib
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..lib.urls import normalize_resource
from .common import REDIRECT_URI, OAuthCase, pkce_pair


@tagged("post_install", "-at_install")
class TestToken(OAuthCase):
    def assertTokenError(self, response, error, status=400):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.json()["error"], error, response.text)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertNotIn("access_token", response.json())

    def test_code_exchange(self):
        client_id = self.public_client()
        code, verifier = self.get_code(client_id)
        after = self.last_audit_id()
        response = self.exchange(client_id, code, verifier)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        body = response.json()
        self.assertEqual((body["token_type"], body["expires_in"], body["scope"]),
                         ("Bearer", 3600, "mcp:read mcp:write"))
        self.assertTrue(body["access_token"].startswith("mcpo_at_"))
        self.assertTrue(body["refresh_token"].startswith("mcpo_rt_"))
        grant = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
        self.assertEqual((grant.user_id, grant.profile_id, grant.scope, grant.resource, grant.state),
                         (self.user, self.profile_write, "mcp:read mcp:write", self.resource, "active"))
        access = grant.token_ids.filtered(lambda t: t.token_type == "access")
        refresh = grant.token_ids.filtered(lambda t: t.token_type == "refresh")
        # Lifetimes: one hour, thirty days. Only hashes are stored.
        self.assertAlmostEqual((access.expires_at - fields.Datetime.now()).total_seconds(), 3600, delta=120)
        self.assertAlmostEqual((refresh.expires_at - fields.Datetime.now()).total_seconds(), 30 * 86400, delta=120)
        for record, secret in ((access, body["access_token"]), (refresh, body["refresh_token"])):
            self.assertEqual(self.stored_hash("mcp_oauth_token", "token_hash", record.id),
                             hashlib.sha256(secret.encode()).hexdigest())
            self.assertEqual(record.prefix, secret[:14])
        self.env.cr.execute("SELECT count(*) FROM mcp_oauth_token WHERE token_hash = %s OR prefix = %s",
                            [body["access_token"], body["access_token"]])
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        row = self.audit(after, method="oauth/token")
        self.assertEqual((row.status, row.user_id, row.oauth_grant_id), ("success", self.user, grant))
        self.assertFalse(row.error)

    def test_authorizing_again_updates_the_connection(self):
        client_id, first = self.tokens()
        session_id = self.mcp_session(first["access_token"])
        # Step up: the same application asks for more; the user's connection is updated, not duplicated.
        _client_id, second = self.tokens(client_id, scope="mcp:read mcp:write mcp:admin")
        grants = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
        self.assertEqual(len(grants), 1)
        self.assertEqual((grants.scope, grants.profile_id), ("mcp:read mcp:write mcp:admin", self.profile_admin))
        self.assertUnauthorized(first["access_token"])
        self.assertTokenError(self.refresh(client_id, first["refresh_token"]), "invalid_grant")
        # The MCP session opened with the first token goes on with the new one.
        response = self.mcp_post(second["access_token"], {"jsonrpc": "2.0", "id": 5, "method": "ping"}, session_id)
        self.assertEqual(response.status_code, 200, response.text)

    def test_lifetimes_are_configurable(self):
        self.set_param("access_token_minutes", 5)
        self.set_param("refresh_token_days", 2)
        _client_id, body = self.tokens()
        self.assertEqual(body["expires_in"], 300)
        refresh = self.env["mcp.oauth.token"].search([("token_type", "=", "refresh")], limit=1)
        self.assertAlmostEqual((refresh.expires_at - fields.Datetime.now()).total_seconds(), 2 * 86400, delta=120)

    def test_pkce_verifier(self):
        client_id = self.public_client()
        code, verifier = self.get_code(client_id)
        self.assertTokenError(self.exchange(client_id, code, None), "invalid_request")
        self.assertTokenError(self.exchange(client_id, code, pkce_pair()[0]), "invalid_grant")
        self.assertTokenError(self.exchange(client_id, code, "short"), "invalid_request")
        # A failed verification does not burn the code for its rightful owner.
        self.assertEqual(self.exchange(client_id, code, verifier).status_code, 200)

    def test_reused_code_revokes_the_grant(self):
        client_id = self.public_client()
        code, verifier = self.get_code(client_id)
        first = self.exchange(client_id, code, verifier)
        self.assertEqual(first.status_code, 200)
        after = self.last_audit_id()
        self.assertTokenError(self.exchange(client_id, code, verifier), "invalid_grant")
        grant = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
        self.assertEqual((grant.state, grant.revoke_reason), ("revoked", "authorization code reused"))
        self.assertUnauthorized(first.json()["access_token"])
        self.assertTokenError(self.refresh(client_id, first.json()["refresh_token"]), "invalid_grant")
        self.assertEqual(self.audit(after, method="oauth/revoke").status, "denied")

    def test_code_bindings(self):
        client_id = self.public_client()
        other_client = self.public_client()
        code, verifier = self.get_code(client_id)
        self.assertTokenError(self.exchange(other_client, code, verifier), "invalid_grant")
        self.assertTokenError(self.exchange(client_id, code, verifier, redirect_uri="http://127.0.0.1:9999/other"),
                              "invalid_grant")
        self.assertTokenError(self.exchange(client_id, code, verifier, resource="https://other.example/mcp"),
                              "invalid_target")
        self.assertTokenError(self.exchange(client_id, "mcpo_ac_forged", verifier), "invalid_grant")
        self.assertTokenError(self.exchange("mcpc_nobody", code, verifier), "invalid_client")
        self.assertEqual(self.exchange(client_id, code, verifier).status_code, 200)

    def test_resource_is_compared_after_normalisation(self):
        client_id = self.public_client()
        base = self.base_url()
        upper = base.replace("http://", "HTTP://")
        for resource in (self.resource + "/", upper + "/mcp", base + "/", base):
            code, verifier = self.get_code(client_id, resource=resource)
            response = self.exchange(client_id, code, verifier, resource=resource)
            self.assertEqual(response.status_code, 200, "%s: %s" % (resource, response.text))
            grant = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
            self.assertEqual(grant.resource, self.resource)
        for resource in (self.resource + "x", self.resource + "?a=1", self.resource + "#f", base + "/other"):
            code, verifier = self.get_code(client_id)
            self.assertTokenError(self.exchange(client_id, code, verifier, resource=resource), "invalid_target")
        self.assertEqual(normalize_resource("HTTPS://Odoo.Example.COM:443/mcp/"), "https://odoo.example.com/mcp")
        self.assertEqual(normalize_resource("http://[::1]:80/mcp"), "http://[::1]/mcp")
        self.assertIsNone(normalize_resource("odoo.example.com/mcp"))

    def test_expired_code(self):
        client_id = self.public_client()
        code, verifier = self.get_code(client_id)
        self.env["mcp.oauth.code"].search([]).write({"expires_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.assertTokenError(self.exchange(client_id, code, verifier), "invalid_grant")

    def test_refresh_rotation_and_reuse_detection(self):
        client_id, first = self.tokens()
        after = self.last_audit_id()
        second = self.refresh(client_id, first["refresh_token"])
        self.assertEqual(second.status_code, 200, second.text)
        second = second.json()
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertNotEqual(second["access_token"], first["access_token"])
        self.assertEqual(second["scope"], "mcp:read mcp:write")
        grant = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
        self.assertTrue(grant.token_ids.filtered(lambda t: t.prefix == first["refresh_token"][:14]).used_at)
        self.assertEqual(self.audit(after, method="oauth/token").status, "success")
        # The new refresh token works (and rotates again); the first one is spent.
        third = self.refresh(client_id, second["refresh_token"]).json()
        self.assertEqual(self.mcp_call(third["access_token"], "ping")[0].status_code, 200)
        # Replaying a spent refresh token revokes the whole grant, current tokens included.
        after = self.last_audit_id()
        self.assertTokenError(self.refresh(client_id, first["refresh_token"]), "invalid_grant")
        grant.invalidate_recordset()
        self.assertEqual((grant.state, grant.revoke_reason), ("revoked", "refresh token reused"))
        self.assertUnauthorized(third["access_token"])
        self.assertTokenError(self.refresh(client_id, third["refresh_token"]), "invalid_grant")
        rows = self.audit(after)
        self.assertIn(("oauth/revoke", "denied", "refresh token reused"), [(r.method, r.status, r.error) for r in rows])
        self.assertIn(("oauth/token", "auth_failed"), [(r.method, r.status) for r in rows])

    def test_refresh_narrower_scope_and_bindings(self):
        client_id, first = self.tokens()
        narrowed = self.refresh(client_id, first["refresh_token"], scope="mcp:read")
        self.assertEqual(narrowed.json()["scope"], "mcp:read")
        other_client = self.public_client()
        self.assertTokenError(self.refresh(other_client, narrowed.json()["refresh_token"]), "invalid_grant")
        self.assertTokenError(self.refresh(client_id, narrowed.json()["refresh_token"], scope="mcp:admin"),
                              "invalid_scope")
        # An access token is not a refresh token.
        self.assertTokenError(self.refresh(client_id, first["access_token"]), "invalid_grant")

    def test_expired_refresh_token(self):
        client_id, first = self.tokens()
        self.env["mcp.oauth.token"].search([("token_type", "=", "refresh")]).write(
            {"expires_at": fields.Datetime.now() - timedelta(seconds=1)})
        self.assertTokenError(self.refresh(client_id, first["refresh_token"]), "invalid_grant")

    def test_confidential_client_basic_auth(self):
        response = self.register(token_endpoint_auth_method="client_secret_basic")
        client_id, secret = response.json()["client_id"], response.json()["client_secret"]
        code, verifier = self.get_code(client_id)
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier}
        self.assertTokenError(self.token_request(data, auth=(client_id, "wrong")), "invalid_client", status=401)
        self.assertTokenError(self.token_request(dict(data, client_id=client_id)), "invalid_client", status=401)
        self.assertEqual(self.token_request(data, auth=(client_id, secret)).status_code, 200)

    def test_client_credentials(self):
        client, secret = self.env["mcp.oauth.client"]._create_with_secret({
            "name": "Nightly sync", "allow_authorization_code": False, "allow_refresh_token": False,
            "allow_client_credentials": True, "user_id": self.user.id, "profile_id": self.profile_read.id})
        data = {"grant_type": "client_credentials", "scope": "mcp:read", "resource": self.resource}
        response = self.token_request(data, auth=(client.client_id, secret))
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertNotIn("refresh_token", body)
        self.assertEqual(body["scope"], "mcp:read")
        grant = client.grant_ids
        self.assertEqual((grant.kind, grant.user_id, grant.profile_id), ("client_credentials", self.user,
                                                                         self.profile_read))
        # A second token reuses the connection.
        self.token_request(dict(data, client_id=client.client_id, client_secret=secret))
        self.assertEqual(len(client.grant_ids), 1)
        self.assertEqual(len(client.grant_ids.token_ids), 2)
        result = self.mcp_call(body["access_token"], "tools/call", {
            "name": "search_read", "arguments": {"model": "res.users", "fields": ["name"]}})[1]["result"]
        self.assertTrue(result["isError"])  # res.users is outside the profile
        self.assertTokenError(self.token_request(data, auth=(client.client_id, "wrong")), "invalid_client", 401)
        self.assertTokenError(self.token_request(dict(data, client_id=client.client_id)), "invalid_client", 401)
        client.allow_client_credentials = False
        self.assertTokenError(self.token_request(data, auth=(client.client_id, secret)), "unauthorized_client")

    def test_public_client_cannot_use_client_credentials(self):
        client_id = self.public_client()
        response = self.token_request({"grant_type": "client_credentials", "client_id": client_id})
        self.assertTokenError(response, "invalid_client", status=401)

    def test_nul_characters_in_client_ids_are_unknown_clients(self):
        # A client id holding a NUL character cannot be looked up: the same answer as any unknown client.
        revoke = self.url("/oauth/revoke")
        for client_id in ("mcpc_a\x00b", "a\x00"):
            unknown = client_id.replace("\x00", "")
            for send in (
                    lambda cid: self.token_request({"grant_type": "client_credentials", "client_id": cid,
                                                    "client_secret": "x"}),
                    lambda cid: self.token_request({"grant_type": "client_credentials"}, auth=(cid, "x")),
                    lambda cid: self.http.post(revoke, data={"token": "x", "client_id": cid}, timeout=30)):
                expected, response = send(unknown), send(client_id)
                self.assertIn(expected.status_code, (400, 401))
                self.assertEqual((response.status_code, response.json()), (expected.status_code, expected.json()))

    def test_unsupported_grant_types(self):
        for grant_type in ("password", "implicit", "urn:ietf:params:oauth:grant-type:device_code", ""):
            response = self.token_request({"grant_type": grant_type, "username": "admin", "password": "admin"})
            self.assertTokenError(response, "unsupported_grant_type")
        self.assertEqual(self.http.get(self.url("/oauth/token"), timeout=30).status_code, 405)

    def test_revocation(self):
        client_id, first = self.tokens()
        revoke = self.url("/oauth/revoke")
        # An access token alone.
        response = self.http.post(revoke, data={"token": first["access_token"], "client_id": client_id}, timeout=30)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertUnauthorized(first["access_token"])
        second = self.refresh(client_id, first["refresh_token"]).json()
        self.assertEqual(self.mcp_call(second["access_token"], "ping")[0].status_code, 200)
        # Another client cannot revoke it; unknown tokens are fine (RFC 7009 §2.2).
        other_client = self.public_client()
        response = self.http.post(revoke, data={"token": second["refresh_token"], "client_id": other_client},
                                  timeout=30)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.http.post(revoke, data={"token": "mcpo_rt_unknown", "client_id": client_id},
                                       timeout=30).status_code, 200)
        # A refresh token takes the whole grant with it.
        response = self.http.post(revoke, data={"token": second["refresh_token"], "token_type_hint": "refresh_token",
                                               "client_id": client_id}, timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertUnauthorized(second["access_token"])
        grant = self.env["mcp.oauth.grant"].search([("client_id.client_id", "=", client_id)])
        self.assertEqual(grant.state, "revoked")
        response = self.http.post(revoke, data={"client_id": client_id}, timeout=30)
        self.assertEqual(response.json()["error"], "invalid_request")

    def test_audit_holds_no_token_material(self):
        self.env["ir.config_parameter"].sudo().set_param("mcp_server.log_payloads", "True")
        client_id, first = self.tokens()
        self.mcp_call(first["access_token"], "ping")
        self.refresh(client_id, first["refresh_token"])
        self.refresh(client_id, first["refresh_token"])
        self.env.cr.execute("""SELECT count(*) FROM mcp_audit_log
                                WHERE concat(error, request_payload, response_payload) LIKE '%%mcpo_%%'""")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertTrue(self.audit(method="oauth/token"))
