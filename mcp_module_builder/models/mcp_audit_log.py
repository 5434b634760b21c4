"""The spec hash of module builds and installs on their audit rows."""
from odoo import api, fields, models


class McpAuditLog(models.Model):
    _inherit = "mcp.audit.log"

    module_spec_hash = fields.Char(string="Module spec SHA-256", readonly=True, index=True,
                                   help="The specification a module build, install or upgrade used.")

    @api.model
    def _log_values(self, entry, log_payloads):
        values = super()._log_values(entry, log_payloads)
        values["module_spec_hash"] = entry.get("module_spec_hash")
        return values
