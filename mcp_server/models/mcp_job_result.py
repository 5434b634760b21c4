"""How a background job's result reads in the back office: its text, and the file it produced to download."""
import json
import re

from odoo import api, fields, models

EXPORT_URI = re.compile(r"^odoo://export/(\d+)$")
TEXT_PREVIEW_CHARS = 4000
# Base64 file contents inside a JSON answer: replaced by a short marker in the preview.
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}")


class McpJobResult(models.Model):
    _inherit = "mcp.job"

    result_text = fields.Text(string="Answer", compute="_compute_result_display",
                              help="What the tool answered, files left out (download them below).")
    result_file = fields.Binary(string="File", compute="_compute_result_display")
    result_filename = fields.Char(compute="_compute_result_display")

    @api.depends("result")
    def _compute_result_display(self):
        for job in self:
            text, export = job._result_parts()
            job.result_text = text
            job.result_file = export.data if export else False
            job.result_filename = export.name if export else False

    def _result_parts(self):
        """``(text without file contents, mcp.export of the first file)`` of the stored tool result."""
        self.ensure_one()
        try:
            result = json.loads(self.result or "null")
        except ValueError:
            return self.result, None
        if not isinstance(result, dict):
            return self.result, None
        texts, export = [], None
        for block in result.get("content") or []:
            uri = block.get("uri") or (block.get("resource") or {}).get("uri") or ""
            match = EXPORT_URI.match(uri)
            if match and export is None:
                # Bookkeeping: the job's own file, shown to the administrators who may read the job.
                export = self.env["mcp.export"].sudo().browse(int(match.group(1))).exists() or None
            if block.get("type") == "text":
                texts.append(block["text"])
        text = BASE64_RUN.sub("[file content]", "\n".join(texts))
        if len(text) > TEXT_PREVIEW_CHARS:
            text = text[:TEXT_PREVIEW_CHARS] + "…"
        return text or False, export
