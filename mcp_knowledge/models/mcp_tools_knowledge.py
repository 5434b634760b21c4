"""MCP tool ``search_knowledge``: find passages of the documents attached to records.

Access: the search runs as the key's user. A passage is returned only when

* Odoo lets the user read the attachment, which includes reading its record (``ir.attachment`` search);
* the key's profile may read the attachment's content, as ``read_attachment`` requires (the record's
  model granted without a field list and the record within its domain, or ``ir.attachment`` granted);
* the attached record is within the key's domain of its model and still active.

Candidates come from SQL best first; they are filtered in pages (over-fetching) until ``limit``
passages passed or the candidates ran out (at most ``MAX_SCANNED`` are examined: the answer says so).
"""
from collections import defaultdict

from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool

from . import mcp_knowledge_search

MODES = ("keyword", "fuzzy", "semantic", "hybrid")
MAX_LIMIT = 50
MAX_SCANNED = 5000
RESULT = {"type": "object", "properties": {
    "chunk_id": {"type": "integer"},
    "attachment": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "mimetype": {"type": "string"}}},
    "record": {"type": ["object", "null"], "properties": {
        "model": {"type": "string"}, "id": {"type": "integer"}, "display_name": {"type": "string"}}},
    "page": {"type": "integer"}, "offset": {"type": "integer"}, "score": {"type": "number"},
    "snippet": {"type": "string"}}}


