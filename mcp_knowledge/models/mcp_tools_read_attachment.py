"""``read_attachment`` with paging through the extracted text of indexed documents.

Without ``offset``/``length`` the tool answers as before (text files as text, others in base64). With
either, it answers a page of the document's extracted text (PDF, Office, e-mail...: what
``search_knowledge`` searched), the page number it starts on, and the offset of the next page.
The same access rule applies (``_check_attachment``).
"""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool

from ..lib.extraction import ExtractionError, extract_text, file_type

DEFAULT_PAGE_CHARS = 8000
MAX_PAGE_CHARS = 50000


class McpToolsReadAttachment(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @mcp_tool(
        "read_attachment", "Read an attachment",
        "Text as text, others as base64 (size capped). With offset and/or length: a page of the text extracted "
        "from the document (PDF, Office, e-mail, HTML...), e.g. at a search_knowledge passage's offset. Only "
        "attachments of records this key may read in full (no field list, within its domain), or any when "
        "ir.attachment is granted.",
        {"properties": {
            "attachment_id": {"type": "integer"},
            "offset": {"type": "integer", "minimum": 0, "description": "First character of the extracted text."},
            "length": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_CHARS,
                       "description": "Characters to read (default %s)." % DEFAULT_PAGE_CHARS}},
         "required": ["attachment_id"], "additionalProperties": False},
        {"type": "object", "properties": {
            "attachment_id": {"type": "integer"}, "name": {"type": "string"}, "mimetype": {"type": "string"},
            "size": {"type": "integer"}, "text": {"type": "string"}, "base64": {"type": "string"},
            "model": {"type": ["string", "null"]}, "res_id": {"type": ["integer", "null"]},
            "offset": {"type": "integer"}, "page": {"type": "integer"}, "total_chars": {"type": "integer"},
            "next_offset": {"type": ["integer", "null"]}},
         "required": ["attachment_id", "name"]},
        operation="read")
    def _tool_read_attachment(self, call, args):
        if "offset" not in args and "length" not in args:
            return super()._tool_read_attachment(call, args)
        attachment = self._check_attachment(call, args["attachment_id"])
        owner = attachment.sudo()
        res_model, res_id = owner.res_model or None, owner.res_id or None
        call.note(model=res_model or "ir.attachment", record_ids=[res_id or attachment.id])
        attachment.check_access("read")
        text = self._extracted_text(attachment)
        offset = args.get("offset") or 0
        end = offset + (args.get("length") or DEFAULT_PAGE_CHARS)
        return {"attachment_id": attachment.id, "name": attachment.name, "mimetype": attachment.mimetype or "",
                "size": attachment.file_size, "model": res_model, "res_id": res_id, "text": text[offset:end],
                "offset": offset, "page": text.count("\f", 0, offset) + 1, "total_chars": len(text),
                "next_offset": end if end < len(text) else None}

    @api.model
    def _extracted_text(self, attachment):
        """The document's text: from the index when it is indexed, else extracted now."""
        document = self.env["mcp.knowledge.document"].sudo().search(
            [("attachment_id", "=", attachment.id), ("state", "=", "done")], limit=1)
        if document:
            return document.text or ""
        owner = attachment.sudo()
        kind = file_type(owner.name, owner.mimetype)
        try:
            return extract_text(self.env["ir.attachment"], owner.raw or b"", kind)
        except ExtractionError as exc:
            raise ToolError(_("No text can be read from attachment %(id)s: %(reason)s.", id=attachment.id,
                              reason=exc)) from None
