"""Tools to follow and cancel background jobs."""
from odoo import _, api, models

from ..lib.jsonrpc import ToolError
from .mcp_tool_registry import mcp_tool

JOB_ID = {"type": "integer"}
JOB_STATUS_OUTPUT = {
    "type": "object",
    "properties": {"job_id": {"type": "integer"}, "tool": {"type": "string"}, "status": {"type": "string"},
                   "progress": {"type": "number"}, "message": {"type": "string"}, "error": {"type": "string"},
                   "result": {}},
    "required": ["job_id", "status"],
}


class McpToolsJobs(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _own_job(self, call, job_id):
        job = self.env["mcp.job"]._find_owned(call.credential, [("id", "=", job_id)])
        if not job:
            raise ToolError(_("No job %s was started with this key.", job_id))
        return job

    @mcp_tool(
        "get_job", "Get a background job",
        "Status, progress and, once done, the result of a background job.",
        {"properties": {"job_id": JOB_ID}, "required": ["job_id"], "additionalProperties": False},
        JOB_STATUS_OUTPUT)
    def _tool_get_job(self, call, args):
        return self._own_job(call, args["job_id"])._status_for_agent()

    @mcp_tool(
        "cancel_job", "Cancel a background job",
        "Cancel a queued or running background job; a running job stops at its next step and saves nothing.",
        {"properties": {"job_id": JOB_ID}, "required": ["job_id"], "additionalProperties": False},
        JOB_STATUS_OUTPUT, idempotent=True, frames_data=False)
    def _tool_cancel_job(self, call, args):
        job = self._own_job(call, args["job_id"])
        job._request_cancel()
        return job._status_for_agent()
