"""The prompt ``answer_from_documents``: answer a question from the documents, citing them."""
from odoo import _, models
from odoo.addons.mcp_server.lib import jsonrpc
from odoo.addons.mcp_server.lib.jsonrpc import JsonRpcError

PROMPT_NAME = "answer_from_documents"


def _knowledge_prompt():
    return {"name": PROMPT_NAME, "title": _("Answer from documents"),
            "description": _("Answer a question from the documents attached to records, citing each one used."),
            "arguments": [{"name": "question", "description": _("The question, in plain words"),
                           "required": True}]}


class McpServerPrompts(models.AbstractModel):
    _inherit = "mcp.server"

    def _knowledge_prompt_available(self, call):
        """Offered only to keys that may call search_knowledge, the tool the prompt tells to use."""
        registry = self.env["mcp.tool.registry"]
        spec = registry._catalog().get("search_knowledge")
        return bool(spec) and registry._tool_available(spec, call)

    def _prompt_descriptions(self, call):
        prompts = super()._prompt_descriptions(call)
        if not self._knowledge_prompt_available(call):
            return prompts
        return [*prompts, *self._with_icons([_knowledge_prompt()], call, self._addon_icon_path("mcp_knowledge"))]

    def _rpc_prompts_get(self, params, call):
        if params.get("name") != PROMPT_NAME or not self._knowledge_prompt_available(call):
            return super()._rpc_prompts_get(params, call)
        arguments = params.get("arguments") or {}
        if not isinstance(arguments, dict) or not isinstance(arguments.get("question"), str) \
                or not arguments["question"].strip():
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Missing prompt argument(s): %s", "question"))
        text = _(
            "Answer this question from our documents: %(question)s\n\n"
            "1. Call search_knowledge with the question's distinctive words (mode keyword; try fuzzy when a name "
            "may be misspelt; give model and record when the question names one).\n"
            "2. Read the most relevant passages in context with read_attachment (attachment_id, offset, length).\n"
            "3. Answer only from what the documents say. Cite every document you use as [name, page N] with its "
            "attachment id and the record it belongs to. If the documents do not answer the question, say so "
            "instead of guessing.", question=arguments["question"].strip())
        return {"description": _("Answer from documents"),
                "messages": [{"role": "user", "content": {"type": "text", "text": text}}]}
