"""The generated modules folder: on the addons path, writable, apart from Odoo and installed modules."""
import base64
import os
import shutil
import tempfile

import odoo
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user, tagged

from ..lib.builder import zip_module
from ..lib.folder import folder_problem
from .common import two_model_spec


@tagged("post_install", "-at_install")
class TestFolder(TransactionCase):

    def problem(self, folder):
        return self.env["mcp.module.installer"]._folder_problem(folder)

    def test_refusals(self):
        self.assertIn("No folder", self.problem(""))
        self.assertIn("absolute path", self.problem("generated"))
        self.assertIn("does not exist", self.problem("/nonexistent/generated"))
        outside = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, outside)
        self.assertIn("not on Odoo's addons path", self.problem(outside))
        odoo_addons = os.path.join(os.path.dirname(odoo.__file__), "addons")
        self.assertIn("inside Odoo's own addons", self.problem(odoo_addons))
        module_folder = os.path.join(get_module_path("mcp_server"), "static")
        self.assertIn("inside the installed module mcp_server", self.problem(module_folder))
        repository = os.path.dirname(get_module_path("mcp_server"))
        self.assertIn("holds the installed module", self.problem(repository))

    def test_accepted_folder(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.patch(odoo.addons, "__path__", [*odoo.addons.__path__, folder])
        self.assertIsNone(folder_problem(folder, ["base", "mcp_server"]))

    def test_settings_refuse_a_bad_folder(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["res.config.settings"].create({
                "mcp_module_builder_enabled": True, "mcp_module_builder_folder": "/nonexistent/generated"})
        self.assertIn("does not exist", str(caught.exception))

    def test_write_replaces_only_builder_modules(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        spec, _errors = self.env["mcp.module.installer"]._validate(two_model_spec())
        build = self.env["mcp.module.build"]._create_from_spec(spec, False)
        target = build._write_to(folder)
        self.assertTrue(os.path.isfile(os.path.join(target, "models", "equipment_loan.py")))
        with open(os.path.join(target, "stale.txt"), "w") as stale:
            stale.write("from an older version")
        build._write_to(folder)
        self.assertFalse(os.path.exists(os.path.join(target, "stale.txt")), "a new version replaces the folder")
        self.assertEqual(sorted(os.listdir(folder)), ["equipment_loans"], "no staging folder is left behind")
        shutil.rmtree(target)
        os.makedirs(target)
        with self.assertRaises(UserError):
            build._write_to(folder)

    def test_only_what_the_spec_renders_is_written(self):
        # The stored ZIP is for review; a ZIP changed after the build (here as superuser) is never installed.
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        spec, _errors = self.env["mcp.module.installer"]._validate(two_model_spec())
        build = self.env["mcp.module.build"]._create_from_spec(spec, False)
        planted = zip_module("equipment_loans", {"__init__.py": "import os\nos.system('touch /tmp/owned')\n"})
        build.zip_file = base64.b64encode(planted)
        target = build._write_to(folder)
        with open(os.path.join(target, "__init__.py"), encoding="utf-8") as init:
            self.assertNotIn("os.system", init.read())
        self.assertTrue(os.path.isfile(os.path.join(target, "models", "equipment_loan.py")))

    def test_builds_are_read_only_for_mcp_administrators(self):
        # An MCP Administrator who is not a Settings administrator cannot change what an admin installs later.
        spec, _errors = self.env["mcp.module.installer"]._validate(two_model_spec())
        build = self.env["mcp.module.build"]._create_from_spec(spec, False)
        mcp_admin = new_test_user(self.env, login="mcp_admin_builds",
                                  groups="base.group_user,mcp_server.group_mcp_admin")
        for record, values in ((build, {"spec_json": "{}"}), (build, {"zip_file": base64.b64encode(b"x")}),
                               (build.generated_module_id, {"name": "sale"})):
            with self.assertRaises(AccessError):
                record.with_user(mcp_admin).write(values)
        self.assertTrue(build.with_user(mcp_admin).read(["spec_hash"]))
