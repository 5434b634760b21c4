"""Server-Sent Events on the request's own stream: its notifications (progress, log messages), then its
response; for a tool running as a background job, the job's progress until it ends."""
import json
import time

from odoo import api, models

from ..lib import jsonrpc

# Below Odoo's default limit_time_real (120 s), past which a worker handling the request is killed.
STREAM_SECONDS = 60
STREAM_POLL_SECONDS = 0.25


def sse_event(message):
    return ("event: message\ndata: %s\n\n" % json.dumps(message, ensure_ascii=False, default=str)).encode()


class McpServerStream(models.AbstractModel):
    _inherit = "mcp.server"

    def _event_stream(self, messages):
        """A finished request's notifications and response, as one SSE stream."""
        return (sse_event(message) for message in messages)

    def _job_event_stream(self, call):
        """Progress notifications of a job, then the JSON-RPC response.

        Runs after the request's cursor is closed, so it polls the job with short-lived cursors of its own,
        and stops after ``STREAM_SECONDS`` with a 'still running' result that names the job.
        """
        registry = self.env.registry
        uid, context = self.env.uid, dict(self.env.context)
        job_id, request_id, progress_token = call.job_id, call.request_id, call.progress_token
        shape = self._result_shaper(call)
        early = list(call.notifications)

        def stream():
            yield from (sse_event(message) for message in early)
            deadline = time.monotonic() + STREAM_SECONDS
            last_progress = None
            while True:
                with registry.cursor() as cr:
                    job = api.Environment(cr, uid, context)["mcp.job"].sudo().browse(job_id)
                    state, progress, message = job.state, job.progress, job.progress_message
                    finished = state in ("done", "failed", "cancelled") or time.monotonic() > deadline
                    result = job._tool_result() if finished else None
                if progress != last_progress and not finished:
                    last_progress = progress
                    params = {"progressToken": progress_token, "progress": progress, "total": 100}
                    if message:
                        params["message"] = message
                    yield sse_event({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})
                if finished:
                    yield sse_event(jsonrpc.result_response(request_id, shape(result)))
                    return
                time.sleep(STREAM_POLL_SECONDS)

        return stream()
