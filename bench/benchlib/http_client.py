"""A plain HTTP/1.1 client and the MCP messages the benchmarks send."""
import http.client
import itertools
import json

PROTOCOL_VERSION = "2025-11-25"
MODERN_PROTOCOL_VERSION = "2026-07-28"
# The benchmarks' query: search_read(QUERY_DOMAIN, QUERY_FIELDS, limit=QUERY_LIMIT) on res.partner.
QUERY_DOMAIN = [["city", "=", "Paris"]]
QUERY_FIELDS = ["id", "name", "email"]
QUERY_LIMIT = 80
SEARCH_READ_ARGUMENTS = {"model": "res.partner", "domain": QUERY_DOMAIN, "fields": QUERY_FIELDS, "limit": QUERY_LIMIT}


class HttpClient:
    """One client thread's connection to 127.0.0.1:``port`` (http.client reconnects when the server closes it).

    With ``keep_cookie`` it sends back the ``session_id`` cookie the server sets, as a browser would.
    """

    def __init__(self, port, keep_cookie=False):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.keep_cookie = keep_cookie
        self.cookie = None

    def request(self, method, path, payload=None, headers=None):
        """``(status, headers, body bytes)`` of ``method path`` with ``payload`` as JSON (none when None)."""
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = json.dumps(payload) if payload is not None else None
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if self.keep_cookie and cookie and cookie.startswith("session_id="):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.headers, data

    def post(self, path, payload, headers):
        return self.request("POST", path, payload, headers)


def mcp_headers(key):
    """Headers of every MCP request with the bearer ``key``."""
    return {"Authorization": "Bearer %s" % key, "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream"}


def initialize_message(client_name, message_id=0):
    return {"jsonrpc": "2.0", "id": message_id, "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                       "clientInfo": {"name": client_name, "version": "1.0"}}}


def open_session(client, key, client_name="bench", notify=True):
    """Initialize a 2025-11-25 MCP session on ``client``; answers the headers of the session's requests."""
    status, reply_headers, body = client.post("/mcp", initialize_message(client_name), mcp_headers(key))
    if status != 200:
        raise RuntimeError("MCP initialize failed: HTTP %s %s" % (status, body[:500]))
    headers = dict(mcp_headers(key), **{"MCP-Session-Id": reply_headers["MCP-Session-Id"],
                                        "MCP-Protocol-Version": PROTOCOL_VERSION})
    if notify:
        client.post("/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, headers)
    return headers


def modern_headers(key, tool):
    """Headers of a stateless 2026-07-28 ``tools/call`` of ``tool``."""
    return dict(mcp_headers(key), **{"MCP-Protocol-Version": MODERN_PROTOCOL_VERSION, "Mcp-Method": "tools/call",
                                     "Mcp-Name": tool})


def modern_meta(client_name):
    """The ``_meta`` a 2026-07-28 request carries in place of a session."""
    return {"io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL_VERSION,
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": client_name, "version": "1.0"}}


def tool_message(message_id, name, arguments, meta=None):
    params = {"name": name, "arguments": arguments}
    if meta is not None:
        params["_meta"] = meta
    return {"jsonrpc": "2.0", "id": message_id, "method": "tools/call", "params": params}


def tool_result(status, body, what):
    """The ``result`` of a ``tools/call`` reply; RuntimeError naming ``what`` on an HTTP, protocol or tool error."""
    reply = json.loads(body)
    result = reply.get("result") or {}
    if status != 200 or "error" in reply or result.get("isError"):
        raise RuntimeError("%s failed: HTTP %s %s" % (what, status, body[:500]))
    return result


def session_tool_caller(port, key, client_name="bench"):
    """``call(tool, arguments)`` on a new connection within a new 2025-11-25 session, answering the tool's
    ``result``; RuntimeError on an error."""
    client = HttpClient(port)
    headers = open_session(client, key, client_name)
    ids = itertools.count(1)

    def call(tool, arguments):
        status, _headers, body = client.post("/mcp", tool_message(next(ids), tool, arguments), headers)
        return tool_result(status, body, "MCP %s" % tool)
    return call
