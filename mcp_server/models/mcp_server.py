"""The Streamable HTTP transport of ``/mcp``: settings, Host/Origin, network rules, authentication, rate limits.

The JSON-RPC side lives in ``mcp_server_post`` (eras, one message), ``mcp_server_methods`` (lifecycle, tools),
``mcp_server_resources``, ``mcp_server_prompts`` and ``mcp_server_stream`` (Server-Sent Events).
"""
import logging
import time
from dataclasses import replace

from odoo import _, api, models, tools
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..lib import jsonrpc
from ..lib import settings as settings_table
from ..lib.ip_rules import ip_allowed
from ..lib.jsonrpc import JsonRpcError
from ..lib.origins import PublicOrigins
from ..lib.transport import HttpExchange, McpReply

_logger = logging.getLogger(__name__)

__all__ = ["McpReply", "McpServer"]

CORS_ALLOW_HEADERS = ("Authorization, Content-Type, Accept, MCP-Protocol-Version, MCP-Session-Id, Last-Event-ID, "
                      "Mcp-Method, Mcp-Name")
CORS_EXPOSE_HEADERS = "MCP-Session-Id, MCP-Protocol-Version, WWW-Authenticate"
RATE_LIMITED = -32000


def is_retryable(exc):
    """Concurrency errors that Odoo answers by replaying the whole request."""
    return isinstance(exc, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)


