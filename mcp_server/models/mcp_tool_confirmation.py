"""Confirm in the client: a write the access profile marks for confirmation is first shown to the person
using the client (a summary of the dry run: records, fields, before → after) and runs only once they accept.

Modern clients get an input-required result (elicitation) with a signed ``requestState``; legacy clients that
declared ``elicitation`` are asked on the request's own stream. The state is bound to the credential, the tool
and its arguments and expires; it is used once. Clients that can ask nobody fall back to an approval request.
"""
import json
import secrets

from odoo import _, api, models

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError, ToolError

CONFIRM_KEY = "confirm"
CONFIRM_SECONDS = 600
SUMMARY_CHANGES = 20
VALUE_CHARS = 80


def _shown(value):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…"


def describe_change(change):
    """One line of plain language for a change of a dry run."""
    operation, model = change.get("operation"), change.get("model")
    if operation == "write":
        before, after = change.get("before") or {}, change.get("after") or {}
        fields_ = ", ".join("%s: %s → %s" % (name, _shown(before.get(name)), _shown(value))
                            for name, value in after.items() if before.get(name) != value)
        return _("Change %(model)s #%(id)s: %(fields)s", model=model, id=change.get("id"),
                 fields=fields_ or _("no visible difference"))
    if operation == "create":
        values = ", ".join("%s = %s" % (name, _shown(value)) for name, value in (change.get("values") or {}).items())
        return _("Create a %(model)s record: %(values)s", model=model, values=values)
    if operation == "unlink":
        record = change.get("record") or {}
        return _("Delete %(model)s #%(id)s (%(name)s)", model=model, id=change.get("id"),
                 name=_shown(record.get("display_name") or record.get("name") or ""))
    details = {k: v for k, v in change.items() if k not in ("operation", "model")}
    return _("%(operation)s on %(model)s: %(details)s", operation=operation, model=model, details=_shown(details))


class McpToolConfirmation(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _call_tool(self, name, arguments, call):
        spec = self._catalog().get(name)
        if (spec is None or call.approved or call.in_job or call.dry_run or arguments.get("dry_run")
                or not call.policy.needs_confirmation(spec, self._call_risk(spec, arguments))
                or not self._tool_available(spec, call) or next(spec.validator.iter_errors(arguments), None)):
            return super()._call_tool(name, arguments, call)
        if not self._client_can_confirm(call):
            # Nobody to ask in the client: a person approves it instead (once the policy allows the call).
            try:
                self._gate(spec, arguments, call)
            except ToolError as exc:
                call.audit.update(status=exc.status, error=exc.message)
                return self._error_result(exc.message)
            return self.env["mcp.approval.request"].sudo()._submit(spec, arguments, call)
        if call.request_state is None:
            return self._ask_confirmation(spec, arguments, call)
        self._consume_confirmation(spec, arguments, call)
        answer = (call.input_responses or {}).get(CONFIRM_KEY)
        if not isinstance(answer, dict):
            return self._ask_confirmation(spec, arguments, call)
        if answer.get("action") != "accept" or (answer.get("content") or {}).get("confirm") is False:
            call.audit.update(status="denied", error="declined in the client")
            return self._error_result(_(
                "The person using the client declined %s: nothing was changed.", name))
        # Confirmed: it runs as submitted (an approval the profile also asks for still applies).
        return super()._call_tool(name, arguments, call)

    @api.model
    def _client_can_confirm(self, call):
        """Modern clients and legacy sessions whose client declared the elicitation capability."""
        return "elicitation" in call.client_capabilities and (call.modern or bool(call.session_id))

    @api.model
    def _ask_confirmation(self, spec, arguments, call):
        """The input-required result asking the person to confirm the dry run's changes."""
        report = super()._call_tool(spec.name, dict(arguments, dry_run=True), call)
        structured = report.get("structuredContent") or {}
        if report.get("isError") or structured.get("would_succeed") is False:
            # It would fail anyway: say why instead of asking.
            call.dry_run = False
            return report if report.get("isError") else self._error_result(structured.get("error") or "")
        call.dry_run, call.changes = False, []
        changes = structured.get("changes") or []
        lines = [describe_change(change) for change in changes[:SUMMARY_CHANGES]]
        if len(changes) > SUMMARY_CHANGES:
            lines.append(_("… and %s more changes.", len(changes) - SUMMARY_CHANGES))
        message = _("Allow the tool “%(tool)s” to make these changes in Odoo?\n%(changes)s",
                    tool=spec.title or spec.name,
                    changes="\n".join("- %s" % line for line in lines) or _("(no change to show)"))
        state = self.env["mcp.server"]._sign_request_state(
            call, "tools/call", spec.name, arguments, {"nonce": secrets.token_urlsafe(12)}, CONFIRM_SECONDS)
        call.audit.update(status="pending_confirmation", error=None)
        return {"resultType": "input_required", "requestState": state, "inputRequests": {CONFIRM_KEY: {
            "method": "elicitation/create", "params": {"mode": "form", "message": message, "requestedSchema": {
                "type": "object", "properties": {"confirm": {
                    "type": "boolean", "title": _("Make these changes"), "default": True}},
                "required": ["confirm"]}}}}}

    @api.model
    def _consume_confirmation(self, spec, arguments, call):
        """Check the echoed state (signature, credential, tool, arguments, expiry) and use it up."""
        payload = self.env["mcp.server"]._verify_request_state(call, "tools/call", spec.name, arguments)
        nonce = str((payload or {}).get("nonce") or "")
        replies = self.env["mcp.client.reply"].sudo()
        if not nonce or not replies._store("confirmation:%s" % call.credential.ref, nonce,
                                           {"tool": spec.name}):
            call.audit.update(status="denied", error="requestState replayed")
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _(
                "This confirmation was already used: call the tool again to get a new one."))
