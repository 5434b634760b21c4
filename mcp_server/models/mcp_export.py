"""Files produced for an MCP caller (exports, rendered reports), readable by that caller only."""
import base64
import csv
import io
import secrets
from datetime import timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import consteq

from .mcp_session import credential_ref

FORMATS = [("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF"), ("html", "HTML")]
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html",
}
LIFETIME_HOURS = 24
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The CSV text of a cell: formulas neutralised by a leading single quote, as OWASP advises."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class McpExport(models.Model):
    _name = "mcp.export"
    _description = "MCP Export"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, help="File name.")
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade", index=True)
    credential_ref = fields.Char(readonly=True, index=True)
    model = fields.Char(readonly=True)
    file_format = fields.Selection(FORMATS, required=True, readonly=True)
    row_count = fields.Integer(readonly=True)
    data = fields.Binary(attachment=True, readonly=True)
    file_size = fields.Integer(readonly=True)
    access_token = fields.Char(readonly=True, copy=False)
    expires_at = fields.Datetime(readonly=True, required=True)

    @property
    def mimetype(self):
        return MIMETYPES[self.file_format]

    @api.model
    def _store(self, call, name, file_format, content, model_name=None, row_count=0):
        """Keep a generated file for the caller and return the record (bookkeeping runs as superuser)."""
        return self.sudo().create({
            "name": name,
            "user_id": call.credential["user_id"],
            "credential_ref": credential_ref(call.credential),
            "model": model_name,
            "file_format": file_format,
            "row_count": row_count,
            "data": base64.b64encode(content),
            "file_size": len(content),
            "access_token": secrets.token_urlsafe(16),
            "expires_at": fields.Datetime.now() + timedelta(hours=LIFETIME_HOURS),
        })

    def _uri(self):
        return "odoo://export/%s" % self.id

    def _download_url(self, base_url):
        return "%s/mcp/export/%s/%s" % (base_url.rstrip("/"), self.id, self.access_token)

    def _link(self, base_url):
        """An MCP ``resource_link`` content block."""
        return {"type": "resource_link", "uri": self._uri(), "name": self.name, "mimeType": self.mimetype,
                "size": self.file_size, "description": "Download: %s" % self._download_url(base_url)}

    @api.model
    def _for_download(self, export_id, token, user_id):
        """The export if ``token`` matches and it belongs to ``user_id`` and is not expired."""
        export = self.browse(export_id).exists()
        if (export and export.user_id.id == user_id and export.access_token and consteq(export.access_token, token)
                and export.expires_at > fields.Datetime.now()):
            return export
        return self.browse()

    @api.model
    def _write_csv(self, header, rows):
        """CSV (UTF-8 with BOM, for spreadsheets) of ``header`` and ``rows``; no cell can run as a formula."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([csv_cell(title) for title in header])
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _write_xlsx(self, header, rows, sheet_name):
        """XLSX of ``header`` and ``rows``: text is written as text, never as a formula or a link."""
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                                "strings_to_urls": False})
        sheet = workbook.add_worksheet(sheet_name[:31].replace("/", "-"))
        bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
        widths = [min(max(len(str(title)), 8), 50) for title in header]
        for column, title in enumerate(header):
            sheet.write_string(0, column, str(title), bold)
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(index, column, value)
                elif value is not None:
                    sheet.write(index, column, value)
                widths[column] = min(max(widths[column], len(str(value if value is not None else ""))), 50)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width + 2)
        sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()

    @api.autovacuum
    def _gc_expired_exports(self):
        """Delete exports past their lifetime (their attachments go with them)."""
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
