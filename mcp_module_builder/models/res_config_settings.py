"""Settings of the module builder: the switch and the folder generated modules are written to."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .mcp_module_installer import PARAM_ENABLED, PARAM_FOLDER


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_module_builder_enabled = fields.Boolean(
        string="Module builder", config_parameter=PARAM_ENABLED,
        help="Let MCP Administrators' full-scope keys generate, install and upgrade small modules.")
    mcp_module_builder_folder = fields.Char(
        string="Generated modules folder", config_parameter=PARAM_FOLDER,
        help="An absolute path on Odoo's addons path, writable by Odoo, outside Odoo's own addons and outside "
             "every installed module.")

    @api.constrains("mcp_module_builder_enabled", "mcp_module_builder_folder")
    def _check_mcp_module_builder_folder(self):
        for settings in self.filtered("mcp_module_builder_enabled"):
            problem = self.env["mcp.module.installer"]._folder_problem(settings.mcp_module_builder_folder)
            if problem:
                raise ValidationError(_("Module builder: %s", problem))
