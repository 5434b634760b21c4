"""The request's transaction: a failed read rolls back only its own request, audit commits skip the WAL wait
only when they hold nothing else."""
import json

from odoo import api, sql_db
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import McpCase

BAD_READ = {"model": "res.partner", "domain": [["id", "=", "abc"]]}


@tagged("post_install", "-at_install")
class TestRequestTransaction(McpCase):

    def test_failed_read_in_a_batch_keeps_the_batch_earlier_changes(self):
        """Messages of a 2025-03-26 batch share one transaction: a read that fails there must not undo the
        change of the message before it."""
        self.session_id(self.secret_full)
        start = self.last_audit_id()
        create = self.message("tools/call", {"name": "create", "arguments": {
            "model": "res.partner", "values": {"name": "Kept By The Batch"}}})
        read = self.message("tools/call", {"name": "search_read", "arguments": BAD_READ})
        with mute_logger("odoo.sql_db"):
            response = self.mcp(self.secret_full, None, raw_body=json.dumps([create, read]),
                                headers={"MCP-Protocol-Version": "2025-03-26"})
        self.assertEqual(response.status_code, 200, response.text)
        created, failed = sorted(response.json(), key=lambda reply: reply["id"])
        self.assertFalse(created["result"]["isError"], created)
        self.assertTrue(failed["result"]["isError"], failed)
        self.assertIn("refused a value", failed["result"]["content"][0]["text"])
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Kept By The Batch")]), 1)
        self.assertEqual([(row.tool, row.status) for row in self.audit_rows(after_id=start)],
                         [("create", "success"), ("search_read", "tool_error")])

    def test_failed_read_alone_is_audited_and_the_next_call_works(self):
        start = self.last_audit_id()
        with mute_logger("odoo.sql_db"):
            self.tool_error(self.secret_full, "search_read", BAD_READ, "refused a value")
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": [["id", "=", self.acme.id]], "fields": ["name"]})
        self.assertEqual(found["records"], [{"id": self.acme.id, "name": "Acme Corp"}])
        self.assertEqual([row.status for row in self.audit_rows(after_id=start, method="tools/call")],
                         ["tool_error", "success"])


@tagged("post_install", "-at_install")
class TestAuditCommit(McpCase):
    """``_log(..., async_commit=True)`` in a transaction of its own (a connection apart from the test's)."""

    def synchronous_commit_after(self, write_first):
        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr:
            try:
                if write_first:
                    cr.execute("INSERT INTO mcp_audit_log (create_date, method) VALUES (now(), 'earlier write')")
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                env["mcp.audit.log"]._log({"method": "ping", "status": "success"}, async_commit=True)
                cr.execute("SELECT count(*) FROM mcp_audit_log WHERE method = 'ping' AND id > %s",
                           [self.last_audit_id()])
                inserted = cr.fetchone()[0]
                cr.execute("SHOW synchronous_commit")
                return inserted, cr.fetchone()[0]
            finally:
                cr.rollback()

    def test_audit_only_transaction_commits_without_waiting(self):
        self.assertEqual(self.synchronous_commit_after(write_first=False), (1, "off"))

    def test_transaction_with_other_writes_keeps_synchronous_commit(self):
        self.assertEqual(self.synchronous_commit_after(write_first=True), (1, "on"))

    def test_setting_on_by_default(self):
        self.assertTrue(self.env["mcp.server"]._settings()["audit_async_commit"])
        self.env["res.config.settings"].create({"mcp_audit_async_commit": False}).execute()
        self.assertFalse(self.env["mcp.server"]._settings()["audit_async_commit"])
