"""install_module and upgrade_module for clients of the Tasks extension: run in the request (never in the job
runner), answered as a task that is already completed; other clients get the result as before."""
from unittest.mock import patch

from odoo.addons.mcp_server.tests.common import McpCase
from odoo.addons.mcp_server.tests.tasks_common import TasksMixin
from odoo.tests import new_test_user, tagged

from ..models.mcp_module_installer import McpModuleInstaller
from .common import two_model_spec

REPORT = {"state": "installed", "models": ["equipment.item", "equipment.loan"], "menus": ["Equipment Loans"]}


@tagged("post_install", "-at_install")
class TestInstallTasks(TasksMixin, McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = new_test_user(cls.env, login="mcp_builder_tasks", name="Builder Admin",
                              groups="base.group_user,base.group_system,mcp_server.group_mcp_admin")
        profile = cls._make_profile("MCP builder tasks", "full", {"res.partner": {"ops": "read"}})
        cls.key_admin, cls.secret_admin = cls._make_key("builder tasks", admin, profile)
        cls.key_other, cls.secret_other = cls._make_key("builder tasks other", admin, profile)
        cls.env["ir.config_parameter"].set_param("mcp_module_builder.enabled", True)

    def build(self):
        return self.tool_ok(self.secret_admin, "build_module", {"spec": two_model_spec()})["build_id"]

    def test_a_refused_install_is_a_completed_task_with_the_tool_error(self):
        build_id = self.build()
        created = self.modern_tool(self.secret_admin, "install_module", {"build_id": build_id})
        self.assertEqual((created["resultType"], created["status"]), ("task", "completed"))
        job = self.job_of(created["taskId"])
        self.assertEqual((job.tool, job.state, job.key_id), ("install_module", "failed", self.key_admin))
        answer = self.task(self.secret_admin, created["taskId"])
        self.assertEqual(answer["status"], "completed")
        self.assertTrue(answer["result"]["isError"])
        self.assertIn("cannot be installed while Odoo runs its own tests", answer["result"]["content"][0]["text"])
        self.assertEqual(self.modern(self.secret_other, "tasks/get", {"taskId": created["taskId"]})["error"]["code"],
                         -32602, "another key does not see the task")
        status = self.tool_ok(self.secret_admin, "get_job", {"job_id": job.id})
        self.assertEqual((status["tool"], status["status"]), ("install_module", "failed"))

    def test_an_install_that_ran_completes_its_task_with_the_report(self):
        build_id = self.build()
        with patch.object(McpModuleInstaller, "_install", autospec=True, return_value=dict(REPORT)) as install:
            created = self.modern_tool(self.secret_admin, "upgrade_module", {"build_id": build_id})
        self.assertEqual(install.call_count, 1, "run in the request, once")
        self.assertEqual(install.call_args.args[2], True, "as an upgrade")
        answer = self.task(self.secret_admin, created["taskId"])
        self.assertEqual(answer["status"], "completed")
        self.assertFalse(answer["result"]["isError"])
        self.assertEqual(answer["result"]["structuredContent"]["models"], REPORT["models"])
        self.assertEqual(answer["result"]["structuredContent"]["module"], "equipment_loans")
        self.assertEqual(self.job_of(created["taskId"]).state, "done")

    def test_other_clients_dry_runs_and_refusals_answer_as_before(self):
        build_id = self.build()
        plain = self.modern_tool(self.secret_admin, "install_module", {"build_id": build_id}, tasks=False)
        self.assertEqual(plain["resultType"], "complete")
        self.assertTrue(plain["isError"])
        dry = self.modern_tool(self.secret_admin, "install_module", {"build_id": build_id, "dry_run": True})
        self.assertEqual(dry["resultType"], "complete")
        self.assertNotIn("taskId", dry)
        denied = self.modern_tool(self.secret_full, "install_module", {"build_id": build_id})
        self.assertEqual(denied["resultType"], "complete")
        self.assertTrue(denied["isError"])
        self.assertFalse(self.env["mcp.job"].sudo().search([("tool", "in", ("install_module", "upgrade_module"))]))
