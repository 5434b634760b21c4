"""A helper for tests of tools that answer task handles (Tasks extension), in this addon and its siblings."""
from ..lib.tasks import EXTENSION_ID

MODERN = "2026-07-28"
TASK_METHODS = ("tasks/get", "tasks/update", "tasks/cancel")


class TasksMixin:
    """Mixed into an ``McpCase``: stateless (2026-07-28) requests that declare the extension or not."""

    def modern(self, secret, method, params=None, tasks=True):
        """The decoded JSON-RPC answer of one stateless request, declaring the extension or not."""
        capabilities = {"extensions": {EXTENSION_ID: {}}} if tasks else {}
        params = dict(params or {}, _meta={"io.modelcontextprotocol/protocolVersion": MODERN,
                                           "io.modelcontextprotocol/clientCapabilities": capabilities,
                                           "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"}})
        headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method}
        if method == "tools/call":
            headers["Mcp-Name"] = params["name"]
        elif method in TASK_METHODS:
            headers["Mcp-Name"] = params["taskId"]
        return self.http("POST", secret, self.message(method, params), headers).json()

    def modern_tool(self, secret, name, arguments, tasks=True):
        """The ``result`` of a tools/call in the modern era."""
        return self.modern(secret, "tools/call", {"name": name, "arguments": arguments}, tasks=tasks)["result"]

    def task(self, secret, task_id):
        """The ``DetailedTask`` tasks/get answers."""
        return self.modern(secret, "tasks/get", {"taskId": task_id})["result"]

    def job_of(self, task_id):
        return self.env["mcp.job"].sudo().search([("task_id", "=", task_id)])
