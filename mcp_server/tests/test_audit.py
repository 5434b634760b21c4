"""Audit log: one row per request whatever happens, no key material, payloads only when asked, retention."""
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import McpCase

TEXT_COLUMNS = ("ip_address", "session_id", "method", "tool", "model", "record_ids", "status", "error",
                "request_payload", "response_payload")


@tagged("post_install", "-at_install")
class TestAudit(McpCase):

    def rows_since(self, audit_id):
        return self.audit_rows(after_id=audit_id)

    def assertNoSecretInAudit(self, secret):
        self.env.flush_all()
        self.env.cr.execute("SELECT %s FROM mcp_audit_log" % ", ".join(TEXT_COLUMNS))
        for row in self.env.cr.fetchall():
            self.assertNotIn(secret, " ".join(str(value) for value in row))
            self.assertNotIn(secret[5:], " ".join(str(value) for value in row))

    def test_success_row(self):
        session_id = self.session_id(self.secret_full)
        start = self.last_audit_id()
        self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": [["id", "=", self.acme.id]], "fields": ["name"]})
        row = self.rows_since(start)
        self.assertEqual(len(row), 1, "one audit row per request")
        self.assertEqual(
            (row.status, row.method, row.tool, row.model, row.record_ids, row.key_id, row.user_id, row.session_id,
             row.http_status, row.ip_address),
            ("success", "tools/call", "search_read", "res.partner", str(self.acme.id), self.key_full, self.user_a,
             session_id, 200, "127.0.0.1"))
        self.assertGreaterEqual(row.duration_ms, 0)
        self.assertFalse(row.error)

    def test_initialize_and_batch_rows(self):
        start = self.last_audit_id()
        session_id = self.session_id(self.secret_full)
        row = self.rows_since(start)
        self.assertEqual((row.method, row.status, row.session_id), ("initialize", "success", session_id))
        start = self.last_audit_id()
        response = self.mcp(self.secret_full, None, raw_body=json.dumps([
            self.message("ping"), self.message("tools/call", {"name": "search_count", "arguments": {
                "model": "res.users"}})]), headers={"MCP-Protocol-Version": "2025-03-26"})
        self.assertEqual(response.status_code, 200)
        rows = self.rows_since(start)
        self.assertEqual([(r.method, r.status) for r in rows], [("ping", "success"), ("tools/call", "denied")],
                         "one row per JSON-RPC message of a batch")

    def test_tool_error_row(self):
        self.session_id(self.secret_full)
        start = self.last_audit_id()
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "fields": ["emial"]})
        row = self.rows_since(start)
        self.assertEqual((len(row), row.status, row.tool, row.model), (1, "tool_error", "search_read", "res.partner"))
        self.assertIn("emial", row.error)

    def test_denied_row(self):
        self.session_id(self.secret_scoped)
        start = self.last_audit_id()
        self.tool_error(self.secret_scoped, "read", {"model": "res.partner", "ids": [self.alice.id]})
        row = self.rows_since(start)
        self.assertEqual((len(row), row.status, row.record_ids, row.key_id),
                         (1, "denied", str(self.alice.id), self.key_scoped))

    def test_protocol_error_rows(self):
        self.session_id(self.secret_full)
        for kwargs, status in (
            ({"raw_body": b"{not json"}, 400),
            ({"raw_body": json.dumps({"jsonrpc": "2.0", "id": 1, "method": "no/such"})}, 200),
            ({"headers": {"MCP-Protocol-Version": "1.0"}}, 400),
            ({"headers": {"MCP-Session-Id": "forged"}}, 404),
        ):
            start = self.last_audit_id()
            response = self.mcp(self.secret_full, "tools/list", **kwargs)
            self.assertEqual(response.status_code, status, kwargs)
            row = self.rows_since(start)
            self.assertEqual((len(row), row.status, row.http_status, row.key_id),
                             (1, "protocol_error", status, self.key_full), kwargs)
            self.assertTrue(row.error, kwargs)
        start = self.last_audit_id()
        self.assertEqual(self.http("GET", self.secret_full).status_code, 405)
        self.assertEqual(self.http("POST", self.secret_full, "{}", {"Content-Type": "text/plain"}).status_code, 415)
        self.assertEqual([(r.method, r.status, r.http_status) for r in self.rows_since(start)],
                         [("GET", "protocol_error", 405), ("POST", "protocol_error", 415)])

    def test_auth_failure_rows_hold_no_key_material(self):
        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")
        fake = "mcpk_" + "Zx9" * 14
        start = self.last_audit_id()
        for secret in (fake, self.secret_full[:-3] + "abc", None):
            self.assertEqual(self.http("POST", secret, self.message("ping")).status_code, 401)
        rows = self.rows_since(start)
        self.assertEqual(rows.mapped("status"), ["auth_failed"] * 3)
        self.assertEqual(rows.mapped("http_status"), [401] * 3)
        self.assertFalse(rows.key_id)
        self.assertNoSecretInAudit(fake)
        self.assertNoSecretInAudit(self.secret_full[:-3] + "abc")

    def test_no_secret_in_any_row_even_with_payloads(self):
        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")
        self.tool_ok(self.secret_full, "search_count", {"model": "res.partner", "domain": [
            ["name", "=", self.secret_full]]})
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "fields": [self.secret_full]})
        self.http("DELETE", self.secret_full, headers={"MCP-Session-Id": self.session_id(self.secret_full)})
        self.assertNoSecretInAudit(self.secret_full)

    def test_payloads_off_by_default_and_redacted_when_on(self):
        self.session_id(self.secret_full)
        start = self.last_audit_id()
        self.tool_ok(self.secret_full, "search_read", {"model": "res.partner", "domain": [["id", "=", self.acme.id]]})
        row = self.rows_since(start)
        self.assertFalse(row.request_payload)
        self.assertFalse(row.response_payload)

        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")
        start = self.last_audit_id()
        self.tool_ok(self.secret_full, "search_read", {"model": "res.partner", "domain": [["id", "=", self.acme.id]]})
        row = self.rows_since(start)
        self.assertIn('"search_read"', row.request_payload)
        self.assertIn("Acme Corp", row.response_payload)

        start = self.last_audit_id()
        self.tool_error(self.secret_full, "create", {"model": "res.partner", "values": {
            "name": "mcpk_LeakedLookingValue42", "password": "hunter2", "api_key": "abc123"}})
        row = self.rows_since(start)
        self.assertNotIn("hunter2", row.request_payload)
        self.assertNotIn("abc123", row.request_payload)
        self.assertNotIn("mcpk_LeakedLookingValue42", row.request_payload)
        self.assertIn("mcpk_***", row.request_payload)
        self.assertIn('"password": "***"', row.request_payload)

    def test_failing_tool_is_rolled_back_but_audited(self):
        registry_class = type(self.env["mcp.tool.registry"])

        def create_then_fail(registry, call, arguments):
            registry.env["res.partner"].create({"name": "Ghost Partner"})
            raise RuntimeError("boom")

        self.session_id(self.secret_full)
        start = self.last_audit_id()
        with patch.object(registry_class, "_tool_search_count", create_then_fail), \
                mute_logger("odoo.addons.mcp_server.models.mcp_server"):
            error = self.rpc_error(self.secret_full, "tools/call", {
                "name": "search_count", "arguments": {"model": "res.partner"}})
        self.assertEqual(error["code"], -32603)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ghost Partner")]))
        row = self.rows_since(start)
        self.assertEqual((row.status, row.tool), ("internal_error", "search_count"))
        self.assertIn("boom", row.error)

        # A business failure after a change: the change is undone, the row stays.
        start = self.last_audit_id()
        self.tool_error(self.secret_scoped, "create", {"model": "res.partner", "values": {
            "name": "Ghost Person", "is_company": False}})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ghost Person")]))
        row = self.rows_since(start).filtered(lambda r: r.method == "tools/call")
        self.assertEqual((row.status, row.tool, row.model), ("denied", "create", "res.partner"))

    def test_users_see_their_own_audit_rows(self):
        self.tool_ok(self.secret_full, "search_count", {"model": "res.partner"})
        self.tool_ok(self.secret_b, "search_count", {"model": "res.partner"})
        own = self.env["mcp.audit.log"].with_user(self.user_a).search([])
        self.assertTrue(own)
        self.assertEqual(own.user_id, self.user_a)
        self.assertTrue(self.env["mcp.audit.log"].search([("user_id", "=", self.user_b.id)]))

    def test_autovacuum_removes_rows_past_retention(self):
        self.tool_ok(self.secret_full, "search_count", {"model": "res.partner"})
        Log = self.env["mcp.audit.log"]
        old = Log.search([], order="id desc", limit=1)
        recent = Log.search([], order="id desc", limit=1, offset=1)
        self.env.cr.execute("UPDATE mcp_audit_log SET create_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(days=91), old.id])
        self.env.cr.execute("UPDATE mcp_audit_log SET create_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(days=89), recent.id])
        self.env["ir.config_parameter"].set_param("mcp_server.audit_retention_days", "0")
        Log._gc_audit_log()
        self.assertTrue(old.exists(), "retention 0 keeps everything")
        self.env["ir.config_parameter"].set_param("mcp_server.audit_retention_days", "90")
        Log._gc_audit_log()
        Log.invalidate_model()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
