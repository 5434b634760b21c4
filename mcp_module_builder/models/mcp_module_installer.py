"""Installs or upgrades a build in the running server, the way Odoo's "Install" button does.

Odoo loads modules only in a new registry built from committed data. The module operation therefore
runs apart from the request's transaction: the files are written, a cursor of its own updates the
module list and marks the module (committed), ``Registry.new(update_module=True)`` loads it (and tells
the other workers), and a cursor of the new registry reads what it added. The request then records
the outcome in its own transaction.
"""
import json
import sys

import psycopg2

from odoo import _, api, models
from odoo.addons.mcp_server.lib.settings import as_text, register_setting
from odoo.exceptions import UserError
from odoo.models import MetaModel
from odoo.modules.registry import Registry
from odoo.tools import str2bool

from ..lib.folder import folder_problem
from ..lib.spec_validator import Catalog, SpecValidator

PARAM_ENABLED = "mcp_module_builder.enabled"
PARAM_FOLDER = "mcp_module_builder.folder"
# Off unless an administrator turned it on: anything but a clear "true" reads as off.
register_setting("module_builder_enabled", PARAM_ENABLED, lambda value: str2bool(value, default=False), "False")
register_setting("module_builder_folder", PARAM_FOLDER, as_text, "")


def forget_python_code(name):
    """Make the next registry import module ``name``'s Python code again (a new version of its models).

    Odoo imports an addon's code once per process; only this process re-imports it. Other workers of a
    prefork server keep the previous code of an upgraded module until they restart.
    """
    MetaModel.module_to_models.pop(name, None)
    package = "odoo.addons.%s" % name
    for qualname in [key for key in sys.modules if key == package or key.startswith(package + ".")]:
        del sys.modules[qualname]


class McpModuleInstaller(models.AbstractModel):
    _name = "mcp.module.installer"
    _description = "MCP Module Installer"

    @api.model
    def _builder_settings(self):
        settings = self.env["mcp.server"]._settings()
        return {"enabled": settings["module_builder_enabled"], "folder": settings["module_builder_folder"]}

    @api.model
    def _folder_problem(self, folder):
        """Why ``folder`` cannot hold generated modules, or ``None``."""
        installed = self.env["ir.module.module"].sudo().search([("state", "=", "installed")]).mapped("name")
        generated = self.env["mcp.generated.module"].sudo().search([]).mapped("name")
        return folder_problem(folder, installed, generated)

    @api.model
    def _validate(self, spec, own_module=None):
        """``(normalised spec, errors)``; ``own_module``: the builder-made module a new version replaces."""
        return SpecValidator(Catalog(self.env, own_module)).validate(spec)

    @api.model
    def _check_can_operate(self, build, upgrade):
        """Raise a UserError telling why ``build`` cannot be installed (or upgraded) now."""
        if self.env.registry.in_test_mode():
            raise UserError(_("Modules cannot be installed while Odoo runs its own tests."))
        if not self.env.user._is_admin():
            raise UserError(_("Installing modules needs an Odoo administrator (Settings access rights)."))
        problem = self._folder_problem(self._builder_settings()["folder"])
        if problem:
            raise UserError(problem)
        generated = build.generated_module_id
        state = self.env["ir.module.module"].search([("name", "=", build.name)], limit=1).state
        if upgrade and (state != "installed" or not generated.installed_build_id):
            raise UserError(_("%s is not an installed module of the module builder: use install_module.", build.name))
        if not upgrade and state in ("installed", "to upgrade", "to install"):
            raise UserError(_("%s is already installed: build its new version and use upgrade_module.", build.name))
        # A module this builder installed before (maybe uninstalled since) is not a name clash with itself.
        own_module = build.name if generated.installed_build_id else None
        _spec, errors = self._validate(json.loads(build.spec_json), own_module)
        if errors:
            raise UserError(_("The build's specification is no longer valid here: %s",
                              "; ".join("%(path)s: %(message)s" % error for error in errors[:10])))

    @api.model
    def _install(self, build, upgrade=False):
        """Install (or upgrade) ``build``; returns ``{state, models, menus}``. Raises UserError."""
        self._check_can_operate(build, upgrade)
        build._write_to(self._builder_settings()["folder"])
        self._mark_module(build.name, upgrade)
        forget_python_code(build.name)
        try:
            Registry.new(self.env.cr.dbname, update_module=True)
        except Exception as exc:  # noqa: BLE001 (any failure to load the module is reported)
            build.write({"state": "failed", "error": str(exc)[:2000]})
            raise UserError(_("Odoo could not load %(module)s: %(error)s", module=build.name,
                              error=str(exc)[:500])) from None
        report = self._loaded_report(build.name)
        build.generated_module_id._record_install(build)
        build.write({"state": "upgraded" if upgrade else "installed", "error": False})
        return report

    @api.model
    def _mark_module(self, name, upgrade):
        """Refresh the module list and mark ``name`` to install or upgrade, in a committed transaction."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, dict(self.env.context))
            try:
                # As Odoo's own buttons do: a scheduled action must not run while modules change.
                cr.execute("SELECT id FROM ir_cron FOR UPDATE NOWAIT")
            except psycopg2.OperationalError:
                raise UserError(_("A scheduled action is running; try again in a moment.")) from None
            Module = env["ir.module.module"]
            Module.update_list()
            module = Module.search([("name", "=", name)])
            if not module:
                raise UserError(_("Odoo does not find %s on its addons path.", name))
            if upgrade:
                module.button_upgrade()
            else:
                module.button_install()

    @api.model
    def _loaded_report(self, name):
        """What the new registry holds of module ``name``: state, models and menus."""
        with Registry(self.env.cr.dbname).cursor() as cr:
            env = api.Environment(cr, self.env.uid, dict(self.env.context))
            module = env["ir.module.module"].search([("name", "=", name)])
            data = env["ir.model.data"].search([("module", "=", name), ("model", "in", ("ir.model", "ir.ui.menu"))])
            model_ids = [row.res_id for row in data if row.model == "ir.model"]
            menu_ids = [row.res_id for row in data if row.model == "ir.ui.menu"]
            return {"state": module.state,
                    "models": sorted(env["ir.model"].browse(model_ids).mapped("model")),
                    "menus": sorted(env["ir.ui.menu"].browse(menu_ids).mapped("complete_name"))}
