"""Server-Sent Events on the request's own stream: its notifications (progress, log messages), then its
response; for a tool running as a background job, the job's progress until it ends."""
import json
import time

from odoo import api, models

from ..lib import jsonrpc
from ..lib.job_watch import JobWatch
from .mcp_job_mixin import FINAL_STATES

# Below Odoo's default limit_time_real (120 s), past which a worker handling the request is killed.
STREAM_SECONDS = 60
# The job is read again after this long without a notification (a missed one only delays the stream).
STREAM_WAKE_SECONDS = 2.0


def sse_event(message):
    return ("event: message\ndata: %s\n\n" % json.dumps(message, ensure_ascii=False, default=str)).encode()


class McpServerStream(models.AbstractModel):
    _inherit = "mcp.server"

    def _event_stream(self, messages):
        """A finished request's notifications and response, as one SSE stream."""
        return (sse_event(message) for message in messages)

    def _progress_stream_allowed(self, call):
        """Whether this call's job may be followed on a stream of its own (a worker and a database connection
        for up to ``STREAM_SECONDS``); if not, the answer is the queued job's status, followed with get_job."""
        streams = self.env["mcp.sse.stream"].sudo()
        if streams._refusal(call.credential):
            return False
        call.stream_slot_id = streams._open(call.credential, STREAM_SECONDS + 5, kind="progress").id
        return True

    def _job_event_stream(self, call):
        """Progress notifications of a job, then the JSON-RPC response.

        Runs after the request's cursor is closed, on one database connection of its own for the stream's
        lifetime: it reads the job when the runner announces a change (PostgreSQL NOTIFY on ``JOB_CHANNEL``,
        sent when a progress report or the final state commits), at least every ``STREAM_WAKE_SECONDS``,
        and stops after ``STREAM_SECONDS`` with a 'still running' result that names the job.
        """
        registry = self.env.registry
        uid, context = self.env.uid, dict(self.env.context)
        job_id, request_id, progress_token = call.job_id, call.request_id, call.progress_token
        shape = self._result_shaper(call)
        early = list(call.notifications)
        slot_id = call.stream_slot_id

        def stream():
            yield from (sse_event(message) for message in early)
            deadline = time.monotonic() + STREAM_SECONDS
            with JobWatch(registry.db_name, "mcp_job", job_id) as watch:
                try:
                    yield from follow(watch, deadline)
                finally:
                    if slot_id:
                        watch.cr.rollback()
                        api.Environment(watch.cr, uid, context)["mcp.sse.stream"].sudo().browse(slot_id)._close()
                        watch.cr.commit()

        def follow(watch, deadline):
            last_progress = None
            while True:
                job = api.Environment(watch.cr, uid, context)["mcp.job"].sudo().browse(job_id)
                state, progress, message = job.state, job.progress, job.progress_message
                finished = state in FINAL_STATES or time.monotonic() > deadline
                result = job._tool_result() if finished else None
                watch.end_read()
                if progress != last_progress and not finished:
                    last_progress = progress
                    params = {"progressToken": progress_token, "progress": progress, "total": 100}
                    if message:
                        params["message"] = message
                    yield sse_event({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})
                if finished:
                    yield sse_event(jsonrpc.result_response(request_id, shape(result)))
                    return
                watch.wait(min(STREAM_WAKE_SECONDS, max(deadline - time.monotonic(), 0.0) + 0.01))

        return stream()
