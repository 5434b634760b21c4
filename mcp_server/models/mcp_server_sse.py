"""The deprecated HTTP+SSE transport of protocol 2024-11-05, for clients that speak nothing newer.

``GET /mcp/sse`` opens a stream whose first event names the endpoint to POST messages to
(``/mcp/messages?session_id=<stream id>``); each POST is served exactly as a POST to ``/mcp`` in the
session era (same authentication, policy, rate limits and audit), answered ``202 Accepted``, and its
JSON-RPC response travels on the stream. The stream ends before Odoo's ``limit_time_real`` would kill
its worker, with a last comment asking the client to reconnect.
"""
import json
import select
import socket
import time

from odoo import SUPERUSER_ID, _, api, models
from odoo.http import request
from odoo.tools import config

from ..lib import jsonrpc
from ..lib.job_watch import JobWatch
from ..lib.transport import McpReply
from .mcp_server import RATE_LIMITED

MESSAGES_PATH = "/mcp/messages"
# Threaded servers have no time limit for requests: a stream still ends after this long.
MAX_STREAM_SECONDS = 600
# A comment line this often keeps proxies from closing an idle stream.
KEEPALIVE_SECONDS = 15.0
CLOSING_COMMENT = b": stream ends before the server's time limit; reconnect to /mcp/sse\n\n"


def stream_seconds():
    """How long a stream may last: 80 % of ``limit_time_real`` with worker processes, at most 10 minutes."""
    limit = config.get("limit_time_real") or 0
    if config.get("workers") and limit > 0:
        return min(MAX_STREAM_SECONDS, max(limit * 0.8, 1.0))
    return MAX_STREAM_SECONDS


def client_gone(client):
    """Whether the client closed its end of the connection (an SSE client sends nothing after its GET)."""
    try:
        return client.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def wait_for_messages(watch, client, timeout):
    """Block until the stream is announced a message (True), the client hangs up (None) or ``timeout``
    seconds pass (False); without the client's socket, only the first and the last."""
    if watch.wait(0):
        return True
    ready, _w, _x = select.select([watch.cr._cnx] + ([client] if client else []), [], [], timeout)
    if client in ready and client_gone(client):
        return None
    return watch.wait(0)


def sse_message(payload_text):
    return ("event: message\ndata: %s\n\n" % payload_text).encode()


class McpServerSse(models.AbstractModel):
    _inherit = "mcp.server"

    def _open_sse_stream(self, exchange):
        """GET /mcp/sse: admit the credential, then a stream bound to it (its first event: the endpoint)."""
        refused = self._refuse_early(exchange) or self._admit(exchange)
        if refused:
            return refused
        refused = self._refuse_stream_over_limit(exchange)
        if refused:
            return refused
        stream = self.env["mcp.sse.stream"].sudo()._open(exchange.credential, stream_seconds() + 5)
        exchange.audit.update(status="success", method="sse/open")
        # The connection's socket tells when the client hangs up, so its worker is free at once. Odoo hides
        # werkzeug's keys from ``httprequest.environ``; the full WSGI environ is the one Odoo itself re-reads.
        environ = getattr(request.httprequest, "_HTTPRequest__environ", {}) if request else {}
        client = environ.get("werkzeug.socket")
        return McpReply(200, None, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                    "X-Accel-Buffering": "no"}, stream=self._sse_events(stream, client))

    def _refuse_stream_over_limit(self, exchange):
        """429 when the credential, or the server as a whole, has as many open streams as allowed; else None."""
        message = self.env["mcp.sse.stream"].sudo()._refusal(exchange.credential)
        if not message:
            return None
        exchange.audit.update(status="rate_limited", method="sse/open", error="too many open streams")
        reply = self._http_error(429, RATE_LIMITED, message)
        reply.headers["Retry-After"] = str(int(KEEPALIVE_SECONDS))
        return reply

    def _post_sse_message(self, exchange, stream_name):
        """POST /mcp/messages: the session-era POST, its response queued for the stream; 202 when queued."""
        refused = self._refuse_early(exchange) or self._admit(exchange)
        if refused:
            return refused
        stream = self.env["mcp.sse.stream"].sudo()._find(stream_name or "", exchange.credential)
        if not stream:
            exchange.audit.update(status="denied", error="unknown stream")
            return self._http_error(404, jsonrpc.INVALID_REQUEST, _(
                "Unknown or ended stream: open a new one with GET /mcp/sse."))
        if stream.session_name:
            exchange.headers["MCP-Session-Id"] = stream.session_name
        reply = self._as_credential_user(exchange)._handle_post(exchange)
        if reply.status not in (200, 202):
            return reply
        if reply.headers.get("MCP-Session-Id"):
            stream.session_name = reply.headers["MCP-Session-Id"]
        for message in self._reply_messages(reply):
            stream._push(message)
        return McpReply(202)

    @api.model
    def _reply_messages(self, reply):
        """The JSON-RPC messages of a reply: its payload, or each message of its event stream."""
        if reply.stream is None:
            return [] if reply.payload is None else [reply.payload]
        events = b"".join(reply.stream).decode()
        return [json.loads(line[len("data: "):]) for line in events.splitlines() if line.startswith("data: ")]

    def _sse_events(self, stream, client=None):
        """The stream's events, sent after the request's cursor is closed, on a connection of its own."""
        db_name, stream_id, stream_name = self.env.registry.db_name, stream.id, stream.name
        lifetime = stream_seconds()

        def events():
            yield ("event: endpoint\ndata: %s?session_id=%s\n\n" % (MESSAGES_PATH, stream_name)).encode()
            deadline = time.monotonic() + lifetime
            with JobWatch(db_name, "mcp_sse_stream", stream_id) as watch:
                stream = api.Environment(watch.cr, SUPERUSER_ID, {})["mcp.sse.stream"].browse(stream_id)
                try:
                    last_sent = time.monotonic()
                    while True:
                        messages = stream._pop()
                        watch.cr.commit()
                        if messages:
                            yield b"".join(sse_message(text) for text in messages)
                            last_sent = time.monotonic()
                        elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                            yield b": keep-alive\n\n"
                            last_sent = time.monotonic()
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            break
                        wake_in = min(KEEPALIVE_SECONDS - (time.monotonic() - last_sent), remaining)
                        if wait_for_messages(watch, client, max(wake_in, 0.0)) is None:
                            return
                finally:
                    watch.cr.rollback()
                    stream._close()
                    watch.cr.commit()
            yield CLOSING_COMMENT

        return events()
