"""MCP tool ``reindex_knowledge``: read documents into the knowledge index again, now or as a background job.

For MCP Administrators, when the index is enabled in Settings. Only attachments the key may read are touched:
Odoo's rules for the key's user (``ir.attachment`` search), then the key's profile as ``read_attachment``
applies it. Each document is read in a savepoint (a damaged file fails alone, with its reason); progress is
reported per document, so a job (``background``, or a task for clients of the Tasks extension) shows how far
it got and stops at the next document when cancelled, the documents read so far rolled back with it.
"""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool

MAX_DOCUMENTS = 1000
FAILURES_SHOWN = 20
REINDEX_INPUT = {"properties": {
    "model": {"type": "string", "description": "Only documents attached to records of this model."},
    "record": {"type": "integer", "description": "Only documents of this record (give model too)."},
    "attachment_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": MAX_DOCUMENTS,
                       "description": "Only these attachments."},
    "only_failed": {"type": "boolean", "description": "Only documents whose last reading failed."},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_DOCUMENTS, "description": "Default 200."},
    "offset": {"type": "integer", "minimum": 0, "description": "Skip this many matching attachments."}},
    "additionalProperties": False}
REINDEX_OUTPUT = {"type": "object", "properties": {
    "documents": {"type": "integer"}, "indexed": {"type": "integer"}, "failed": {"type": "integer"},
    "skipped": {"type": "integer"}, "has_more": {"type": "boolean"}, "next_offset": {"type": "integer"},
    "failures": {"type": "array", "items": {"type": "object", "properties": {
        "attachment_id": {"type": "integer"}, "name": {"type": "string"}, "error": {"type": "string"}}}}},
    "required": ["documents", "indexed", "failed", "skipped", "has_more", "failures"]}


class McpToolsKnowledgeReindex(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _tool_available(self, spec, call):
        available = super()._tool_available(spec, call)
        if not available or spec.name != "reindex_knowledge":
            return available
        return self.env.user.has_group("mcp_server.group_mcp_admin") and \
            self.env["mcp.knowledge.document"].sudo()._index_settings()["enabled"]

    @mcp_tool(
        "reindex_knowledge", "Re-index documents",
        "Read the documents attached to records into the knowledge index again (after a file changed, a failed "
        "reading, or a change of language or embedding settings), so that search_knowledge finds their current "
        "text. Answers how many were indexed or failed (with the reasons). Long: give background: true to run it "
        "as a job (clients of the Tasks extension get a task).",
        REINDEX_INPUT, REINDEX_OUTPUT, risk="write", idempotent=True, background=True)
    def _tool_reindex_knowledge(self, call, args):
        if args.get("record") and not args.get("model"):
            raise ToolError(_("Give the model of the record too."))
        if args.get("model"):
            call.policy.check_model(self.env, args["model"], "read")
        attachments, has_more = self._reindex_attachments(call, args)
        Document = self.env["mcp.knowledge.document"].sudo()
        if args.get("only_failed"):
            failed = Document.search([("attachment_id", "in", attachments.ids), ("state", "=", "failed")])
            attachments = failed.attachment_id
        documents = Document._queue_attachments(attachments)
        call.note(model="ir.attachment", record_ids=documents.attachment_id.ids)
        for done, document in enumerate(documents, start=1):
            document._index_documents()
            call.report_progress(done, len(documents), document.name)
        failures = documents.filtered(lambda document: document.state == "failed")
        answer = {"documents": len(documents), "indexed": len(documents) - len(failures), "failed": len(failures),
                  "skipped": len(attachments) - len(documents), "has_more": has_more,
                  "failures": [{"attachment_id": document.attachment_id.id, "name": document.name,
                                "error": document.error or ""} for document in failures[:FAILURES_SHOWN]]}
        if has_more:
            answer["next_offset"] = (args.get("offset") or 0) + (args.get("limit") or 200)
        return answer

    @api.model
    def _reindex_attachments(self, call, args):
        """``(attachments, has_more)``: one page of the files the call names that the key may read."""
        domain = [("res_field", "=", False), ("type", "=", "binary"), ("res_model", "!=", False)]
        if args.get("model"):
            domain.append(("res_model", "=", args["model"]))
        if args.get("record"):
            domain.append(("res_id", "=", args["record"]))
        if "attachment_ids" in args:
            domain.append(("id", "in", args["attachment_ids"]))
        limit = args.get("limit") or 200
        found = self.env["ir.attachment"].search(domain, offset=args.get("offset") or 0, limit=limit + 1,
                                                 order="id")  # Odoo's rules for the key's user
        return self._readable_attachments(call.policy, found[:limit]), len(found) > limit
