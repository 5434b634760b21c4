"""The builder's tools through /mcp: who sees them, validation, build with its ZIP resource and audit."""
import base64
import io
import json
import zipfile

from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests import new_test_user, tagged

from ..models.mcp_tools_module_builder import TOOL_NAMES
from .common import two_model_spec


@tagged("post_install", "-at_install")
class TestBuilderTools(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.builder_admin = new_test_user(
            cls.env, login="mcp_builder_admin", name="Builder Admin",
            groups="base.group_user,base.group_system,mcp_server.group_mcp_admin")
        cls.profile_admin = cls._make_profile("MCP builder full", "full", {"res.partner": {"ops": "read"}})
        cls.profile_write = cls._make_profile("MCP builder read_write", "read_write", {"res.partner": {"ops": "read"}})
        cls.key_admin, cls.secret_admin = cls._make_key("builder admin", cls.builder_admin, cls.profile_admin)
        cls.key_admin_rw, cls.secret_admin_rw = cls._make_key("builder rw", cls.builder_admin, cls.profile_write)
        cls.key_user, cls.secret_user = cls._make_key("builder user", cls.user_a, cls.profile_admin)

    def enable(self, enabled=True):
        self.env["ir.config_parameter"].sudo().set_param("mcp_module_builder.enabled", enabled)

    def test_off_by_default_and_admins_only(self):
        self.assertFalse(set(TOOL_NAMES) & self.tool_names(self.secret_admin), "off by default")
        self.enable()
        self.assertLessEqual(set(TOOL_NAMES), self.tool_names(self.secret_admin))
        self.assertFalse(set(TOOL_NAMES) & self.tool_names(self.secret_admin_rw), "needs the full scope")
        self.assertFalse(set(TOOL_NAMES) & self.tool_names(self.secret_user), "needs MCP Administrator")
        text = self.tool_error(self.secret_user, "build_module", {"spec": two_model_spec()})
        self.assertIn("not available", text)
        tools = {tool["name"]: tool for tool in self.rpc(self.secret_admin, "tools/list")["tools"]}
        self.assertTrue(tools["install_module"]["annotations"]["destructiveHint"])

    def test_validate_reports_paths(self):
        self.enable()
        spec = two_model_spec()
        spec["models"][1]["fields"][2]["comodel"] = "no.such.model"
        answer = self.tool_ok(self.secret_admin, "validate_module_spec", {"spec": spec})
        self.assertFalse(answer["valid"])
        self.assertEqual(answer["errors"][0]["path"], "$.models[1].fields[2].comodel")
        answer = self.tool_ok(self.secret_admin, "validate_module_spec", {"spec": two_model_spec()})
        self.assertTrue(answer["valid"])
        self.assertEqual(answer["spec"]["depends"], ["base", "mail"])

    def test_build_offers_the_zip_and_is_audited(self):
        self.enable()
        audit_start = self.last_audit_id()
        answer = self.tool_ok(self.secret_admin, "build_module", {"spec": two_model_spec()})
        build = self.env["mcp.module.build"].browse(answer["build_id"])
        self.assertEqual((build.name, build.state, build.spec_hash), ("equipment_loans", "built", answer["spec_hash"]))
        self.assertIn({"path": "models/equipment_loan.py", "size": len(
            zipfile.ZipFile(io.BytesIO(build._zip_bytes())).read("equipment_loans/models/equipment_loan.py"))},
            answer["files"])
        contents = self.rpc(self.secret_admin, "resources/read", {"uri": answer["uri"]})["contents"][0]
        self.assertEqual(contents["mimeType"], "application/zip")
        names = zipfile.ZipFile(io.BytesIO(base64.b64decode(contents["blob"]))).namelist()
        self.assertIn("equipment_loans/__manifest__.py", names)
        row = self.audit_rows(audit_start, tool="build_module")
        self.assertEqual((row.tool, row.status, row.module_spec_hash), ("build_module", "success", build.spec_hash))
        self.assertEqual(build.generated_module_id.name, "equipment_loans")
        listed = self.tool_ok(self.secret_admin, "list_generated_modules")["modules"]
        self.assertEqual([(m["name"], m["build_ids"]) for m in listed], [("equipment_loans", [build.id])])
        schema = self.rpc(self.secret_admin, "resources/read", {"uri": "odoo://module-builder/spec-schema"})
        self.assertIn("models", json.loads(schema["contents"][0]["text"])["properties"])

    def test_invalid_spec_is_not_built(self):
        self.enable()
        spec = two_model_spec(name="base_setup")
        text = self.tool_error(self.secret_admin, "build_module", {"spec": spec}, "$.name", "already exists")
        self.assertIn("1 error", text)
        self.assertFalse(self.env["mcp.module.build"].search([]))

    def test_install_refused_with_a_clear_reason(self):
        self.enable()
        build_id = self.tool_ok(self.secret_admin, "build_module", {"spec": two_model_spec()})["build_id"]
        self.tool_error(self.secret_admin, "install_module", {"build_id": build_id},
                        "cannot be installed while Odoo runs its own tests")
        self.tool_error(self.secret_admin, "upgrade_module", {"build_id": 999999}, "Unknown build")
