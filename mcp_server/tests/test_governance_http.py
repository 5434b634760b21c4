"""Over HTTP: rate limits count JSON-RPC messages and unauthenticated requests; Odoo API keys are apart."""
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..lib.credential import Credential
from .common import PROTOCOL_VERSION, McpCase
from .test_governance import GovernanceCase

BATCH_VERSION = "2025-03-26"


@tagged("post_install", "-at_install")
class TestRateLimitsOverHttp(McpCase):
    def _batch_session(self, secret):
        """Headers of a 2025-03-26 session (the only version with JSON-RPC batches); initialize counts one."""
        response = self.http("POST", secret, self.message("initialize", {
            "protocolVersion": BATCH_VERSION, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}))
        self.assertEqual(response.status_code, 200, response.text)
        return {"MCP-Session-Id": response.headers["MCP-Session-Id"], "MCP-Protocol-Version": BATCH_VERSION}

    def _batch(self, secret, headers, size, method="ping", params=None):
        return self.http("POST", secret, [self.message(method, params) for _i in range(size)], headers)

    def test_a_batch_of_25_tool_calls_counts_25(self):
        key, secret = self._make_key("limited per minute", self.user_a, self.profile_full, rate_limit_minute=30)
        headers = self._batch_session(secret)
        response = self._batch(secret, headers, 25, "tools/call",
                               {"name": "search_count", "arguments": {"model": "res.partner"}})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(len(response.json()), 25)
        refused = self._batch(secret, headers, 5)
        self.assertEqual(refused.status_code, 429, "1 + 25 + 5 messages are over 30")
        self.assertIn("30 requests per minute", refused.json()["error"]["message"])
        self.assertTrue(refused.headers["Retry-After"])
        self.assertEqual(self._batch(secret, headers, 4).status_code, 200, "a refused batch consumed nothing")
        self.assertEqual(self._batch(secret, headers, 1).status_code, 429)
        self.assertEqual(self.last_audit(key).status, "rate_limited")

    def test_a_batch_over_the_daily_limit_is_refused_whole(self):
        key, secret = self._make_key("limited per day", self.user_b, self.profile_full, rate_limit_day=12)
        headers = self._batch_session(secret)
        self.assertEqual(self._batch(secret, headers, 12, "tools/list").status_code, 429)
        response = self._batch(secret, headers, 11, "tools/list")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(all("tools" in reply["result"] for reply in response.json()))
        self.assertEqual(self._batch(secret, headers, 1).status_code, 429)
        self.assertIn("per day", self.last_audit(key).error)

    def test_unauthenticated_requests_are_limited_per_address_and_stop_filling_the_audit(self):
        self.env["ir.config_parameter"].sudo().set_param("mcp_server.anonymous_rate_limit_minute", "3")
        before = self.last_audit_id()
        statuses = [self.http("POST", "mcp_bogus_key", self.message("ping")).status_code for _i in range(2)]
        statuses.append(self.http("GET", None).status_code)
        self.assertEqual(statuses, [401, 401, 405])
        self.assertEqual(len(self.audit_rows(before)), 3)
        last = self.last_audit_id()
        for method, secret in (("POST", "mcp_bogus_key"), ("POST", None), ("GET", None), ("OPTIONS", None)):
            response = self.http(method, secret, self.message("ping") if method == "POST" else None)
            self.assertEqual(response.status_code, 429, method)
            self.assertTrue(response.headers["Retry-After"])
        self.assertFalse(self.audit_rows(last), "refused floods leave no audit row")
        self.assertEqual(self.mcp(self.secret_full, "ping").status_code, 200, "a valid key is not limited by address")


