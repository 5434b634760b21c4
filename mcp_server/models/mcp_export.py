"""Files produced for an MCP caller (exports, rendered reports), readable by that caller only."""
import base64
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq

FORMATS = [("csv", "CSV"), ("xlsx", "Excel"), ("pdf", "PDF"), ("html", "HTML")]
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html",
}
LIFETIME_HOURS = 24


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
            "user_id": call.credential.user_id,
            "credential_ref": call.credential.ref,
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

    @api.autovacuum
    def _gc_expired_exports(self):
        """Delete exports past their lifetime (their attachments go with them)."""
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
