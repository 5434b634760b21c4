"""JSON-RPC 2.0 / MCP error codes and the exception that carries them."""

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RESOURCE_NOT_FOUND = -32002

LATEST_PROTOCOL_VERSION = "2025-11-25"
SUPPORTED_PROTOCOL_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")
DEFAULT_PROTOCOL_VERSION = "2025-03-26"


class JsonRpcError(Exception):
    """A protocol-level error, answered as a JSON-RPC ``error`` object."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_dict(self):
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class ToolError(Exception):
    """A business failure of a tool: answered as a result with ``isError: true``.

    ``status`` is what the audit log records ("tool_error" or "denied").
    """

    def __init__(self, message, status="tool_error"):
        super().__init__(message)
        self.message = message
        self.status = status


class AccessDeniedByPolicy(ToolError):
    """The credential's access profile does not allow the operation."""

    def __init__(self, message):
        super().__init__(message, status="denied")


class InsufficientScope(Exception):
    """The bearer token lacks a scope the request needs: answered with HTTP 403 and a
    ``WWW-Authenticate: Bearer error="insufficient_scope"`` challenge so the client can step up."""

    def __init__(self, scope, message):
        super().__init__(message)
        self.scope = scope
        self.message = message


def error_response(request_id, error):
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_dict()}


def result_response(request_id, result):
    return {"jsonrpc": "2.0", "id": request_id, "result": result}
