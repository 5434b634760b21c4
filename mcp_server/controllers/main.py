"""HTTP only: /mcp hands the request to ``mcp.server`` and serialises its reply."""
import base64
import json

from odoo import http
from odoo.http import Response, content_disposition, request
from odoo.tools import config


def read_body(httprequest, server):
    """The request's body, or None when it exceeds the configured size."""
    limit = server._settings()["max_payload_kb"] * 1024
    if (httprequest.content_length or 0) > limit:
        return None
    # Cached: Odoo replays the request on concurrency errors and must read the body again.
    body = httprequest.get_data()
    return body if len(body) <= limit else None


def send_reply(reply):
    """The HTTP response of an ``McpReply``: its event stream, or its JSON payload."""
    if reply.stream is not None:
        return Response(reply.stream, status=reply.status, headers=list(reply.headers.items()),
                        direct_passthrough=True)
    payload = None if reply.payload is None else json.dumps(reply.payload, ensure_ascii=False, default=str)
    headers = dict(reply.headers)
    if payload is not None:
        headers["Content-Type"] = "application/json"
    return request.make_response(payload or "", headers=list(headers.items()), status=reply.status)


class McpController(http.Controller):
    @http.route("/mcp", type="http", auth="none", methods=["POST", "GET", "DELETE", "OPTIONS"], csrf=False,
                save_session=False, readonly=False)
    def mcp(self, **_kwargs):
        httprequest = request.httprequest
        server = request.env["mcp.server"]
        body = read_body(httprequest, server) if httprequest.method == "POST" else None
        # httprequest.host follows X-Forwarded-Host only when Odoo runs with --proxy-mode.
        reply = server._handle_http(httprequest.method, httprequest.headers, body, self._client_ip(httprequest),
                                    httprequest.host, httprequest.scheme)
        return send_reply(reply)

    @http.route("/mcp/health", type="http", auth="none", methods=["GET", "HEAD"], csrf=False,
                save_session=False, readonly=True)
    def mcp_health(self, **_kwargs):
        """For load balancers: 200 while serving, 503 when the database does not answer (JSON report)."""
        status, report = request.env["mcp.server"]._health()
        return request.make_json_response(report, headers=[("Cache-Control", "no-store")], status=status)

    @staticmethod
    def _client_ip(httprequest):
        """The caller's address; X-Forwarded-For is trusted only when Odoo runs with --proxy-mode."""
        if config.get("proxy_mode") and "werkzeug.proxy_fix.orig" not in httprequest.environ:
            forwarded = httprequest.headers.get("X-Forwarded-For", "")
            if forwarded.strip():
                # The address appended by the (trusted) reverse proxy is the last one.
                return forwarded.split(",")[-1].strip()
        return httprequest.remote_addr

    @http.route("/mcp/export/<int:export_id>/<string:token>", type="http", auth="user", methods=["GET"])
    def mcp_export_download(self, export_id, token):
        """Download an export or report file: only by the user it was made for."""
        export = request.env["mcp.export"].sudo()._for_download(export_id, token, request.env.uid)
        if not export:
            raise request.not_found()
        return request.make_response(base64.b64decode(export.data), headers=[
            ("Content-Type", export.mimetype),
            ("Content-Disposition", content_disposition(export.name)),
        ])
