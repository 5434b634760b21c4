"""Tools around human approvals."""
import json

from odoo import _, api, models

from ..lib.jsonrpc import ToolError
from .mcp_tool_registry import mcp_tool

SUMMARY_VALUE_LIMIT = 80


class McpToolsApprovals(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @mcp_tool(
        "get_approval_status", "Get approval status",
        "State of a call awaiting human approval (pending, executed with its result, failed, rejected, "
        "expired). Do not resubmit while pending.",
        {"properties": {"approval_id": {"type": "integer", "description": "From the pending answer."}},
         "required": ["approval_id"], "additionalProperties": False},
        {"type": "object", "properties": {
            "approval_id": {"type": "integer"}, "status": {"type": "string"}, "tool": {"type": "string"},
            "summary": {"type": "string"}, "requested_at": {"type": "string"}, "expires_at": {"type": "string"},
            "decided_by": {"type": "string"}, "decided_at": {"type": "string"}, "note": {"type": "string"},
            "result": {}}, "required": ["approval_id", "status"]},
        always_allowed=True)
    def _tool_get_approval_status(self, call, args):
        request = self.env["mcp.approval.request"].sudo().search(
            [("id", "=", args["approval_id"]), ("credential_ref", "=", call.credential.ref)])
        if not request:
            raise ToolError(_("No approval request %s was made with this key.", args["approval_id"]))
        status = request._status_for_agent()
        if request.decided_by:
            status["decided_by"] = self._records(call.policy).approver_labels(request.decided_by)[0]
        return status

    @api.model
    def _approval_summary(self, spec, arguments):
        """One plain-language sentence of what the call would do, for the approver."""
        parts = [_("%(title)s (%(tool)s)", title=spec.title, tool=spec.name)]
        if arguments.get("model"):
            parts.append(_("on %s", arguments["model"]))
        if arguments.get("ids"):
            parts.append(_("records %s", ", ".join(map(str, arguments["ids"][:20]))))
        values = arguments.get("values")
        if isinstance(values, dict) and values:
            shown = ", ".join("%s = %s" % (name, json.dumps(value, ensure_ascii=False, default=str)[
                :SUMMARY_VALUE_LIMIT]) for name, value in list(values.items())[:10])
            parts.append(_("setting %s", shown))
        others = {k: v for k, v in arguments.items() if k not in ("model", "ids", "values", "dry_run")}
        if others:
            parts.append(_("with %s", json.dumps(others, ensure_ascii=False, default=str)[:300]))
        return " ".join(parts) + "."
