"""HTTP only: discovery documents and the OAuth endpoints hand the request to ``mcp.oauth.server``."""
import json

from odoo import http
from odoo.addons.mcp_server.controllers.main import McpController
from odoo.http import request

CORS_HEADERS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version"),
    ("Access-Control-Max-Age", "86400"),
]
# The documents name this server's public origin, chosen among the configured ones by the request's
# host: never stored by shared caches.
METADATA_CACHE = [("Cache-Control", "no-store")]


class McpOauthController(http.Controller):
    # ------------------------------------------------------------------
    # Discovery (RFC 9728, RFC 8414)
    # ------------------------------------------------------------------
    @http.route(["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"],
                type="http", auth="none", methods=["GET", "OPTIONS"], csrf=False, save_session=False)
    def protected_resource_metadata(self, **_kwargs):
        if request.httprequest.method == "OPTIONS":
            return self._preflight("GET")
        root = request.httprequest.path.rstrip("/") == "/.well-known/oauth-protected-resource"
        document = request.env["mcp.oauth.server"]._protected_resource_metadata(self._base_url(), root=root)
        return self._json(200, document, METADATA_CACHE)

    @http.route(["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"],
                type="http", auth="none", methods=["GET", "OPTIONS"], csrf=False, save_session=False)
    def authorization_server_metadata(self, **_kwargs):
        if request.httprequest.method == "OPTIONS":
            return self._preflight("GET")
        document = request.env["mcp.oauth.server"]._authorization_server_metadata(self._base_url())
        return self._json(200, document, METADATA_CACHE)

    # ------------------------------------------------------------------
    # Authorization endpoint: the user's browser (Odoo login, consent page with CSRF token)
    # ------------------------------------------------------------------
    @http.route("/oauth/authorize", type="http", auth="user", methods=["GET", "POST"], readonly=False, sitemap=False)
    def authorize(self, **_kwargs):
        httprequest = request.httprequest
        decision = httprequest.form.get("decision", "deny") if httprequest.method == "POST" else None
        reply = request.env["mcp.oauth.server"]._authorize(
            httprequest, self._base_url(), McpController._client_ip(httprequest), decision)
        return self._send(reply)

    # ------------------------------------------------------------------
    # Client endpoints
    # ------------------------------------------------------------------
    @http.route("/oauth/token", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False,
                save_session=False, readonly=False)
    def token(self, **_kwargs):
        return self._client_endpoint("_token")

    @http.route("/oauth/revoke", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False,
                save_session=False, readonly=False)
    def revoke(self, **_kwargs):
        return self._client_endpoint("_revoke_token")

    @http.route("/oauth/register", type="http", auth="none", methods=["POST", "OPTIONS"], csrf=False,
                save_session=False, readonly=False)
    def register(self, **_kwargs):
        return self._client_endpoint("_register_client")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _client_endpoint(self, method):
        httprequest = request.httprequest
        if httprequest.method == "OPTIONS":
            return self._preflight("POST")
        server = request.env["mcp.oauth.server"]
        reply = getattr(server, method)(httprequest, self._base_url(), McpController._client_ip(httprequest))
        return self._send(reply, cors=True)

    @staticmethod
    def _base_url():
        return request.env["mcp.oauth.server"]._public_base_url(request.httprequest)

    @staticmethod
    def _json(status, body, headers=(), cors=True):
        headers = [("Content-Type", "application/json"), *headers, *(CORS_HEADERS if cors else ())]
        return request.make_response(json.dumps(body), headers=headers, status=status)

    @staticmethod
    def _preflight(methods):
        return request.make_response("", headers=[*CORS_HEADERS, ("Access-Control-Allow-Methods", methods)],
                                     status=204)

    def _send(self, reply, cors=False):
        if reply.template:
            return request.render(reply.template, reply.values, status=reply.status, headers=reply.headers)
        if isinstance(reply.body, dict):
            headers = [(k, v) for k, v in reply.headers if k.lower() != "content-type"]
            return self._json(reply.status, reply.body, headers, cors=cors)
        headers = [*reply.headers, *(CORS_HEADERS if cors else ())]
        return request.make_response(reply.body or "", headers=headers, status=reply.status)
