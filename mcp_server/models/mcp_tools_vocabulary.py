"""Business vocabulary tool: ``resolve_term`` turns a word ("customer", "open deal") into a model and a domain."""
from odoo import api, models

from ..services import Vocabulary
from .mcp_tool_registry import mcp_tool

DOMAIN_OUTPUT = {"type": "array", "items": {}}


class McpToolsVocabulary(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _vocabulary(self, policy):
        """``Vocabulary`` as the caller, under ``policy`` (``call.policy``)."""
        return Vocabulary(self.env, policy)

    @mcp_tool(
        "resolve_term", "Resolve a business term",
        "What a business word means in this database: the model and the domain of the records it names (e.g. "
        "'customer' -> res.partner with customer_rank > 0), as defined by the administrators for the user's "
        "company. Use it before searching for records named by a business word; pass model and applied_domain "
        "to search_read. Unknown words get the closest known terms.",
        {"properties": {"term": {"type": "string", "minLength": 1, "maxLength": 100,
                                 "description": "The business word, e.g. 'customer' or 'open deal'."}},
         "required": ["term"], "additionalProperties": False},
        {"type": "object", "properties": {
            "term": {"type": "string"}, "matched": {"type": "string"}, "model": {"type": "string"},
            "domain": DOMAIN_OUTPUT, "applied_domain": DOMAIN_OUTPUT, "description": {"type": "string"},
            "company": {"type": "string"}, "synonyms": {"type": "array", "items": {"type": "string"}}},
         "required": ["term", "model", "domain", "applied_domain"]},
        operation="read", idempotent=True)
    def _tool_resolve_term(self, call, args):
        resolved = self._vocabulary(call.policy).resolve(args["term"])
        call.note(model=resolved["model"])
        return resolved
