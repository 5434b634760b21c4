"""The Tasks extension (``io.modelcontextprotocol/tasks``, SEP-2663), protocol side: ``tasks/get``,
``tasks/update`` and ``tasks/cancel`` over the background jobs a key started (modern era).

A task is an ``mcp.job`` with a random task id, found only together with the credential that started it:
another key gets the same "unknown task" answer as for an id that never existed. Clients that did not
declare the extension get -32021 on these methods and follow jobs with get_job/cancel_job.
"""
from odoo import _, models

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError
from ..lib.tasks import EXTENSION_ID, declares_tasks, missing_capability


class McpServerTasks(models.AbstractModel):
    _inherit = "mcp.server"

    def _extensions(self, call):
        return dict(super()._extensions(call), **{EXTENSION_ID: {
            "tasks/get": self._rpc_tasks_get, "tasks/update": self._rpc_tasks_update,
            "tasks/cancel": self._rpc_tasks_cancel}})

    def _own_task(self, params, call):
        """The job behind ``params.taskId`` started by this credential; -32021 without the extension,
        -32602 for an id this key did not get."""
        if not declares_tasks(call):
            raise missing_capability(_("Declare the %s extension in the client capabilities to use tasks.",
                                       EXTENSION_ID))
        task_id = params.get("taskId")
        job = self.env["mcp.job"]
        if isinstance(task_id, str) and task_id:
            job = job._find_owned(call.credential, [("task_id", "=", task_id)])
        if not job:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("No task %s was started with this key.",
                                                         str(task_id)[:100]))
        return job

    def _rpc_tasks_get(self, params, call):
        """``DetailedTask``: status and timestamps; the tool result once completed, the error once failed,
        the pending ``inputRequests`` while it waits for the client."""
        return self._own_task(params, call)._task_detail()

    def _rpc_tasks_update(self, params, call):
        """Deliver ``inputResponses`` to a task waiting for input; an empty acknowledgement."""
        job = self._own_task(params, call)
        responses = params.get("inputResponses")
        if not isinstance(responses, dict):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("tasks/update needs 'inputResponses'."))
        job._task_answer(responses)
        return {}

    def _rpc_tasks_cancel(self, params, call):
        """Cancel the task (a running job stops at its next step); an empty acknowledgement, also when the
        task already ended."""
        self._own_task(params, call)._request_cancel()
        return {}
