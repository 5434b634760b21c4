"""The master switch (Settings → Enable MCP server) stops agents' deferred work too: a background job queued
before it was turned off, or a request waiting for the client's answer, runs nothing while it is off."""
from odoo.tests import tagged

from ..lib.call_context import CallContext
from ..lib.credential import Credential
from .common import McpCase


@tagged("post_install", "-at_install")
class TestMasterSwitch(McpCase):

    def queue_export(self):
        queued = self.call_tool(self.secret_full, "export_records", {
            "model": "res.partner", "format": "csv", "background": True})["structuredContent"]
        self.assertEqual(queued["status"], "queued")
        return self.env["mcp.job"].sudo().browse(queued["job_id"])

    def test_jobs_queued_before_the_switch_was_turned_off_run_nothing(self):
        job = self.queue_export()
        self.env["ir.config_parameter"].set_param("mcp_server.enabled", "False")
        exports = self.env["mcp.export"].sudo().search_count([])
        job._run()
        self.assertEqual(job.state, "failed")
        self.assertIn("turned off", job.error)
        self.assertEqual(self.env["mcp.export"].sudo().search_count([]), exports, "nothing was exported")
        row = self.env["mcp.audit.log"].search([("method", "=", "job/run")], order="id desc", limit=1)
        self.assertEqual((row.status, row.error, row.tool), ("denied", "server disabled", "export_records"))
        # Turned on again, a new job runs.
        self.env["ir.config_parameter"].set_param("mcp_server.enabled", "True")
        job = self.queue_export()
        job._run()
        self.assertEqual(job.state, "done")

    def test_a_request_waiting_for_the_clients_answer_runs_nothing_once_turned_off(self):
        credential = Credential(kind="mcp_key", user_id=self.user_a.id, key_id=self.key_full.id,
                                profile_id=self.profile_full.id)
        server = self.env["mcp.server"]
        call = CallContext(credential, None, settings=server._settings())
        call.request_id = 7
        self.env["ir.config_parameter"].set_param("mcp_server.enabled", "False")
        self.env.flush_all()  # committed, as the switch would be by the time the client answers
        audit_start = self.last_audit_id()
        params = {"name": "create", "arguments": {"model": "res.partner", "values": {"name": "Rerun switched off"}}}
        response = server._run_again(self.registry, self.user_a.id, {}, call, "tools/call", params, False)
        self.assertIn("turned off", response["error"]["message"])
        self.assertFalse(self.env["res.partner"].search_count([("name", "=", "Rerun switched off")]))
        row = self.audit_rows(audit_start, key_id=self.key_full.id)
        self.assertEqual((row.status, row.error), ("denied", "server disabled"))
