"""The generated modules folder: on the addons path, writable, apart from Odoo and installed modules."""
import os
import shutil
import tempfile

import odoo
from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

from ..lib.folder import folder_problem


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
