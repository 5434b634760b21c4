"""Fixture tools of the Tasks extension scenarios (modern era): real ``background`` tools of the registry, so
the suite follows them as tasks through the server's job runner."""
import time

from odoo import api, models
from odoo.addons.mcp_server.lib import jsonrpc
from odoo.addons.mcp_server.lib.jsonrpc import JsonRpcError, ToolError
from odoo.addons.mcp_server.lib.tasks import declares_tasks, missing_capability
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool

from . import fixtures_data as data

STEP_SECONDS = 0.1
# What each asking tool needs from the client (input requests by key).
ASKS = {
    "confirm_delete": lambda args: {"confirm": data.elicit("Delete %s?" % args.get("filename"), confirm="boolean")},
    "multi_input": lambda args: {"name": data.elicit("What is your name?", name="string"),
                                 "confirm": data.elicit("Shall I go on?", confirm="boolean")},
    "test_tool_with_task": lambda args: {"user_name": data.elicit("What is your name?", name="string")},
}
# Asks in a multi round-trip request before the task exists; the others ask from inside their task.
ASK_BEFORE_TASK = {"test_tool_with_task"}
# Tools that only run as tasks: a client without the extension gets -32021.
TASK_REQUIRED = {"failing_job", "test_tool_with_task"}
NO_ARGUMENTS = {"properties": {}, "additionalProperties": False}


class McpToolTaskFixtures(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _call_tool(self, name, arguments, call):
        if name in TASK_REQUIRED and not call.in_job and not declares_tasks(call):
            raise missing_capability("%s runs only as a task." % name)
        return super()._call_tool(name, arguments, call)

    @api.model
    def _run_tool(self, spec, arguments, call):
        asks = ASKS.get(spec.name)
        if asks and call.in_job != (spec.name in ASK_BEFORE_TASK):
            missing = {key: request for key, request in asks(arguments).items()
                       if key not in (call.input_responses or {})}
            if missing:
                return {"resultType": "input_required", "inputRequests": missing}
        return super()._run_tool(spec, arguments, call)

    @mcp_tool("slow_compute", "Slow compute", "Works for the given seconds, then answers.", {
        "properties": {"seconds": {"type": "integer", "minimum": 0, "maximum": 600},
                       "label": {"type": "string"}},
        "additionalProperties": False}, background=True)
    def _tool_slow_compute(self, call, args):
        steps = int(args.get("seconds") or 0) * round(1 / STEP_SECONDS)
        for step in range(steps):
            time.sleep(STEP_SECONDS)
            call.report_progress(step + 1, steps, "computing")
        return {"label": args.get("label") or "", "seconds": args.get("seconds") or 0}

    @mcp_tool("failing_job", "Failing job", "Always ends with a tool error after a second.", NO_ARGUMENTS,
              background=True)
    def _tool_failing_job(self, call, args):
        time.sleep(1)
        raise ToolError("The job failed on purpose.")

    @mcp_tool("protocol_error_job", "Protocol error job", "Always ends with a protocol error.", NO_ARGUMENTS,
              background=True)
    def _tool_protocol_error_job(self, call, args):
        raise JsonRpcError(jsonrpc.INTERNAL_ERROR, "The job broke on purpose.")

    @mcp_tool("confirm_delete", "Confirm delete", "Asks the person to confirm, then reports the deletion.", {
        "properties": {"filename": {"type": "string"}}, "additionalProperties": False}, background=True)
    def _tool_confirm_delete(self, call, args):
        answer = (call.input_responses or {}).get("confirm") or {}
        confirmed = answer.get("action") == "accept" and (answer.get("content") or {}).get("confirm") is not False
        return {"filename": args.get("filename") or "", "deleted": confirmed}

    @mcp_tool("multi_input", "Multiple inputs", "Asks two questions at once, then answers.", NO_ARGUMENTS,
              background=True)
    def _tool_multi_input(self, call, args):
        answers = call.input_responses or {}
        return {"name": data.form_value(answers.get("name"), "name"), "answered": sorted(answers)}

    @mcp_tool("test_tool_with_task", "Input, then a task", "Asks for a name, then greets it from a task.",
              NO_ARGUMENTS, background=True)
    def _tool_test_tool_with_task(self, call, args):
        return {"greeting": "Hello, %s!" % data.form_value((call.input_responses or {}).get("user_name"), "name")}


class McpServerTaskFixtures(models.AbstractModel):
    _inherit = "mcp.server"

    def _fixture_greet(self, arguments, call):
        return data.text("Hello, %s!" % arguments.get("name"))
