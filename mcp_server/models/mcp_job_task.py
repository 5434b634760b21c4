"""Background jobs seen as tasks of the Tasks extension: an unguessable task id, the task's wire shape, and
jobs that wait for the client's input (``input_required``) until ``tasks/update`` answers every request."""
import json
import secrets

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import jsonrpc
from ..lib.tasks import POLL_INTERVAL_MS, TASK_STATUS, TTL_MS


def _iso(moment):
    return moment.isoformat(timespec="milliseconds") + "Z"


class McpJobTask(models.Model):
    _inherit = "mcp.job"

    state = fields.Selection(selection_add=[("input_required", "Waiting for input"), ("done",)],
                             ondelete={"input_required": lambda jobs: jobs.write({"state": "cancelled"})})
    task_id = fields.Char(readonly=True, index=True, copy=False,
                          help="Set when the client follows this job as a task (Tasks extension).")
    task_input_requests = fields.Text(readonly=True, help="Input requests still waiting for an answer (JSON).")
    task_input_responses = fields.Text(readonly=True, help="The client's answers so far (JSON).")

    # ------------------------------------------------------------------
    # Task handle and status
    # ------------------------------------------------------------------
    def _make_task(self, input_responses=None):
        """Turn this queued job into a task (answers gathered before it was queued travel with it); returns
        the ``CreateTaskResult``."""
        self.ensure_one()
        self.write({"task_id": secrets.token_urlsafe(24),
                    "task_input_responses": json.dumps(input_responses) if input_responses else False})
        return dict(self._task_envelope(), resultType="task")

    def _task_status(self):
        if self.state == "failed" and self.result:
            return "completed"  # the tool ran and reported an error: a tool result, not a protocol failure
        return TASK_STATUS[self.state]

    def _task_envelope(self):
        """``Task``: id, status, timestamps (ISO 8601, UTC), ``ttlMs`` and ``pollIntervalMs`` (integer ms)."""
        self.ensure_one()
        task = {"taskId": self.task_id, "status": self._task_status(), "createdAt": _iso(self.create_date),
                "lastUpdatedAt": _iso(self.write_date or self.create_date), "ttlMs": TTL_MS,
                "pollIntervalMs": POLL_INTERVAL_MS}
        if task["status"] == "working":
            task["statusMessage"] = "%s%%%s" % (round(self.progress, 1), (
                ": %s" % self.progress_message) if self.progress_message else "")
        return task

    def _task_detail(self):
        """``DetailedTask`` for ``tasks/get``: the envelope plus the tool ``result`` once completed, the
        ``error`` (code, message) once failed, or the pending ``inputRequests``."""
        task = self._task_envelope()
        status = task["status"]
        if status == "completed":
            task["result"] = json.loads(self.result)
        elif status == "failed":
            task["error"] = {"code": jsonrpc.INTERNAL_ERROR, "message": self.error or ""}
        elif status == "input_required":
            task["inputRequests"] = json.loads(self.task_input_requests or "{}")
        return task

    # ------------------------------------------------------------------
    # Input from the client
    # ------------------------------------------------------------------
    def _task_answer(self, responses):
        """Keep the answers to pending input requests (others are ignored); once none is pending, the job
        is queued again and its tool runs with every answer."""
        self.ensure_one()
        pending = json.loads(self.task_input_requests or "{}")
        answered = {key: value for key, value in responses.items() if key in pending}
        if self.state != "input_required" or not answered:
            return
        stored = dict(json.loads(self.task_input_responses or "{}"), **answered)
        remaining = {key: value for key, value in pending.items() if key not in answered}
        values = {"task_input_responses": json.dumps(stored), "task_input_requests": json.dumps(remaining)}
        if not remaining:
            values.update(state="queued", started_at=False)
        self.write(values)
        if not remaining:
            self._job_trigger()
        self._notify_job_changed()

    def _prepare_job_call(self, call):
        super()._prepare_job_call(call)
        if self.task_input_responses:
            call.input_responses = json.loads(self.task_input_responses)

    def _execute(self):
        outcome = super()._execute()
        if outcome["state"] == "done" and self.task_id:
            result = json.loads(outcome["result"])
            if result.get("resultType") == "input_required":
                outcome.update(state="input_required", input_requests=result.get("inputRequests") or {})
        return outcome

    def _finish(self, outcome):
        if outcome["state"] != "input_required":
            return super()._finish(outcome)
        # Parked until tasks/update answers: nothing ran yet, the audit row comes with the final run.
        self.write({"state": "input_required", "task_input_requests": json.dumps(outcome["input_requests"])})
        return None

    def _request_cancel(self):
        self._lock_job_rows()
        parked = self.filtered(lambda job: job.state == "input_required")
        parked.write({"state": "cancelled", "finished_at": fields.Datetime.now()})
        parked._notify_job_changed()
        return super(McpJobTask, self - parked)._request_cancel()

    @api.autovacuum
    def _gc_parked_tasks(self):
        """Forget tasks left waiting for input for a week."""
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_job WHERE state = 'input_required' "
            "AND write_date < (now() at time zone 'UTC') - interval '7 days'"))
