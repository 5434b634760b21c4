"""JSON-RPC 2.0 / MCP error codes, protocol versions, the exception that carries an error, and a body parser
that refuses what would trip the code behind it (deep nesting, NaN, lone surrogates, duplicate keys)."""
import json
import re

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RESOURCE_NOT_FOUND = -32002
HEADER_MISMATCH = -32020
MISSING_CLIENT_CAPABILITY = -32021
UNSUPPORTED_PROTOCOL_VERSION = -32022

# Modern era: stateless, version and client identity in every request's ``_meta``.
MODERN_PROTOCOL_VERSIONS = ("2026-07-28",)
# Legacy era: ``initialize`` handshake and a session.
LATEST_PROTOCOL_VERSION = "2025-11-25"
SUPPORTED_PROTOCOL_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05")
# Revisions in which a POST may carry a JSON-RPC batch.
BATCH_PROTOCOL_VERSIONS = ("2025-03-26", "2024-11-05")
DEFAULT_PROTOCOL_VERSION = "2025-03-26"
ALL_PROTOCOL_VERSIONS = MODERN_PROTOCOL_VERSIONS + SUPPORTED_PROTOCOL_VERSIONS

META_PREFIX = "io.modelcontextprotocol/"
META_PROTOCOL_VERSION = META_PREFIX + "protocolVersion"
META_CLIENT_CAPABILITIES = META_PREFIX + "clientCapabilities"
META_CLIENT_INFO = META_PREFIX + "clientInfo"
META_LOG_LEVEL = META_PREFIX + "logLevel"
META_SERVER_INFO = META_PREFIX + "serverInfo"

MAX_DEPTH = 64
MAX_INTEGER = 2 ** 63 - 1
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


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
    """The bearer token lacks a scope the request needs. Raised by authentication addons, which answer it
    in their ``mcp.server._exception_reply`` hook (the OAuth addon: 403 with a step-up challenge)."""

    def __init__(self, scope, message):
        super().__init__(message)
        self.scope = scope
        self.message = message


def error_response(request_id, error):
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_dict()}


def result_response(request_id, result):
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


class BodyError(ValueError):
    """A body that is JSON to no one's benefit: answered with ``code`` and never passed on."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _refuse_constant(name):
    raise BodyError(PARSE_ERROR, "Parse error: %s is not JSON." % name)


def _bounded_int(text):
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise BodyError(INVALID_REQUEST, "Invalid request: integers must fit in 64 bits.")
    return value


def _unique_keys(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise BodyError(INVALID_REQUEST, "Invalid request: an object repeats a key.")
    return obj


def _depth_exceeds(value, limit):
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _holds_nul(value):
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def parse_body(body):
    """The JSON value of a request body, or :class:`BodyError` for a body the server refuses.

    Refused: invalid JSON or UTF-8, ``NaN``/``Infinity``, lone surrogates, duplicate keys, integers beyond
    64 bits, nesting deeper than ``MAX_DEPTH`` and NUL characters in keys or strings (PostgreSQL cannot
    store or compare them).
    """
    try:
        value = json.loads(body, parse_constant=_refuse_constant, parse_int=_bounded_int,
                           object_pairs_hook=_unique_keys)
    except BodyError:
        raise
    except RecursionError:
        raise BodyError(INVALID_REQUEST, "Invalid request: nested deeper than %s levels." % MAX_DEPTH) from None
    except (ValueError, UnicodeDecodeError):
        raise BodyError(PARSE_ERROR, "Parse error: the body is not valid JSON.") from None
    if (body.count(b"[") + body.count(b"{")) > MAX_DEPTH and _depth_exceeds(value, MAX_DEPTH):
        raise BodyError(INVALID_REQUEST, "Invalid request: nested deeper than %s levels." % MAX_DEPTH)
    if _ESCAPED_SURROGATE.search(body):
        try:
            json.dumps(value, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            raise BodyError(PARSE_ERROR, "Parse error: the body holds an unpaired UTF-16 surrogate.") from None
    if b"\\u0000" in body and _holds_nul(value):
        raise BodyError(INVALID_REQUEST, "Invalid request: text may not contain NUL characters (\\u0000).")
    return value
