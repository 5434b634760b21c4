"""The Tasks extension (``io.modelcontextprotocol/tasks``, SEP-2663): its identifier, the statuses of its
wire shape, and whether a request declared it."""
from . import jsonrpc

EXTENSION_ID = "io.modelcontextprotocol/tasks"
# How long a finished task stays readable (the job clean-up forgets finished jobs after a week).
TTL_MS = 7 * 24 * 3600 * 1000
POLL_INTERVAL_MS = 1000
# Job state → task status; a failed job that holds a tool result is a tool error: "completed" with isError.
TASK_STATUS = {"queued": "working", "running": "working", "input_required": "input_required",
               "done": "completed", "failed": "failed", "cancelled": "cancelled"}


def declares_tasks(call):
    """Whether the client of this modern-era request declared the extension (per request, in ``_meta``)."""
    extensions = call.client_capabilities.get("extensions") if call.modern else None
    return isinstance(extensions, dict) and EXTENSION_ID in extensions


def missing_capability(message):
    """The -32021 error naming the extension the request needs."""
    return jsonrpc.JsonRpcError(jsonrpc.MISSING_CLIENT_CAPABILITY, message,
                                {"requiredCapabilities": {"extensions": {EXTENSION_ID: {}}}})
