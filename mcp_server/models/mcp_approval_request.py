"""Human approval of sensitive tool calls: the call waits until a person approves or rejects it."""
import json
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib.call_context import CallContext
from ..lib.credential import Credential
from ..services import RecordAccess

_logger = logging.getLogger(__name__)

STATES = [
    ("pending", "Waiting for approval"),
    ("executed", "Approved and executed"),
    ("failed", "Approved, execution failed"),
    ("rejected", "Rejected"),
    ("expired", "Expired"),
]


class McpApprovalRequest(models.Model):
    _name = "mcp.approval.request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "MCP Approval Request"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True, tracking=True, index=True)
    tool = fields.Char(required=True, readonly=True)
    risk = fields.Char(readonly=True)
    arguments = fields.Text(readonly=True, help="The arguments as the agent submitted them.")
    summary = fields.Text(readonly=True)
    key_id = fields.Many2one("mcp.api.key", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Requested by", readonly=True, required=True,
                              help="The call runs as this user once approved.")
    profile_id = fields.Many2one("mcp.access.profile", readonly=True, ondelete="set null")
    credential_ref = fields.Char(readonly=True, index=True)
    credential = fields.Text(readonly=True, help="The credential the call runs with once approved (no secret).")
    approver_ids = fields.Many2many("res.users", string="Approvers", readonly=True)
    expires_at = fields.Datetime(readonly=True, required=True)
    decided_by = fields.Many2one("res.users", readonly=True)
    decided_at = fields.Datetime(readonly=True)
    reason = fields.Text(string="Decision note")
    result = fields.Text(readonly=True, help="What the tool answered when it ran.")

    @api.depends("tool")
    def _compute_name(self):
        for request in self:
            request.name = _("Approval #%(id)s: %(tool)s", id=request.id, tool=request.tool)

    # ------------------------------------------------------------------
    # Submission (from the tool registry)
    # ------------------------------------------------------------------
    @api.model
    def _submit(self, spec, arguments, call):
        """Record the call, ask the approvers, and answer the agent with a pending result."""
        minutes = self.env["mcp.server"]._settings()["approval_expiry_minutes"]
        profile = self.env["mcp.access.profile"].browse(call.credential.profile_id).exists()
        summary = self.env["mcp.tool.registry"].with_user(call.credential.user_id)._approval_summary(spec, arguments)
        approvers = profile._approvers() if profile else self.env.ref("mcp_server.group_mcp_admin").users
        request = self.create({
            "tool": spec.name,
            "risk": self.env["mcp.tool.registry"]._call_risk(spec, arguments),
            "arguments": json.dumps(arguments, ensure_ascii=False, indent=1),
            "summary": summary,
            "key_id": call.credential.key_id,
            "user_id": call.credential.user_id,
            "profile_id": profile.id,
            "credential_ref": call.credential.ref,
            "credential": json.dumps(call.credential.recorded()),
            "approver_ids": [(6, 0, approvers.ids)],
            "expires_at": fields.Datetime.now() + timedelta(minutes=minutes),
        })
        requester = request.user_id.name
        for approver in approvers:
            request.activity_schedule(
                "mail.mail_activity_data_todo", user_id=approver.id, date_deadline=fields.Date.context_today(request),
                summary=_("Approve an AI request from %s", requester), note=summary)
        call.audit.update(status="pending_approval", error=None)
        call.note(record_ids=[])
        text = _(
            "Approval needed: this call was not executed yet. %(summary)s Approval request #%(id)s was sent to "
            "%(approvers)s and expires at %(expires)s UTC. Call get_approval_status with approval_id %(id)s to "
            "follow it; once approved, the operation runs exactly as submitted.",
            summary=summary, id=request.id,
            approvers=", ".join(dict.fromkeys(RecordAccess(self.with_user(call.credential.user_id).env, call.policy)
                                              .approver_labels(approvers))) or _("the administrators"),
            expires=request.expires_at)
        structured = {"status": "pending_approval", "approval_id": request.id, "summary": summary,
                      "expires_at": request.expires_at.isoformat() + "Z"}
        # isError: the operation did not happen (yet); the pending state is in structuredContent.
        return {"content": [{"type": "text", "text": text}], "structuredContent": structured, "isError": True}

    # ------------------------------------------------------------------
    # Decisions (from the UI)
    # ------------------------------------------------------------------
    def _check_approver(self):
        for request in self:
            if self.env.user not in request.approver_ids and not self.env.user.has_group(
                    "mcp_server.group_mcp_admin"):
                raise AccessError(_("You are not an approver of %s.", request.name))
            if request.state != "pending":
                raise UserError(_("%(name)s can no longer be decided: %(state)s.", name=request.name,
                                  state=dict(STATES)[request.state].lower()))
            if request.expires_at <= fields.Datetime.now():
                request.sudo()._expire()
                raise UserError(_("%s has expired.", request.name))

    def action_approve(self):
        """Approve and execute the call as the requesting key's user, with the submitted arguments."""
        self._check_approver()
        for request in self:
            request.sudo()._execute(self.env.user)
        return True

    def action_reject(self):
        self._check_approver()
        self.sudo().write({"state": "rejected", "decided_by": self.env.user.id, "decided_at": fields.Datetime.now()})
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        for request in self:
            request.sudo()._audit("rejected", "rejected by %s" % self.env.user.login)
        return True

    def _execute(self, approver):
        self.ensure_one()
        settings = self.env["mcp.server"]._settings()
        credential = Credential.from_recorded(json.loads(self.credential))
        values = {"decided_by": approver.id, "decided_at": fields.Datetime.now()}
        if not self.env["ir.http"]._mcp_credential_active(self.env, credential):
            values.update(state="failed", result=_("The key or connection was revoked or expired before approval."))
            self.write(values)
            self._audit("failed", "credential no longer active")
            return
        user = self.user_id
        registry = self.env["mcp.tool.registry"].with_user(user).with_context(**user.with_user(user).context_get())
        # The call runs under the key's access profile as it is now: a change since the submission applies.
        credential = credential.with_profile(self.env["ir.http"]._mcp_current_profile_id(self.env, credential))
        policy = self.env["mcp.access.policy"]._load(credential.profile_id)
        call = CallContext(credential, policy, settings=settings)
        call.approved = True
        result = registry._call_tool(self.tool, json.loads(self.arguments), call)
        text = json.dumps(result.get("structuredContent"), ensure_ascii=False, default=str) \
            if result.get("structuredContent") is not None else result["content"][0]["text"]
        if result.get("isError") and call.audit.get("status") == "denied":
            text = _("Not executed: the key's access profile, as it is now, refuses this call. %s", text)
        values.update(state="failed" if result.get("isError") else "executed", result=text)
        self.write(values)
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self._audit("success" if not result.get("isError") else call.audit.get("status", "tool_error"),
                    call.audit.get("error") or "approved by %s" % approver.login, call)

    def _expire(self):
        self.write({"state": "expired"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        for request in self:
            request._audit("expired", "approval request expired")

    def _audit(self, status, error, call=None):
        entry = {"key_id": self.key_id.id or None, "user_id": self.user_id.id, "method": "approval/%s" % self.state,
                 "tool": self.tool, "status": status if status in dict(
                     self.env["mcp.audit.log"]._fields["status"].selection) else "tool_error",
                 "error": error, "http_status": None, "duration_ms": 0.0}
        if call:
            entry.update({k: v for k, v in call.audit.items() if k in ("model", "record_ids", "risk")})
        self.env["mcp.audit.log"]._log(entry)

    @api.model
    def _cron_expire(self):
        """Expire pending requests past their deadline."""
        self.search([("state", "=", "pending"), ("expires_at", "<=", fields.Datetime.now())])._expire()

    def _status_for_agent(self):
        self.ensure_one()
        if self.state == "pending" and self.expires_at <= fields.Datetime.now():
            self._expire()
        status = {"approval_id": self.id, "status": self.state, "tool": self.tool, "summary": self.summary,
                  "requested_at": self.create_date.replace(microsecond=0).isoformat() + "Z",
                  "expires_at": self.expires_at.isoformat() + "Z"}
        if self.decided_by:
            status["decided_by"] = self.decided_by.name
            status["decided_at"] = self.decided_at.isoformat() + "Z"
        if self.reason:
            status["note"] = self.reason
        if self.result:
            try:
                status["result"] = json.loads(self.result)
            except ValueError:
                status["result"] = self.result
        return status