class McpServer(models.AbstractModel):
    _name = "mcp.server"
    _description = "MCP server dispatcher"

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _settings(self):
        """The server settings, as a copy the caller may adjust for its request."""
        return dict(self._settings_cached())

    @api.model
    @tools.ormcache()
    def _settings_cached(self):
        """Every setting of ``lib/settings.py`` read with one query, cached per worker; Odoo clears the
        cache in every worker when a parameter changes."""
        self.env["ir.config_parameter"].flush_model(["key", "value"])
        self.env.cr.execute(SQL("SELECT key, value FROM ir_config_parameter WHERE key IN %s",
                                (*settings_table.parameter_keys(), "web.base.url")))
        params = dict(self.env.cr.fetchall())
        settings = settings_table.parse(params)
        base_url = params.get("web.base.url", "")
        settings.update(base_url=base_url.rstrip("/"),
                        public_origins=PublicOrigins(base_url, settings["allowed_origins"]))
        return settings

    @api.model
    def _resource_metadata_url(self, settings):
        """The RFC 9728 metadata URL of /mcp, from the configured public URL (never the request's Host)."""
        return "%s/.well-known/oauth-protected-resource/mcp" % settings["base_url"]

    # ------------------------------------------------------------------
    # HTTP entry point
    # ------------------------------------------------------------------
    @api.model
    def _handle_http(self, http_method, headers, body, remote_addr, host, scheme="http", route=None):
        """Handle one HTTP request to /mcp and write its audit row(s).

        ``route`` (a method taking the exchange and returning a reply) serves the request instead of
        ``_route``: the deprecated HTTP+SSE transport goes through the same errors, rate limits and audit."""
        started = time.perf_counter()
        exchange = HttpExchange(http_method, headers, body, remote_addr, host, scheme, self._settings())
        try:
            reply = (route or self._route)(exchange)
        except Exception as exc:
            if is_retryable(exc):
                raise  # Odoo replays the whole request on concurrency errors
            _logger.exception("MCP: unexpected error while handling %s /mcp", http_method)
            self.env.cr.rollback()
            message = _("Internal error")
            if exchange.settings["show_internal_errors"]:
                message = "%s: %s" % (message, exc)
            reply = McpReply(500, jsonrpc.error_response(None, JsonRpcError(jsonrpc.INTERNAL_ERROR, message)))
            exchange.audit.update(status="internal_error", error=str(exc))
        if not exchange.audit.get("user_id"):
            exceeded = self.env["mcp.rate.limiter"]._hit_address(remote_addr, exchange.settings)
            if exceeded:
                # Past the limit, requests without a valid credential are refused and leave no audit row.
                return self._rate_limited(exceeded, {})
        self._add_cors_headers(reply, exchange)
        self._write_audit(exchange, reply, (time.perf_counter() - started) * 1000.0)
        return reply

    def _write_audit(self, exchange, reply, elapsed):
        log = self.env["mcp.audit.log"].sudo()
        rows = exchange.audit_rows
        if not rows:
            exchange.audit.setdefault("status", "success" if reply.status < 400 else "protocol_error")
            rows = [exchange.audit]
        async_commit = exchange.settings["audit_async_commit"]
        log_payloads = exchange.settings["log_payloads"]
        if exchange.credential:
            log_payloads = exchange.credential.captures_payloads(log_payloads)
        for row in rows:
            row.setdefault("http_status", reply.status)
            row.setdefault("duration_ms", elapsed)
            log._log(row, log_payloads=log_payloads, async_commit=async_commit)
            async_commit = False  # decided by the first row, before it wrote anything

    def _route(self, exchange):
        refused = self._refuse_early(exchange)
        if refused:
            return refused
        if exchange.method == "OPTIONS":
            return McpReply(204, None, {
                "Access-Control-Allow-Methods": "POST, GET, DELETE, OPTIONS",
                "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                "Access-Control-Max-Age": "86400",
            })
        if exchange.method == "GET":
            exchange.audit["error"] = "no server-initiated stream"
            # Also what a person sees who opens the endpoint's URL in a browser.
            reply = self._http_error(405, jsonrpc.INVALID_REQUEST, _(
                "This is Odoo's MCP endpoint: MCP clients send their messages here with POST. Connect one "
                "with an MCP key: MCP Server → Keys → Connect a Client."))
            reply.headers["Allow"] = "POST, DELETE, OPTIONS"
            return reply
        refused = self._admit(exchange)
        if refused:
            return refused
        server = self._as_credential_user(exchange)
        if exchange.method == "DELETE":
            return server._end_session(exchange)
        return server._handle_post(exchange)

    def _refuse_early(self, exchange):
        """503 while the server is disabled, 403 for a foreign Host or Origin, else None."""
        if not exchange.settings["enabled"]:
            exchange.audit["error"] = "server disabled"
            return self._http_error(503, jsonrpc.INTERNAL_ERROR, _("The MCP server is disabled in Settings."))
        return self._check_host_and_origin(exchange)

    def _as_credential_user(self, exchange):
        """This model as the admitted credential's user, in that user's context."""
        server = self.with_user(exchange.credential.user_id)
        server = server.with_context(**server.env["res.users"].context_get())
        if request:
            # Messages built outside a recordset (the access policy, plain helpers) are translated in
            # the request's language: make it the key's user's, as the recordsets below already are.
            request.update_context(lang=server.env.lang)
        return server

    def _check_host_and_origin(self, exchange):
        """403 for a Host or an Origin outside the configured public origins (DNS rebinding, foreign pages)."""
        origins = exchange.settings["public_origins"]
        if not origins.host_allowed(exchange.host, exchange.scheme):
            exchange.audit.update(status="denied", error="host not allowed: %s" % (exchange.host or "")[:200])
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _(
                "Host not allowed: this server answers only at its configured public URL (web.base.url) "
                "and the allowed origins in Settings."))
        origin = exchange.header("Origin")
        if origin and not origins.origin_allowed(origin):
            exchange.audit.update(status="denied", error="origin not allowed: %s" % origin[:200])
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _("Origin not allowed."))
        return None

    def _admit(self, exchange):
        """Network rules, authentication and rate limits; sets the exchange's credential and policy."""
        audit, settings, client_ip = exchange.audit, exchange.settings, exchange.remote_addr
        if not ip_allowed(client_ip, settings["ip_allow"], settings["ip_deny"]):
            audit.update(status="denied", error="address %s refused by the server's network rules" % client_ip)
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _("Access from your network address is not allowed."))
        credential = self._authenticate(exchange)
        if isinstance(credential, McpReply):
            return credential
        policy = self.env["mcp.access.policy"]._load(credential.profile_id)
        governance = policy.governance
        if not (ip_allowed(client_ip, governance["ip_allow"], governance["ip_deny"])
                and ip_allowed(client_ip, credential.ip_allow, credential.ip_deny)):
            audit.update(status="denied", error="address %s refused by the key's network rules" % client_ip)
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _(
                "This key may not be used from your network address."))
        credential = replace(
            credential,
            rate_limit_minute=credential.rate_limit_minute or governance["rate_limit_minute"],
            rate_limit_day=credential.rate_limit_day or governance["rate_limit_day"],
        )
        exceeded = self.env["mcp.rate.limiter"]._hit(credential, settings, self._message_count(exchange.body))
        if exceeded:
            return self._rate_limited(exceeded, audit)
        exchange.credential, exchange.policy = credential, policy
        return None

    @api.model
    def _message_count(self, body):
        """How many JSON-RPC messages a POST carries, for the rate limits: one, or each message of a batch."""
        if not body or body.lstrip()[:1] != b"[":
            return 1
        try:
            message = jsonrpc.parse_body(body)
        except jsonrpc.BodyError:
            return 1
        return max(1, len(message)) if isinstance(message, list) else 1

    def _rate_limited(self, exceeded, audit):
        """The 429 reply of a rate limit, with its Retry-After."""
        scope, window, limit, retry_after = exceeded
        audit.update(status="rate_limited", error="%s limit of %s requests per %s reached" % (
            "global" if scope == "global" else "key", limit, window))
        reply = self._http_error(429, RATE_LIMITED, _(
            "Rate limit reached: %(limit)s requests per %(window)s. Retry after %(seconds)s seconds.",
            limit=limit, window=window, seconds=retry_after))
        reply.headers["Retry-After"] = str(retry_after)
        return reply

    def _authenticate(self, exchange):
        """The credential of the bearer token, or a 401 reply whose challenge names the configured URL."""
        ir_http = self.env["ir.http"]
        token = ir_http._mcp_bearer_token_from_headers(exchange.headers)
        credential, reason = ir_http._mcp_authenticate_token(self.env, token)
        if not credential:
            exchange.audit.update(status="auth_failed", error=reason)
            challenge = 'Bearer realm="%s", resource_metadata="%s"' % (
                "Odoo MCP", self._resource_metadata_url(exchange.settings))
            if token:
                challenge += ', error="invalid_token"'
                message = _("The key sent was not accepted: it is mistyped, revoked or expired, past its rotation "
                            "grace period, or its user is archived. Check it under MCP Server → Keys (the Audit "
                            "Log says why), or generate a new one.")
            else:
                message = _("Authentication required: send 'Authorization: Bearer <key>' with a valid MCP key.")
            reply = self._http_error(401, jsonrpc.INVALID_REQUEST, message)
            reply.headers["WWW-Authenticate"] = challenge
            return reply
        exchange.audit.update(key_id=credential.key_id, user_id=credential.user_id)
        return credential

    def _add_cors_headers(self, reply, exchange):
        origin = exchange.header("Origin")
        if origin and reply.status != 403 and exchange.settings["public_origins"].origin_allowed(origin):
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
            reply.headers["Vary"] = "Origin"

    @api.model
    def _http_error(self, status, code, message, request_id=None, data=None):
        return McpReply(status, jsonrpc.error_response(request_id, JsonRpcError(code, message, data)))

    def _end_session(self, exchange):
        session_id = exchange.header("MCP-Session-Id")
        exchange.audit["session_id"] = session_id
        if not session_id:
            exchange.audit["error"] = "missing MCP-Session-Id"
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _("Missing MCP-Session-Id header."))
        if not self.env["mcp.session"].sudo()._end(session_id, exchange.credential):
            exchange.audit["error"] = "unknown session"
            return self._http_error(404, jsonrpc.INVALID_REQUEST, _("Unknown or ended session."))
        exchange.audit["status"] = "success"
        return McpReply(204)

    # ------------------------------------------------------------------
    # Hooks for addons
    # ------------------------------------------------------------------
    def _exception_reply(self, exc, call, request_id):
        """An HTTP reply for an exception a method handler raised, or None to answer it as an internal error.

        Authentication addons answer their own exceptions here (the OAuth addon: 403 ``insufficient_scope``
        with a step-up challenge)."""
        return None
