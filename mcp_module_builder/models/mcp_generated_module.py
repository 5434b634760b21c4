"""Modules made by the builder: their current spec, builds and install state."""
import json

from odoo import api, fields, models


class McpGeneratedModule(models.Model):
    _name = "mcp.generated.module"
    _description = "MCP Generated Module"
    _order = "name"

    name = fields.Char(string="Technical name", required=True, readonly=True, index=True)
    title = fields.Char(readonly=True)
    spec_json = fields.Text(string="Installed specification", readonly=True)
    spec_hash = fields.Char(string="Specification SHA-256", readonly=True)
    version = fields.Char(readonly=True)
    # Computed by name: the module's row is created by another transaction than the one recording the install.
    module_id = fields.Many2one("ir.module.module", string="Odoo module", compute="_compute_module_id")
    state = fields.Selection(lambda self: self.env["ir.module.module"]._fields["state"].selection,
                             string="Install state", compute="_compute_module_id")
    build_ids = fields.One2many("mcp.module.build", "generated_module_id", string="Builds", readonly=True)
    installed_build_id = fields.Many2one("mcp.module.build", string="Installed build", readonly=True)
    installed_by_id = fields.Many2one("res.users", string="Installed by", readonly=True)
    installed_at = fields.Datetime(readonly=True)

    _sql_constraints = [("name_unique", "unique(name)", "A generated module has one record.")]

    @api.depends("name")
    def _compute_module_id(self):
        modules = self.env["ir.module.module"].search([("name", "in", self.mapped("name"))])
        by_name = {module.name: module for module in modules}
        for generated in self:
            generated.module_id = by_name.get(generated.name, modules.browse())
            generated.state = generated.module_id.state

    @api.model
    def _for_name(self, name):
        return self.search([("name", "=", name)], limit=1)

    def _record_install(self, build):
        """Note that ``build`` is now what this module runs."""
        self.write({
            "title": build.title,
            "spec_json": build.spec_json,
            "spec_hash": build.spec_hash,
            "version": json.loads(build.spec_json)["version"],
            "installed_build_id": build.id,
            "installed_by_id": self.env.uid,
            "installed_at": fields.Datetime.now(),
        })

    def _summary(self):
        """What list_generated_modules answers for one module."""
        self.ensure_one()
        return {"name": self.name, "title": self.title or "", "state": self.state or "not installed",
                "version": self.version or "", "spec_hash": self.spec_hash or "",
                "build_ids": self.build_ids.ids, "installed_build_id": self.installed_build_id.id or 0}
