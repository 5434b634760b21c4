"""Tasks extension, tool side: a client that declared ``io.modelcontextprotocol/tasks`` gets a task handle
(``CreateTaskResult``) for every call of a ``background`` tool; others keep today's behaviour (the tool runs
now, or as a job followed with get_job when they ask for ``background``)."""
from odoo import api, models

from ..lib.tasks import declares_tasks


class McpToolTasks(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _runs_as_job(self, spec, arguments, call):
        if spec.background and not call.in_job and declares_tasks(call):
            return True
        return super()._runs_as_job(spec, arguments, call)

    @api.model
    def _queued_result(self, job, call):
        if not declares_tasks(call):
            return super()._queued_result(job, call)
        call.stream_progress = False  # the task is followed with tasks/get, not on this request's stream
        return job._make_task(call.input_responses)