class McpToolsKnowledge(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @mcp_tool(
        "search_knowledge", "Search documents",
        "Search the text of the documents attached to records (contracts, policies, manuals, quotes, invoices: "
        "PDF, Office, text, e-mails). Answers passages, best first, with their attachment, record, page, score "
        "and a snippet with the matches in **bold**; read more of a document with read_attachment (offset). "
        "Modes: keyword (all words; any word when no passage has them all; \"quotes\" for a phrase, -word to "
        "exclude), fuzzy (misspellings and partial words), semantic (meaning, when Settings name an embedding "
        "provider) and hybrid (keyword and semantic together).",
        {"properties": {
            "query": {"type": "string", "minLength": 1, "maxLength": 500},
            "model": {"type": "string", "description": "Only documents attached to records of this model."},
            "record": {"type": "integer", "description": "Only documents of this record (give model too)."},
            "mode": {"type": "string", "enum": list(MODES), "description": "Default keyword."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "description": "Default 10."}},
         "required": ["query"], "additionalProperties": False},
        {"type": "object", "properties": {
            "results": {"type": "array", "items": RESULT}, "count": {"type": "integer"},
            "mode": {"type": "string"}, "match": {"type": "string"}, "note": {"type": "string"}},
         "required": ["results", "count", "mode"]},
        operation="read")
    def _tool_search_knowledge(self, call, args):
        query, mode = args["query"].strip(), args.get("mode") or "keyword"
        if not query:
            raise ToolError(_("Give words to search for."))
        if args.get("record") and not args.get("model"):
            raise ToolError(_("Give the model of the record too."))
        if args.get("model"):
            call.policy.check_model(self.env, args["model"], "read")
        call.note(model=args.get("model") or "ir.attachment")
        limit = args.get("limit") or 10
        Search = self.env["mcp.knowledge.search"]
        any_word = False
        found, exhausted, capped = self._knowledge_passages(call, args, mode, limit, any_word)
        if not found and exhausted and mode == "keyword" and len(query.split()) > 1:
            any_word = True
            found, exhausted, capped = self._knowledge_passages(call, args, mode, limit, any_word)
        if mode == "fuzzy":
            snippets = Search._fuzzy_snippets([row[0] for row in found], query)
        else:
            snippets = Search._keyword_snippets([row[0] for row in found], query, any_word or mode != "keyword")
        results = self._knowledge_results(call, found, snippets)
        answer = {"results": results, "count": len(results), "mode": mode}
        if mode == "keyword":
            answer["match"] = "any word" if any_word else "all words"
        if not exhausted and len(results) < limit:
            answer["note"] = _("Only the %s best passages were examined; narrow the query or give a model.",
                               MAX_SCANNED)
        elif capped:
            answer["note"] = _("These words are in more than %s passages: the first %s found were ranked. Add "
                               "words or give a model to narrow the search.", mcp_knowledge_search.RANK_CAP,
                               mcp_knowledge_search.RANK_CAP)
        return answer

    @api.model
    def _knowledge_passages(self, call, args, mode, limit, any_word):
        """``(rows, exhausted, capped)``: up to ``limit`` readable candidate rows, best first, whether every
        candidate was examined (fetched in growing pages, each filtered through the key's access), and
        whether keyword ranking was capped (see ``_keyword_candidates``)."""
        def keep(rows):
            readable = self._knowledge_readable(call, rows)
            return [row for row in rows if row[1] in readable]
        fetch = self.env["mcp.knowledge.search"]._fetcher(mode, args["query"], args.get("model"), args.get("record"),
                                                          any_word, keep)
        found, offset, page_size = [], 0, max(limit * 4, 40)
        while offset < MAX_SCANNED:
            rows = fetch(page_size, offset)
            found.extend(keep(rows))
            if len(found) >= limit or len(rows) < page_size:
                return found[:limit], True, bool(getattr(fetch, "stats", {}).get("capped"))
            offset += page_size
            page_size = min(page_size * 2, 1000)
        return found[:limit], False, bool(getattr(fetch, "stats", {}).get("capped"))

    @api.model
    def _knowledge_readable(self, call, rows):
        """The attachment ids among the candidate rows whose passages this key may see (module docstring)."""
        attachment_ids = {row[1] for row in rows}
        if not attachment_ids:
            return set()
        attachments = self.env["ir.attachment"].search([("id", "in", list(attachment_ids))])  # Odoo's rules
        readable = set(self._readable_attachments(call.policy, attachments).ids)
        by_model = defaultdict(set)
        for _chunk_id, attachment_id, res_model, res_id, _score in rows:
            if attachment_id in readable and res_model and res_id:
                by_model[res_model].add(res_id)
        reachable = {}
        for res_model, ids in by_model.items():
            if res_model not in self.env:
                reachable[res_model] = set()
                continue
            model = self.env[res_model]
            active = set(model.search([("id", "in", list(ids))]).ids)  # archived records drop out
            reachable[res_model] = active & call.policy.ids_in_scope(model, ids)
        return {row[1] for row in rows if row[1] in readable and (
            not row[2] or not row[3] or row[3] in reachable.get(row[2], ()))}

    @api.model
    def _knowledge_results(self, call, rows, snippets):
        """The answer's passages: attachment, record (labelled as the key may see it), page, score, snippet."""
        chunks = self.env["mcp.knowledge.chunk"].sudo().browse([row[0] for row in rows])  # rows passed the filter
        attachments = {attachment.id: attachment for attachment in self.env["ir.attachment"].browse(
            list({row[1] for row in rows}))}
        labels = self._knowledge_labels(call, rows)
        results = []
        for (chunk_id, attachment_id, res_model, res_id, score), chunk in zip(rows, chunks, strict=True):
            attachment = attachments[attachment_id]
            results.append({
                "chunk_id": chunk_id,
                "attachment": {"id": attachment.id, "name": attachment.name, "mimetype": attachment.mimetype or ""},
                "record": {"model": res_model, "id": res_id, "display_name": labels.get((res_model, res_id), "")}
                if res_model and res_id else None,
                "page": chunk.page, "offset": chunk.char_offset, "score": round(float(score), 4),
                "snippet": snippets.get(chunk_id) or chunk.content[:240]})
        call.note(record_ids=[row[1] for row in rows])
        return results

    @api.model
    def _knowledge_labels(self, call, rows):
        """``{(model, id): label}`` of the attached records, read through the field the key may read."""
        by_model = defaultdict(set)
        for row in rows:
            if row[2] and row[3]:
                by_model[row[2]].add(row[3])
        labels = {}
        for res_model, ids in by_model.items():
            records = self.env[res_model].browse(sorted(ids))
            field = call.policy.label_field(records)
            for record in records:
                labels[(res_model, record.id)] = str(record[field]) if field else "%s #%s" % (res_model, record.id)
        return labels
