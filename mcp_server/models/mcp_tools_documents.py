"""Document tools: exports (CSV/XLSX), QWeb reports (PDF/HTML) and attachments."""
import base64
import re

from odoo import _, api, models
from odoo.addons.base.models import ir_actions_report

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.settings import default as default_setting
from ..lib.suggestions import did_you_mean
from ..services.exports import RecordExport
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import CONTEXT, DOMAIN, FIELDS, IDS, MODEL, ORDER

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_EMBEDDED_BYTES = 2 * 1024 * 1024
FILE_OUTPUT = {
    "type": "object",
    "properties": {"export_id": {"type": "integer"}, "uri": {"type": "string"}, "name": {"type": "string"},
                   "format": {"type": "string"}, "rows": {"type": "integer"}, "size": {"type": "integer"},
                   "download_url": {"type": "string"}, "note": {"type": "string"}},
    "required": ["uri", "name", "format"],
}


class McpToolsDocuments(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _export_row_cap(self):
        return self.env["mcp.server"]._settings()["export_row_cap"] or default_setting("export_row_cap")

    @api.model
    def _file_result(self, call, export, note=None):
        base_url = call.settings.get("base_url") or ""
        structured = {"export_id": export.id, "uri": export._uri(), "name": export.name,
                      "format": export.file_format, "rows": export.row_count, "size": export.file_size,
                      "download_url": export._download_url(base_url)}
        if note:
            structured["note"] = note
        call.extra_content.append(export._link(base_url))
        return structured

    @mcp_tool(
        "export_records", "Export records to a file",
        "The records matching a domain as a CSV or XLSX file: a resource link (odoo://export/<id>) and a "
        "download URL.",
        {"properties": {"model": MODEL, "domain": DOMAIN, "fields": FIELDS, "order": ORDER,
                        "format": {"type": "string", "enum": ["csv", "xlsx"], "description": "Default xlsx."},
                        "limit": {"type": "integer", "minimum": 1, "description": "Row cap (default: Settings)."},
                        "context": CONTEXT},
         "required": ["model"], "additionalProperties": False},
        FILE_OUTPUT, operation="read", background=True, frames_data=False)
    def _tool_export_records(self, call, args):
        model = self._model_env(call, args["model"], "read", args.get("context"))
        call.note(model=model._name)
        cap = self._export_row_cap()
        file_format = args.get("format") or "xlsx"
        content, count = RecordExport(self.env, call.policy).file(
            model, args.get("domain"), args.get("fields"), args.get("order"), min(args.get("limit") or cap, cap),
            file_format, progress=call.report_progress)
        name = "%s.%s" % (re.sub(r"[^a-z0-9_]+", "_", model._name), file_format)
        export = self.env["mcp.export"]._store(call, name, file_format, content, model._name, count)
        note = _("Capped at %s rows.", cap) if count == cap else None
        return self._file_result(call, export, note)

    @mcp_tool(
        "render_report", "Render a report",
        "A QWeb report (e.g. account.report_invoice) as PDF (HTML without wkhtmltopdf, said so): a resource "
        "link and the file in base64. Only when this key may read in full every record it prints.",
        {"properties": {"report": {"type": "string", "description": "Report technical name or XML id."},
                        "ids": IDS, "context": CONTEXT},
         "required": ["report", "ids"], "additionalProperties": False},
        FILE_OUTPUT, background=True, frames_data=False)
    def _tool_render_report(self, call, args):
        report = self._find_report(args["report"])
        model = self._model_env(call, report.model, "read", args.get("context"))
        call.note(model=model._name, record_ids=args["ids"])
        if call.policy.has_field_allowlist(model._name):
            raise AccessDeniedByPolicy(_(
                "Reports on %s are not available with this key: a report prints whole records, and this key reads "
                "them with a field list. An administrator can grant read on %s without a field list.",
                model._name, model._name))
        call.policy.check_ids_in_scope(model, args["ids"])
        content, file_format = self._render_report_checked(call, report.with_env(model.env), args["ids"])
        note = None if file_format == "pdf" else _(
            "wkhtmltopdf is not installed on the server, so the report is HTML instead of PDF.")
        name = "%s.%s" % (re.sub(r"[^A-Za-z0-9_.-]+", "_", report.name or report.report_name), file_format)
        export = self.env["mcp.export"]._store(call, name, file_format, content, model._name, len(args["ids"]))
        if len(content) <= MAX_EMBEDDED_BYTES:
            call.extra_content.append({"type": "resource", "resource": {
                "uri": export._uri(), "mimeType": export.mimetype, "blob": base64.b64encode(content).decode()}})
        return self._file_result(call, export, note)

    @api.model
    def _find_report(self, reference):
        reports = self.env["ir.actions.report"]
        report = self.env.ref(reference, raise_if_not_found=False) if "." in reference else None
        if not report or report._name != "ir.actions.report":
            report = reports.search([("report_name", "=", reference)], limit=1)
        if not report:
            names = reports.search([]).mapped("report_name")
            raise ToolError(_("Unknown report %(report)s.%(hint)s", report=reference,
                              hint=did_you_mean(reference, names)))
        return report

    @api.model
    def _pdf_engine_available(self):
        return ir_actions_report.wkhtmltopdf_state in ("ok", "upgrade")

    @mcp_tool(
        "attach_file", "Attach a file to a record",
        "Attach a file (base64 content) to a record; it appears in the record's attachments.",
        {"properties": {"model": MODEL, "id": {"type": "integer"}, "name": {"type": "string"},
                        "content_base64": {"type": "string"}, "mimetype": {"type": "string"}},
         "required": ["model", "id", "name", "content_base64"], "additionalProperties": False},
        {"type": "object", "properties": {"attachment_id": {"type": "integer"}, "name": {"type": "string"},
                                          "size": {"type": "integer"}}, "required": ["attachment_id"]},
        risk="write", operation="write")
    def _tool_attach_file(self, call, args):
        model = self._model_env(call, args["model"], "write", None)
        call.note(model=model._name, record_ids=[args["id"]])
        record = call.policy.check_ids_in_scope(model, [args["id"]])
        try:
            content = base64.b64decode(args["content_base64"], validate=True)
        except ValueError:
            raise ToolError(_("content_base64 is not valid base64.")) from None
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise ToolError(_("The file is %(size)s bytes; the limit is %(limit)s.", size=len(content),
                              limit=MAX_ATTACHMENT_BYTES))
        record.check_access("write")
        values = {"name": args["name"], "raw": content, "res_model": model._name, "res_id": record.id}
        if args.get("mimetype"):
            values["mimetype"] = args["mimetype"]
        attachment = self.env["ir.attachment"].create(values)
        if call.dry_run:
            call.changes.append({"operation": "create", "model": "ir.attachment", "values": {
                "name": attachment.name, "res_model": model._name, "res_id": record.id, "size": len(content)}})
        return {"attachment_id": attachment.id, "name": attachment.name, "size": len(content)}

    @mcp_tool(
        "read_attachment", "Read an attachment",
        "Text as text, others as base64 (size capped). Only attachments of records this key may read in full (no "
        "field list, within its domain), or any when ir.attachment is granted.",
        {"properties": {"attachment_id": {"type": "integer"}}, "required": ["attachment_id"],
         "additionalProperties": False},
        {"type": "object", "properties": {
            "attachment_id": {"type": "integer"}, "name": {"type": "string"}, "mimetype": {"type": "string"},
            "size": {"type": "integer"}, "text": {"type": "string"}, "base64": {"type": "string"},
            "model": {"type": ["string", "null"]}, "res_id": {"type": ["integer", "null"]}},
         "required": ["attachment_id", "name"]},
        operation="read")
    def _tool_read_attachment(self, call, args):
        attachment = self._check_attachment(call, args["attachment_id"])
        res_model, res_id = attachment.sudo().res_model or None, attachment.sudo().res_id or None
        call.note(model=res_model or "ir.attachment", record_ids=[res_id or attachment.id])
        attachment.check_access("read")
        content = attachment.raw or b""
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise ToolError(_("The attachment is %(size)s bytes, over the %(limit)s bytes limit.",
                              size=len(content), limit=MAX_ATTACHMENT_BYTES))
        result = {"attachment_id": attachment.id, "name": attachment.name, "mimetype": attachment.mimetype,
                  "size": len(content), "model": res_model, "res_id": res_id}
        if (attachment.mimetype or "").startswith("text/") or attachment.mimetype in ("application/json",):
            result["text"] = content.decode("utf-8", errors="replace")
        else:
            result["base64"] = base64.b64encode(content).decode()
        return result
