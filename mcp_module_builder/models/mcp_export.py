"""ZIP files among the caller's downloadable files (a build of the module builder)."""
from odoo import fields, models

ZIP_MIMETYPE = "application/zip"


class McpExport(models.Model):
    _inherit = "mcp.export"

    file_format = fields.Selection(selection_add=[("zip", "ZIP")], ondelete={"zip": "cascade"})

    @property
    def mimetype(self):
        return ZIP_MIMETYPE if self.file_format == "zip" else super().mimetype
