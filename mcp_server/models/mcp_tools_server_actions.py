"""What a key may run on a model besides create/write/unlink: form buttons and server actions.

Buttons are read from the model's main form view as the key's user sees it (``get_views`` drops the
buttons of groups the user is not in). Server actions run through ``ir.actions.server.run`` as the key's
user, so the action's own groups and the user's access rights apply; the key's profile lists which ones
(per model, in the model's access rule, beside the callable methods).
"""
from lxml import etree

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import CONTEXT, IDS


class McpToolsServerActions(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _form_buttons(self, model):
        """``[{method, label, invisible}]``: the object buttons of the model's main form view for this user.

        ``invisible`` is the condition (Odoo's view syntax, e.g. ``state != 'draft'``) under which the button is
        hidden; empty when it always shows. A method on several buttons shows when any of them does.
        """
        try:
            arch = model.get_views([(False, "form")])["views"]["form"]["arch"]
        except (AccessError, UserError, ValueError, KeyError):
            return []
        buttons = {}
        for node in etree.fromstring(arch).iter("button"):
            name = node.get("name") or ""
            if node.get("type") != "object" or not name.isidentifier() or name.startswith("_"):
                continue
            condition = (node.get("invisible") or "").strip()
            button = buttons.setdefault(name, {"method": name, "label": node.get("string") or "", "hidden": []})
            button["label"] = button["label"] or node.get("string") or ""
            button["hidden"].append(condition)
        result = []
        for button in buttons.values():
            hidden = button.pop("hidden")
            button["invisible"] = "" if not all(hidden) else hidden[0] if len(set(hidden)) == 1 else " and ".join(
                "(%s)" % condition for condition in dict.fromkeys(hidden))
            result.append(button)
        return result

    @api.model
    def _runnable_actions(self, model, policy):
        """The buttons and server actions of ``model`` this key may run (for ``describe_model``)."""
        if not policy.allows(model._name, "write"):
            return {"buttons": [], "server_actions": []}
        buttons = [button for button in self._form_buttons(model)
                   if policy.method_allowed(model._name, button["method"])]
        action_ids = policy.server_action_ids().get(model._name, ())
        actions = self.env["ir.actions.server"].sudo().browse(sorted(action_ids)).exists()  # names only
        return {"buttons": buttons, "server_actions": [{"id": action.id, "name": action.name} for action in actions]}

    @mcp_tool(
        "run_server_action", "Run a server action",
        "Run a server action (Odoo's Actions menu: e.g. send reminders, recompute, mark as...) on records, as this "
        "key's user. Only the actions the administrator allowed for this key can run; describe_model lists them per "
        "model. 'action' is the id, the external id (module.name) or the exact name.",
        {"properties": {
            "action": {"type": "string", "description": "Action id (as text), external id or exact name."},
            "ids": IDS, "context": CONTEXT},
         "required": ["action", "ids"], "additionalProperties": False},
        {"type": "object", "properties": {
            "server_action": {"type": "object"}, "model": {"type": "string"},
            "ids": {"type": "array", "items": {"type": "integer"}}, "result": {}, "action": {"type": "object"},
            "note": {"type": "string"}},
         "required": ["server_action", "model", "ids"]},
        risk="write", operation="write")
    def _tool_run_server_action(self, call, args):
        action, model_name = self._allowed_server_action(call.policy, args["action"])
        model = self._model_env(call, model_name, "write", args.get("context"))
        call.note(model=model._name, record_ids=args["ids"])
        records = call.policy.check_ids_in_scope(model, args["ids"])
        runner = self.env["ir.actions.server"].browse(action.id).with_context(
            model.env.context, active_model=model._name, active_ids=records.ids, active_id=records.ids[0])
        outcome = runner.run()
        if call.policy.record_domain(model._name):
            outside = set(records.exists().ids) - call.policy.ids_in_scope(model, records.exists().ids)
            if outside:
                raise AccessDeniedByPolicy(_("This action would move record(s) %s outside the records this key may "
                                             "reach; nothing was changed.", sorted(outside)))
        # The answer as call_method shapes it: no record data, only records the key may reach.
        result = dict(self._method_result(outcome, call), server_action={"id": action.id, "name": action.name},
                      model=model._name, ids=records.ids)
        if call.dry_run:
            call.changes.append({"operation": "run_server_action", "model": model._name, "ids": records.ids,
                                 "action": action.name})
        return result

    @api.model
    def _allowed_server_action(self, policy, reference):
        """``(action, model name)`` of an allowed server action given by id, external id or name."""
        allowed = {action_id: model_name for model_name, ids in policy.server_action_ids().items()
                   for action_id in ids}
        # Looked up among the allowed actions only (reading ir.actions.server is for administrators).
        actions = self.env["ir.actions.server"].sudo().browse(sorted(allowed)).exists()
        reference = str(reference).strip()
        found = actions.filtered(lambda action: str(action.id) == reference)
        if not found and "." in reference:
            record = self.env.ref(reference, raise_if_not_found=False)
            found = actions.filtered(lambda action: record is not None and action == record)
        if not found:
            found = actions.filtered(lambda action: action.name == reference)
        if len(found) != 1:
            names = ", ".join("%s (id %s)" % (action.name, action.id) for action in actions[:20]) or _("none")
            message = _("Server action '%(ref)s' is not allowed for this key, or is ambiguous. Allowed: %(names)s.",
                        ref=reference[:100], names=names)
            raise (ToolError(message) if len(found) > 1 else AccessDeniedByPolicy(message))
        if found.model_id.model not in self.env:
            raise ToolError(_("The model of server action %s is not installed.", found.name))
        return found, found.model_id.model
