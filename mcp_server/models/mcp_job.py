"""Background jobs: long tool calls run by a cron worker (never by threads of the request)."""
import json
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.call_context import CallContext
from ..lib.own_transaction import own_transaction
from .mcp_session import credential_ref, recorded_credential

_logger = logging.getLogger(__name__)

STATES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed"),
          ("cancelled", "Cancelled")]
FINAL_STATES = ("done", "failed", "cancelled")
RUN_BUDGET_SECONDS = 240


class JobCancelled(Exception):
    """Raised from a progress report when the job was cancelled: rolls the tool back."""


class McpJob(models.Model):
    _name = "mcp.job"
    _description = "MCP Background Job"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    tool = fields.Char(required=True, readonly=True)
    arguments = fields.Text(readonly=True)
    state = fields.Selection(STATES, default="queued", required=True, readonly=True, index=True)
    progress = fields.Float(readonly=True, help="Percentage done.")
    progress_message = fields.Char(readonly=True)
    result = fields.Text(readonly=True, help="The tool result (JSON).")
    error = fields.Text(readonly=True)
    cancel_requested = fields.Boolean(readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade", index=True)
    key_id = fields.Many2one("mcp.api.key", readonly=True, ondelete="cascade")
    profile_id = fields.Many2one("mcp.access.profile", readonly=True, ondelete="set null")
    credential = fields.Text(readonly=True, help="The credential the job runs with (no secret).")
    credential_ref = fields.Char(readonly=True, index=True)
    session_id = fields.Char(readonly=True, index=True)
    request_id = fields.Char(readonly=True, help="JSON-RPC id of the call, for notifications/cancelled.")
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True)

    @api.depends("tool")
    def _compute_name(self):
        for job in self:
            job.name = _("Job #%(id)s: %(tool)s", id=job.id, tool=job.tool)

    # ------------------------------------------------------------------
    # Enqueue (from the registry) and status for agents
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, spec, arguments, call, request_id=None):
        credential = recorded_credential(call.credential)
        job = self.create({
            "tool": spec.name,
            "arguments": json.dumps(arguments),
            "user_id": call.credential["user_id"],
            "key_id": call.credential.get("key_id"),
            "profile_id": call.credential.get("profile_id"),
            "credential": json.dumps(credential),
            "credential_ref": credential_ref(call.credential),
            "session_id": call.session_id,
            "request_id": None if request_id is None else str(request_id),
        })
        self.env.ref("mcp_server.ir_cron_run_jobs")._trigger()
        return job

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

    def _request_cancel(self):
        """Cancel now when queued; ask a running job to stop at its next progress report."""
        for job in self:
            if job.state == "queued":
                job.write({"state": "cancelled", "finished_at": fields.Datetime.now()})
            elif job.state == "running":
                job.cancel_requested = True

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
        self.env.ref("mcp_server.ir_cron_run_jobs")._trigger()
        return True

    # ------------------------------------------------------------------
    # Runner (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_jobs(self):
        """Run queued jobs one by one, each committed on its own, within a time budget."""
        deadline = time.monotonic() + RUN_BUDGET_SECONDS
        self._fail_interrupted_jobs()
        while time.monotonic() < deadline:
            self.env.cr.execute(SQL(
                """SELECT id FROM mcp_job WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"""))
            row = self.env.cr.fetchone()
            if not row:
                return
            job = self.browse(row[0])
            job.write({"state": "running", "started_at": fields.Datetime.now(), "attempts": job.attempts + 1})
            self.env.cr.commit()
            outcome = job._execute()
            # The tool's work is committed before the job's final state is written from a fresh snapshot:
            # progress reports updated the job row meanwhile, in transactions of their own.
            self.env.cr.commit()
            job.invalidate_recordset()
            job._finish(outcome)
            self.env.cr.commit()

    @api.model
    def _fail_interrupted_jobs(self):
        """Jobs left running by a worker that died are marked failed (they can be retried)."""
        self.env.cr.execute(SQL(
            """UPDATE mcp_job SET state = 'failed', error = %s, finished_at = (now() at time zone 'UTC')
                WHERE state = 'running' AND started_at < (now() at time zone 'UTC') - make_interval(secs => %s)""",
            _("Interrupted: the worker running this job stopped. Retry it."), RUN_BUDGET_SECONDS * 3))

    def _run(self):
        """Run the job now, in the current transaction."""
        self._finish(self._execute())

    def _execute(self):
        """Run the tool as the job's user; returns the outcome for :meth:`_finish` (the job row is not touched)."""
        self.ensure_one()
        credential = json.loads(self.credential)
        user = self.user_id
        # The job runs under the key's access profile as it is now, not as it was when it was queued.
        credential["profile_id"] = self.env["ir.http"]._mcp_current_profile_id(self.env, credential)
        policy = self.env["mcp.access.policy"]._load(credential["profile_id"])
        call = CallContext(credential, policy, settings=self.env["mcp.server"]._settings())
        call.approved = True  # approval, if any, happened before the job was queued
        call.in_job = True
        call.progress_callback = self._progress_reporter()
        registry = self.env["mcp.tool.registry"].with_user(user).with_context(**user.with_user(user).context_get())
        started = time.perf_counter()
        outcome = {"call": call}
        if not self.env["ir.http"]._mcp_credential_active(self.env, credential):
            outcome.update(state="failed", error=_("The key or connection that started this job was revoked."),
                           audit_status="denied", audit_error="credential no longer active", duration_ms=0.0)
            return outcome
        try:
            # The registry runs the tool in a savepoint: a cancelled or failing job leaves nothing behind.
            result = registry._call_tool(self.tool, json.loads(self.arguments), call)
        except JobCancelled:
            outcome.update(state="cancelled", audit_status="tool_error", audit_error="cancelled")
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
            "record_ids": call.audit.get("record_ids"), "status": outcome["audit_status"],
            "error": outcome["audit_error"], "duration_ms": outcome["duration_ms"]})

    def _progress_reporter(self):
        """A callback that publishes progress at once (own transaction) and stops a cancelled job."""
        job_id, env = self.id, self.env
        last = {"at": 0.0}

        def report(done, total, message=None):
            now = time.monotonic()
            if now - last["at"] < 0.3 and done < total:
                return
            last["at"] = now
            percent = round(done * 100.0 / total, 1) if total else 0.0
            with own_transaction(env) as cr:
                cr.execute(SQL(
                    """UPDATE mcp_job SET progress = %s, progress_message = %s WHERE id = %s
                       RETURNING cancel_requested""", percent, message, job_id))
                row = cr.fetchone()
            if row and row[0]:
                raise JobCancelled()

        return report

    @api.autovacuum
    def _gc_jobs(self):
        """Forget finished jobs after a week."""
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_job WHERE state IN %s AND finished_at < (now() at time zone 'UTC') - interval '7 days'",
            FINAL_STATES))
