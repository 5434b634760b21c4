"""MCP prompts and argument completion."""
import json

from odoo import _, models
from odoo.osv import expression
from odoo.tools import html2plaintext

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError, ToolError
from ..services import RecordAccess, Vocabulary

MAX_COMPLETIONS = 100
MAX_MESSAGES = 10
MAX_MESSAGE_CHARS = 300


def _prompt_definitions():
    return [
        {"name": "explore_model", "title": _("Explore a model"),
         "description": _("Understand a model: its fields, how many records there are, and a few examples."),
         "arguments": [{"name": "model", "description": _("Technical model name, e.g. res.partner"),
                        "required": True}]},
        {"name": "summarize_record", "title": _("Summarise a record"),
         "description": _("Summarise one record with its recent chatter messages."),
         "arguments": [{"name": "model", "description": _("Technical model name"), "required": True},
                       {"name": "record_id", "description": _("Record id"), "required": True}]},
        {"name": "find_by_term", "title": _("Find records by a business term"),
         "description": _("List the records a business word names here (a customer, an open deal), as the "
                          "administrators defined it for this company (resolve_term)."),
         "arguments": [{"name": "term", "description": _("Business term, e.g. customer"), "required": True},
                       {"name": "question", "description": _("What to find out about them"), "required": False}]},
    ]


class McpServerPrompts(models.AbstractModel):
    _inherit = "mcp.server"

    def _rpc_prompts_list(self, params, call):
        return self._paginate(self._prompt_descriptions(call), params, "prompts")

    def _prompt_descriptions(self, call):
        """The prompts of this server (the same for every credential)."""
        return self._with_icons(_prompt_definitions(), call, self._addon_icon_path("mcp_server"))

    def _rpc_prompts_get(self, params, call):
        name = params.get("name")
        arguments = params.get("arguments") or {}
        definitions = {p["name"]: p for p in _prompt_definitions()}
        if name not in definitions:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Unknown prompt: %s", name))
        if not isinstance(arguments, dict):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("'arguments' must be an object."))
        missing = [a["name"] for a in definitions[name]["arguments"] if a["required"] and not arguments.get(a["name"])]
        if missing:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Missing prompt argument(s): %s", ", ".join(missing)))
        try:
            return getattr(self, "_prompt_%s" % name)(arguments, call)
        except ToolError as exc:
            if exc.status == "denied":
                call.audit["status"] = "denied"
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, exc.message) from None

    def _prompt_explore_model(self, arguments, call):
        model = call.policy.check_model(self.env, arguments["model"], "read")
        text = _(
            "Explore the Odoo model %(model)s (%(label)s). First read the resource odoo://model/%(model)s/schema "
            "or call describe_model to learn its fields. Then call search_count for the number of records, and "
            "search_read with limit 5 and the default fields for examples. Summarise what the model holds, its "
            "most useful fields for filtering, and suggest three questions the data can answer. When a question "
            "names records by a business word (a customer, an open deal), call resolve_term for the model and the "
            "domain this company gives it instead of guessing a filter.",
            model=model._name, label=model._description)
        return {"description": _("Explore %s", model._name),
                "messages": [{"role": "user", "content": {"type": "text", "text": text}}]}

    def _prompt_summarize_record(self, arguments, call):
        try:
            record_id = int(arguments["record_id"])
        except (TypeError, ValueError):
            raise ToolError(_("record_id must be an integer.")) from None
        uri = "odoo://record/%s/%s" % (arguments["model"], record_id)
        data = self._read_resource(uri, call)
        messages = self._recent_messages(arguments["model"], record_id, call)
        text = _("Summarise this %(model)s record for a busy colleague: what it is, its status, amounts and "
                 "dates that matter, and what happened recently (chatter below). Keep it under 150 words.",
                 model=arguments["model"])
        content = [{"role": "user", "content": {"type": "text", "text": text}},
                   {"role": "user", "content": {"type": "resource", "resource": {
                       "uri": uri, "mimeType": "application/json", "text": json.dumps(data, default=str)}}}]
        if messages:
            content.append({"role": "user", "content": {"type": "text", "text": _("Recent chatter:\n") + messages}})
        return {"description": _("Summarise %s", uri), "messages": content}

    def _recent_messages(self, model_name, record_id, call):
        """The last chatter messages, read as the record tools read (mail.message and res.partner rules apply)."""
        policy = call.policy
        if not policy.allows("mail.message", "read"):
            return ""
        Message = self.env["mail.message"]
        messages = Message.search(expression.AND([
            [("model", "=", model_name), ("res_id", "=", record_id), ("message_type", "!=", "user_notification")],
            policy.record_domain("mail.message")]), limit=MAX_MESSAGES, order="id desc")
        names = [name for name in ("date", "author_id", "body") if policy.field_allowed(Message, name)]
        rows, _failed = RecordAccess(self.env, policy).read(messages, names)
        lines = []
        for row in rows:
            author = row.get("author_id") or {}
            label = author.get("name") or (_("partner #%s", author["id"]) if author.get("id") else "")
            text = html2plaintext(row["body"])[:MAX_MESSAGE_CHARS] if row.get("body") else ""
            lines.append(" ".join(part for part in ("-", row.get("date"), label and label + ":", text) if part))
        return "\n".join(lines)

    def _rpc_completion_complete(self, params, call):
        ref = params.get("ref") or {}
        argument = params.get("argument") or {}
        if not isinstance(ref, dict) or not isinstance(argument, dict):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("completion/complete needs 'ref' and 'argument' objects."))
        values = self._completion_values(argument.get("name"), str(argument.get("value") or "").lower(), call)
        return {"completion": {"values": values[:MAX_COMPLETIONS], "total": len(values),
                               "hasMore": len(values) > MAX_COMPLETIONS}}

    def _completion_values(self, name, value, call):
        """Completions of argument ``name`` (``model`` or ``term``) for the lowercased partial ``value``."""
        if name == "model":
            candidates = call.policy.model_names()
        elif name == "term":
            candidates = list(dict.fromkeys(term.term for term in Vocabulary(self.env, call.policy).usable_terms()))
        else:
            return []
        values = [c for c in candidates if value in c.lower()]
        values.sort(key=lambda c: (not c.lower().startswith(value), c))
        return values

    def _prompt_find_by_term(self, arguments, call):
        resolved = Vocabulary(self.env, call.policy).resolve(arguments["term"])
        text = _(
            "Here, '%(term)s' means records of %(model)s matching the domain %(domain)s (%(description)s). Call "
            "search_read on %(model)s with that domain (and describe_model for the fields worth showing) to list "
            "them. For other business words in the request, call resolve_term first rather than guessing a model "
            "or a filter.", term=resolved["term"], model=resolved["model"], description=resolved["description"]
            or _("no description"), domain=json.dumps(resolved["domain"]))
        if arguments.get("question"):
            text += "\n" + _("Then answer: %s", str(arguments["question"])[:500])
        return {"description": _("Records meaning '%s'", resolved["term"]),
                "messages": [{"role": "user", "content": {"type": "text", "text": text}}]}
