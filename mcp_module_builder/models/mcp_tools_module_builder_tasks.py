"""install_module and upgrade_module for clients of the Tasks extension (``io.modelcontextprotocol/tasks``).

These two never run in the job runner: the runner is a scheduled action, and Odoo refuses module operations
while one runs (the install would wait on the runner's own ``ir_cron`` row lock, and the runner would go on
with the registry the install replaced). They run in the request, as Odoo's Install button does. A client
that declared the extension still gets a task handle: the task is the job row recording the finished
operation, so it is ``completed`` (with the report, or the tool error) from its first ``tasks/get`` on, and
get_job shows the same job. A dry run, a call waiting for approval and a refused call answer as before.
"""
from odoo import api, models
from odoo.addons.mcp_server.lib.tasks import declares_tasks

OPERATION_TOOLS = ("install_module", "upgrade_module")


class McpToolsModuleBuilderTasks(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _run_tool(self, spec, arguments, call):
        result = super()._run_tool(spec, arguments, call)
        if spec.name not in OPERATION_TOOLS or call.in_job or call.dry_run or not declares_tasks(call) \
                or call.audit.get("status") in ("pending_approval", "denied"):
            return result
        job = self.env["mcp.job"].sudo()._record_finished(spec, arguments, call, result)
        call.stream_progress = False
        return job._make_task()
