"""Background jobs: long tool calls run by a cron worker (never by threads of the request)."""
import json
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.call_context import CallContext
from ..lib.credential import Credential
from ..lib.jsonrpc import JsonRpcError
from .mcp_job_mixin import FINAL_STATES, JobCancelled

_logger = logging.getLogger(__name__)

PROGRESS_REPORT_SECONDS = 0.3


class McpJob(models.Model):
    """A tool call run in the background: replayed by the runner with the credential it was queued with,
    re-checked (still active, its profile as it is now)."""

    _name = "mcp.job"
    _inherit = ["mcp.job.mixin"]
    _description = "MCP Background Job"
    _order = "id desc"
    _job_cron_xmlid = "mcp_server.ir_cron_run_jobs"

    name = fields.Char(compute="_compute_name")
    tool = fields.Char(required=True, readonly=True)
    arguments = fields.Text(readonly=True)
    result = fields.Text(readonly=True, help="The tool result (JSON).")
    key_id = fields.Many2one("mcp.api.key", readonly=True, ondelete="cascade")
    profile_id = fields.Many2one("mcp.access.profile", readonly=True, ondelete="set null")
    credential = fields.Text(readonly=True, help="The credential the job runs with (no secret).")
    credential_ref = fields.Char(readonly=True, index=True)
    session_id = fields.Char(readonly=True, index=True)
    request_id = fields.Char(readonly=True, help="JSON-RPC id of the call, for notifications/cancelled.")

    @api.depends("tool")
    def _compute_name(self):
        for job in self:
            job.name = _("Job #%(id)s: %(tool)s", id=job.id, tool=job.tool)

    # ------------------------------------------------------------------
    # Enqueue (from the registry) and status for agents
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, spec, arguments, call, request_id=None):
        return self._enqueue_job(self._job_values(spec, arguments, call, request_id))

    @api.model
    def _record_finished(self, spec, arguments, call, result):
        """A job row for a call that already ran in the request (a tool the runner must not run, e.g. a module
        install that reloads the registry), holding its tool ``result``: get_job and tasks follow it alike."""
        failed = bool(result.get("isError"))
        return self.create(dict(
            self._job_values(spec, arguments, call, call.request_id), state="failed" if failed else "done",
            result=json.dumps(result, default=str), error=result["content"][0]["text"] if failed else False,
            progress=100.0, started_at=fields.Datetime.now(), finished_at=fields.Datetime.now()))

    @api.model
    def _job_values(self, spec, arguments, call, request_id):
        return {
            "tool": spec.name,
            "arguments": json.dumps(arguments),
            "user_id": call.credential.user_id,
            "key_id": call.credential.key_id,
            "profile_id": call.credential.profile_id,
            "credential": json.dumps(call.credential.recorded()),
            "credential_ref": call.credential.ref,
            "session_id": call.session_id,
            "request_id": None if request_id is None else str(request_id),
        }

    @api.model
    def _find_owned(self, credential, domain):
        """The job matching ``domain`` that ``credential`` started (as superuser: jobs are bookkeeping), or an
        empty recordset: another key's jobs are never found."""
        return self.sudo().search([*domain, ("credential_ref", "=", credential.ref)], limit=1)

    def _status_for_agent(self):
        self.ensure_one()
        status = {"job_id": self.id, "tool": self.tool, "status": self.state, "progress": round(self.progress, 1)}
        if self.progress_message:
            status["message"] = self.progress_message
        if self.error:
            status["error"] = self.error
        if self.state == "done" and self.result:
            status["result"] = json.loads(self.result).get("structuredContent")
        return status

    def _tool_result(self):
        """The MCP tool result of a finished job, or a 'still running' result."""
        self.ensure_one()
        if self.state in ("done", "failed") and self.result:
            return json.loads(self.result)
        status = self._status_for_agent()
        text = _("Job %(id)s is %(state)s (%(progress)s%%). Call get_job with job_id %(id)s to follow it.",
                 id=self.id, state=self.state, progress=status["progress"])
        return {"content": [{"type": "text", "text": text}], "structuredContent": status,
                "isError": self.state == "cancelled"}

    def action_cancel(self):
        self._request_cancel()
        return True

    def action_retry(self):
        """Queue a failed or cancelled job again, with the same arguments, as the same user."""
        for job in self:
            if job.state not in ("failed", "cancelled"):
                raise UserError(_("Only failed or cancelled jobs can be retried."))
            job.write({"state": "queued", "progress": 0.0, "progress_message": False, "error": False,
                       "result": False, "cancel_requested": False, "started_at": False, "finished_at": False})
        self._job_trigger()
        return True

    # ------------------------------------------------------------------
    # Runner (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_jobs(self):
        """Run queued jobs with the shared runner (see ``mcp.job.mixin``)."""
        return self._cron_run()

    def _run_job(self):
        return self._execute()

    def _finish_job(self, outcome):
        self._finish(outcome)

    def _run(self):
        """Run the job now, in the current transaction."""
        self._finish(self._execute())

    def _execute(self):
        """Run the tool as the job's user; returns the outcome for :meth:`_finish` (the job row is not touched)."""
        self.ensure_one()
        credential = Credential.from_recorded(json.loads(self.credential))
        user = self.user_id
        # The job runs under the key's access profile as it is now, not as it was when it was queued.
        credential = credential.with_profile(self.env["ir.http"]._mcp_current_profile_id(self.env, credential))
        policy = self.env["mcp.access.policy"]._load(credential.profile_id)
        call = CallContext(credential, policy, settings=self.env["mcp.server"]._settings())
        call.approved = True  # approval, if any, happened before the job was queued
        call.in_job = True
        call.progress_callback = self._progress_reporter()
        self._prepare_job_call(call)
        registry = self.env["mcp.tool.registry"].with_user(user).with_context(**user.with_user(user).context_get())
        started = time.perf_counter()
        outcome = {"call": call}
        if not call.settings["enabled"]:
            # The master switch stops agents' work already queued too, not only new requests.
            outcome.update(state="failed", error=_("The MCP server was turned off in Settings before this job ran: "
                                                   "nothing was run."),
                           audit_status="denied", audit_error="server disabled", duration_ms=0.0)
            return outcome
        if not self.env["ir.http"]._mcp_credential_active(self.env, credential):
            outcome.update(state="failed", error=_("The key or connection that started this job was revoked."),
                           audit_status="denied", audit_error="credential no longer active", duration_ms=0.0)
            return outcome
        try:
            # The registry runs the tool in a savepoint: a cancelled or failing job leaves nothing behind.
            result = registry._call_tool(self.tool, json.loads(self.arguments), call)
        except JobCancelled:
            outcome.update(state="cancelled", audit_status="tool_error", audit_error="cancelled")
        except JsonRpcError as exc:
            # A protocol error (an unknown tool, a capability the job cannot have): no trace to log.
            outcome.update(state="failed", error=exc.message, audit_status="protocol_error", audit_error=exc.message)
        except Exception as exc:
            _logger.exception("MCP job %s failed", self.id)
            outcome.update(state="failed", error=_("Internal error while running the job."),
                           audit_status="internal_error", audit_error=str(exc))
        else:
            failed = bool(result.get("isError"))
            outcome.update(state="failed" if failed else "done", result=json.dumps(result, default=str),
                           error=result["content"][0]["text"] if failed else False,
                           audit_status=call.audit.get("status", "tool_error") if failed else "success",
                           audit_error=call.audit.get("error"))
        outcome["duration_ms"] = (time.perf_counter() - started) * 1000.0
        return outcome

    def _prepare_job_call(self, call):
        """Complete the request object the job's tool runs with (extensions add what the client sent)."""

    def _finish(self, outcome):
        """Write the job's final state and its audit row."""
        self.ensure_one()
        values = {"state": outcome["state"], "finished_at": fields.Datetime.now(), "error": outcome.get("error")}
        if outcome["state"] == "done":
            values["progress"] = 100.0
        if outcome.get("result"):
            values["result"] = outcome["result"]
        self.write(values)
        call = outcome["call"]
        self.env["mcp.audit.log"]._log({
            "key_id": self.key_id.id or None, "user_id": self.user_id.id, "session_id": self.session_id,
            "method": "job/run", "tool": self.tool, "model": call.audit.get("model"),
            "record_ids": call.audit.get("record_ids"), "risk": call.audit.get("risk"),
            "status": outcome["audit_status"], "error": outcome["audit_error"], "duration_ms": outcome["duration_ms"]})

    def _progress_reporter(self):
        """The tool's progress callback ``(done, total, message=None)``: publishes at most every
        ``PROGRESS_REPORT_SECONDS`` (and the last step), and stops a cancelled job (:class:`JobCancelled`)."""
        job = self
        last = {"at": 0.0}

        def report(done, total, message=None):
            now = time.monotonic()
            if now - last["at"] < PROGRESS_REPORT_SECONDS and done < total:
                return
            last["at"] = now
            job._report_progress(done, total, message)

        return report

    @api.autovacuum
    def _gc_jobs(self):
        """Forget finished jobs after a week."""
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_job WHERE state IN %s AND finished_at < (now() at time zone 'UTC') - interval '7 days'",
            FINAL_STATES))
