"""HTTP only: the deprecated HTTP+SSE transport (protocol 2024-11-05), ``GET /mcp/sse`` and
``POST /mcp/messages?session_id=…``, served by ``mcp.server`` like /mcp."""
from werkzeug.datastructures import Headers

from odoo import http
from odoo.http import request

from .main import McpController, read_body, send_reply


class McpLegacySseController(http.Controller):
    @http.route("/mcp/sse", type="http", auth="none", methods=["GET"], csrf=False, save_session=False,
                readonly=False)
    def mcp_sse(self, **_kwargs):
        """Open a stream: first event ``endpoint``, then each response as an event ``message``."""
        server = request.env["mcp.server"]
        return self._serve(server, None, server._open_sse_stream)

    @http.route("/mcp/messages", type="http", auth="none", methods=["POST"], csrf=False, save_session=False,
                readonly=False)
    def mcp_messages(self, session_id=None, **_kwargs):
        """One JSON-RPC message for the stream ``session_id``: 202, the response goes on the stream."""
        server = request.env["mcp.server"]
        body = read_body(request.httprequest, server)
        return self._serve(server, body, lambda exchange: server._post_sse_message(exchange, session_id))

    @staticmethod
    def _serve(server, body, route):
        httprequest = request.httprequest
        reply = server._handle_http(httprequest.method, Headers(httprequest.headers), body,
                                    McpController._client_ip(httprequest), httprequest.host, httprequest.scheme,
                                    route=route)
        return send_reply(reply)
