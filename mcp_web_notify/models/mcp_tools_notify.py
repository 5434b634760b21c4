"""MCP tool ``notify_users``: an agent shows a live notification to people in Odoo.

Policy: the tool is a write-risk tool (scope read_write or full, tool allowlist and approvals apply)
and is offered only to keys whose profile may read ``res.users``: recipients are users the key may
read (its res.users domain and Odoo's record rules apply; a login is looked up only among them), and only
internal users; a user whose name the key may not read is labelled by id ("user #7"). A button may
open one record, which the key must be allowed to read. The message names who sent it.
"""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.lib.tool_schema import Lenient
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool
from odoo.addons.mcp_server.services import RecordAccess

from .res_users import MAX_MESSAGE, MAX_TITLE, TYPES

MAX_RECIPIENTS = 50
TOOL_NAME = "notify_users"


class McpToolsNotify(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _tool_available(self, spec, call):
        available = super()._tool_available(spec, call)
        if spec.name == TOOL_NAME:
            return available and call.policy.allows("res.users", "read")
        return available

    @mcp_tool(
        TOOL_NAME, "Notify users",
        "Show a live notification (a toast) in the Odoo web client of one or more internal users, e.g. to tell "
        "them a task is done. Optionally with a button opening a record. Users who have no Odoo tab open do not "
        "see it: use post_message or schedule_activity for anything that must not be missed.",
        {"properties": {
            "users": {"type": "array", "minItems": 1, "maxItems": MAX_RECIPIENTS,
                      "items": Lenient({"type": "string"}, ("string", "integer"), digits_to_int=True),
                      "description": "Recipients: logins or user ids."},
            "title": {"type": "string", "maxLength": MAX_TITLE},
            "message": {"type": "string", "maxLength": MAX_MESSAGE, "description": "Plain text."},
            "type": {"type": "string", "enum": list(TYPES), "description": "Colour of the toast (default info)."},
            "sticky": {"type": "boolean", "description": "Stay until closed (default: fade after a few seconds)."},
            "record": {"type": "object", "description": "A record the notification's button opens.",
                       "properties": {"model": {"type": "string"}, "id": {"type": "integer"}},
                       "required": ["model", "id"], "additionalProperties": False},
        }, "required": ["users", "title", "message"], "additionalProperties": False},
        {"type": "object", "properties": {
            "notified": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}}}},
            "count": {"type": "integer"}},
         "required": ["notified", "count"]},
        risk="write")
    def _tool_notify_users(self, call, args):
        users = self._notify_recipients(call, args["users"])
        target = None
        if args.get("record"):
            model = call.policy.check_model(self.env, args["record"]["model"], "read")
            target = call.policy.check_ids_in_scope(model, [args["record"]["id"]])
            target.check_access("read")
        call.note(model="res.users", record_ids=users.ids)
        labels = RecordAccess(self.env, call.policy).user_labels(users)
        notified = [{"id": user.id, "name": labels[user.id]} for user in users]
        if call.dry_run:
            # Bus messages leave with the transaction's commit whatever happens: send nothing at all.
            call.changes.append({"operation": TOOL_NAME, "model": "res.users", "ids": users.ids})
            return {"notified": notified, "count": len(notified)}
        message = _("%(message)s\n— %(sender)s, through MCP", message=args["message"], sender=self.env.user.name)
        users._mcp_notify(args["title"], message, args.get("type") or "info", sticky=args.get("sticky", False),
                          target=target)
        return {"notified": notified, "count": len(notified)}

    @api.model
    def _notify_recipients(self, call, references):
        """The users named by id or login, each one readable with this key and internal."""
        Users = call.policy.check_model(self.env, "res.users", "read")
        ids = [ref for ref in references if isinstance(ref, int)]
        # A login is looked up only among the users this key may read.
        ids += [RecordAccess(self.env, call.policy).resolve_user(ref).id for ref in references if isinstance(ref, str)]
        users = call.policy.check_ids_in_scope(Users, list(dict.fromkeys(ids)))
        users.check_access("read")
        labels = RecordAccess(self.env, call.policy).user_labels(users)
        external = users.filtered("share")
        if external:
            raise ToolError(_("Only internal users can be notified; not: %s.",
                              ", ".join(labels[user.id] for user in external)))
        inactive = users.filtered(lambda user: not user.active)
        if inactive:
            raise ToolError(_("These users are archived: %s.", ", ".join(labels[user.id] for user in inactive)))
        return users