@tagged("post_install", "-at_install")
class TestOdooApiKeysApart(McpCase):
    """Each Odoo API key is a credential of its own: nothing is shared with the user's other keys."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("mcp_server.native_key_profile_id", str(self.profile_full.id))
        apikeys = self.env["res.users.apikeys"].with_user(self.user_a)
        expiry = fields.Datetime.now() + timedelta(days=1)
        self.first = apikeys._generate(None, "first", expiry)
        self.second = apikeys._generate(None, "second", expiry)

    def test_sessions_are_not_shared_between_keys_of_one_user(self):
        session = self.session_id(self.first)
        for other in (self.second, self.secret_full):
            response = self.http("POST", other, self.message("ping"), {
                "MCP-Session-Id": session, "MCP-Protocol-Version": PROTOCOL_VERSION})
            self.assertEqual(response.status_code, 404, response.text)
        self.assertEqual(self.rpc(self.first, "ping"), {})
        sessions = self.env["mcp.session"].search([("user_id", "=", self.user_a.id)])
        self.assertEqual(len(set(sessions.mapped("credential_ref"))), len(sessions))

    def test_exports_and_jobs_are_not_shared_between_keys_of_one_user(self):
        export = self.tool_ok(self.first, "export_records", {"model": "res.partner", "format": "csv",
                                                             "fields": ["name"]})
        self.assertTrue(self.rpc(self.first, "resources/read", {"uri": export["uri"]})["contents"])
        for other in (self.second, self.secret_full):
            error = self.rpc_error(other, "resources/read", {"uri": export["uri"]})
            self.assertEqual(error["code"], -32002)
        job = self.call_tool(self.first, "batch", {"background": True, "operations": [
            {"operation": "write", "model": "res.partner", "ids": [self.acme.id], "values": {"city": "Spa"}}]}
        )["structuredContent"]
        self.tool_ok(self.first, "get_job", {"job_id": job["job_id"]})
        for other in (self.second, self.secret_full):
            self.tool_error(other, "get_job", {"job_id": job["job_id"]}, "No job")

    def test_approvals_are_not_shared_and_run_only_while_the_key_exists(self):
        self.profile_full.approval_destructive = True
        pending = self.call_tool(self.first, "unlink", {"model": "res.partner", "ids": [self.alice.id]})
        approval_id = pending["structuredContent"]["approval_id"]
        self.assertEqual(self.tool_ok(self.first, "get_approval_status", {"approval_id": approval_id})["status"],
                         "pending")
        for other in (self.second, self.secret_full):
            self.tool_error(other, "get_approval_status", {"approval_id": approval_id}, "No approval request")
        # The first key is removed before approval: the call does not run with the user's other keys.
        self.env["res.users.apikeys"].search([("user_id", "=", self.user_a.id), ("name", "=", "first")]).unlink()
        request = self.env["mcp.approval.request"].browse(approval_id)
        request._execute(self.env.user)
        self.assertEqual(request.state, "failed")
        self.assertIn("revoked", request.result)
        self.assertTrue(self.alice.exists())


@tagged("post_install", "-at_install")
class TestMessageCounters(GovernanceCase):
    """Both counter stores add a request's message count atomically, or nothing."""

    def _check(self, settings, credential):
        limiter = self.env["mcp.rate.limiter"]
        self.assertIsNone(limiter._hit(credential, settings, 25))
        self.assertEqual(limiter._hit(credential, settings, 6)[1:3], ("minute", 30))
        self.assertIsNone(limiter._hit(credential, settings, 5))
        self.assertTrue(limiter._hit(credential, settings, 1))

    def test_postgresql_counter_takes_a_count(self):
        credential = Credential(kind="mcp_key", key_id=self.key.id, user_id=self.requester.id, rate_limit_minute=30)
        self._check({}, credential)
        self.env.cr.execute("SELECT count FROM mcp_rate_counter WHERE bucket LIKE %s",
                            ["%%:cred:mcp_key:%s:minute:%%" % self.key.id])
        self.assertEqual(self.env.cr.fetchone()[0], 30)

    def test_redis_counter_takes_a_count(self):
        import redis

        url = "redis://127.0.0.1:6379/15"
        client = redis.Redis.from_url(url)
        key_id = int(fields.Datetime.now().timestamp() * 1000)
        pattern = "mcp:rl:%s:cred:mcp_key:%s:*" % (self.env.cr.dbname, key_id)
        self.addCleanup(lambda: [client.delete(k) for k in client.keys(pattern)])
        self._check({"redis_url": url}, Credential(
            kind="mcp_key", key_id=key_id, user_id=self.requester.id, rate_limit_minute=30))
        self.assertEqual([int(client.get(k)) for k in client.keys(pattern)], [30])
