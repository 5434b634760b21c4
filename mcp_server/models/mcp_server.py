"""JSON-RPC dispatch and the Streamable HTTP transport rules of ``/mcp``."""
import base64
import json
import logging
import time
from urllib.parse import urlsplit

from odoo import _, api, models, release, tools
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..lib import jsonrpc
from ..lib.call_context import CallContext
from ..lib.ip_rules import IpRuleError, ip_allowed, parse_networks
from ..lib.jsonrpc import InsufficientScope, JsonRpcError
from .mcp_session import LOG_LEVELS, credential_ref

_logger = logging.getLogger(__name__)

SERVER_NAME = "odoo-mcp-server"
SERVER_TITLE = "Odoo MCP Server"
PAGE_SIZE = 50
CORS_ALLOW_HEADERS = "Authorization, Content-Type, Accept, MCP-Protocol-Version, MCP-Session-Id, Last-Event-ID"
CORS_EXPOSE_HEADERS = "MCP-Session-Id, MCP-Protocol-Version, WWW-Authenticate"
SESSIONLESS_METHODS = {"initialize", "ping"}
RATE_LIMITED = -32000
# Below Odoo's default limit_time_real (120 s), past which a worker handling the request is killed.
STREAM_SECONDS = 60
STREAM_POLL_SECONDS = 0.25


def parse_networks_or_nothing(text):
    """Parsed networks of a Settings list; an invalid list blocks nothing but is logged."""
    try:
        return parse_networks(text)
    except IpRuleError as exc:
        _logger.error("MCP: ignoring invalid network list in Settings: %s", exc)
        return ()


def is_retryable(exc):
    """Concurrency errors that Odoo answers by replaying the whole request."""
    return isinstance(exc, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)


class McpReply:
    """What the controller sends back: status, JSON payload (or none) and headers."""

    def __init__(self, status=200, payload=None, headers=None, stream=None):
        self.status = status
        self.payload = payload
        self.headers = headers or {}
        # A generator of Server-Sent Events, sent instead of ``payload`` (progress of a long call).
        self.stream = stream


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
        """Every setting read with one query, cached per worker; Odoo clears the cache in every worker
        when a parameter changes."""
        self.env.cr.execute(SQL(
            "SELECT key, value FROM ir_config_parameter WHERE key LIKE %s OR key = 'web.base.url'", "mcp_server.%"))
        params = dict(self.env.cr.fetchall())

        def get(key, default=""):
            return params.get(key, default)

        def as_int(key, default):
            try:
                return int(get(key, default))
            except (TypeError, ValueError):
                return default

        def as_bool(key, default):
            return get(key, default) not in ("False", "0", "")

        return {
            "enabled": as_bool("mcp_server.enabled", "True"),
            "allowed_origins": get("mcp_server.allowed_origins"),
            "log_payloads": as_bool("mcp_server.log_payloads", "False"),
            "show_internal_errors": as_bool("mcp_server.show_internal_errors", "False"),
            "max_payload_kb": as_int("mcp_server.max_payload_kb", 512),
            "max_response_kb": as_int("mcp_server.max_response_kb", 80),
            "default_limit": as_int("mcp_server.default_limit", 80),
            "max_limit": as_int("mcp_server.max_limit", 500),
            "base_url": get("web.base.url"),
            "redis_url": get("mcp_server.redis_url").strip(),
            "rate_limit_minute": as_int("mcp_server.rate_limit_minute", 0),
            "rate_limit_day": as_int("mcp_server.rate_limit_day", 0),
            "global_rate_limit_minute": as_int("mcp_server.global_rate_limit_minute", 0),
            "global_rate_limit_day": as_int("mcp_server.global_rate_limit_day", 0),
            # Requests without a valid credential, per client address: they cannot flood the audit log.
            "anonymous_rate_limit_minute": as_int("mcp_server.anonymous_rate_limit_minute", 300),
            "ip_allow": parse_networks_or_nothing(get("mcp_server.ip_allow")),
            "ip_deny": parse_networks_or_nothing(get("mcp_server.ip_deny")),
        }

    @api.model
    def _resource_metadata_url(self, base_url):
        return "%s/.well-known/oauth-protected-resource/mcp" % base_url.rstrip("/")

    # ------------------------------------------------------------------
    # HTTP entry point
    # ------------------------------------------------------------------
    @api.model
    def _handle_http(self, http_method, headers, body, remote_addr, base_url):
        """Handle one HTTP request to /mcp and write its audit row(s).

        ``headers`` is a case-insensitive mapping, ``body`` the raw bytes (or None
        when the request was refused for its size before reading).
        """
        started = time.perf_counter()
        settings = self._settings()
        settings["base_url"] = base_url or settings["base_url"]
        audit = {"ip": remote_addr, "method": http_method}
        audit_rows = []
        reply = None
        try:
            reply = self._route(http_method, headers, body, settings, audit, audit_rows)
        except Exception as exc:
            if is_retryable(exc):
                raise  # Odoo replays the whole request on concurrency errors
            _logger.exception("MCP: unexpected error while handling %s /mcp", http_method)
            self.env.cr.rollback()
            message = _("Internal error")
            if settings["show_internal_errors"]:
                message = "%s: %s" % (message, exc)
            reply = McpReply(500, jsonrpc.error_response(None, JsonRpcError(jsonrpc.INTERNAL_ERROR, message)))
            audit.update(status="internal_error", error=str(exc))
        if not audit.get("user_id"):
            exceeded = self.env["mcp.rate.limiter"]._hit_address(remote_addr, settings)
            if exceeded:
                # Past the limit, requests without a valid credential are refused and leave no audit row.
                return self._rate_limited(exceeded, {})
        self._add_cors_headers(reply, headers, settings)
        elapsed = (time.perf_counter() - started) * 1000.0
        log = self.env["mcp.audit.log"].sudo()
        if not audit_rows:
            audit.setdefault("status", "success" if reply.status < 400 else "protocol_error")
            audit_rows.append(audit)
        for row in audit_rows:
            row.setdefault("http_status", reply.status)
            row.setdefault("duration_ms", elapsed)
            log._log(row, log_payloads=settings["log_payloads"])
        return reply

    def _route(self, http_method, headers, body, settings, audit, audit_rows):
        if not settings["enabled"]:
            audit["error"] = "server disabled"
            return self._http_error(503, jsonrpc.INTERNAL_ERROR, _("The MCP server is disabled in Settings."))
        origin = headers.get("Origin")
        if origin and not self._origin_allowed(origin, settings):
            audit["error"] = "origin not allowed: %s" % origin[:200]
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _("Origin not allowed."))
        if http_method == "OPTIONS":
            return McpReply(204, None, {
                "Access-Control-Allow-Methods": "POST, GET, DELETE, OPTIONS",
                "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                "Access-Control-Max-Age": "86400",
            })
        if http_method == "GET":
            audit["error"] = "no server-initiated stream"
            return McpReply(405, None, {"Allow": "POST, DELETE, OPTIONS"})

        client_ip = audit["ip"]
        if not ip_allowed(client_ip, settings["ip_allow"], settings["ip_deny"]):
            audit.update(status="denied", error="address %s refused by the server's network rules" % client_ip)
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _("Access from your network address is not allowed."))
        credential = self._authenticate(headers, settings, audit)
        if isinstance(credential, McpReply):
            return credential
        policy = self.env["mcp.access.policy"]._load(credential.get("profile_id"))
        governance = policy.governance
        if not (ip_allowed(client_ip, governance["ip_allow"], governance["ip_deny"])
                and ip_allowed(client_ip, credential.get("ip_allow", ()), credential.get("ip_deny", ()))):
            audit.update(status="denied", error="address %s refused by the key's network rules" % client_ip)
            return self._http_error(403, jsonrpc.INVALID_REQUEST, _(
                "This key may not be used from your network address."))
        credential = dict(
            credential,
            rate_limit_minute=credential.get("rate_limit_minute") or governance["rate_limit_minute"],
            rate_limit_day=credential.get("rate_limit_day") or governance["rate_limit_day"],
        )
        exceeded = self.env["mcp.rate.limiter"]._hit(credential, settings, self._message_count(body))
        if exceeded:
            return self._rate_limited(exceeded, audit)
        server = self.with_user(credential["user_id"])
        server = server.with_context(**server.env["res.users"].context_get())
        if http_method == "DELETE":
            return server._end_session(headers, credential, audit)
        return server._handle_post(headers, body, credential, policy, settings, audit, audit_rows)

    @api.model
    def _message_count(self, body):
        """How many JSON-RPC messages a POST carries, for the rate limits: one, or each message of a batch."""
        if not body or body.lstrip()[:1] != b"[":
            return 1
        try:
            return max(1, len(json.loads(body)))
        except (ValueError, TypeError):
            return 1

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

    def _authenticate(self, headers, settings, audit):
        """The credential of the bearer token, or a 401 reply."""
        ir_http = self.env["ir.http"]
        token = ir_http._mcp_bearer_token_from_headers(headers)
        credential, reason = ir_http._mcp_authenticate_token(self.env, token)
        if not credential:
            audit.update(status="auth_failed", error=reason)
            challenge = 'Bearer realm="%s", resource_metadata="%s"' % (
                "Odoo MCP", self._resource_metadata_url(settings["base_url"]))
            if token:
                challenge += ', error="invalid_token"'
            reply = self._http_error(401, jsonrpc.INVALID_REQUEST, _(
                "Authentication required: send 'Authorization: Bearer <key>' with a valid MCP key."))
            reply.headers["WWW-Authenticate"] = challenge
            return reply
        audit.update(key_id=credential.get("key_id"), user_id=credential["user_id"])
        return credential

    def _origin_allowed(self, origin, settings):
        origin = origin.rstrip("/").lower()
        own = urlsplit(settings["base_url"])
        if own.scheme and origin == ("%s://%s" % (own.scheme, own.netloc)).lower():
            return True
        allowed = {o.strip().rstrip("/").lower() for o in settings["allowed_origins"].replace(",", " ").split()}
        return "*" in allowed or origin in allowed

    def _add_cors_headers(self, reply, headers, settings):
        origin = headers.get("Origin")
        if origin and reply.status != 403 and self._origin_allowed(origin, settings):
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
            reply.headers["Vary"] = "Origin"

    @api.model
    def _http_error(self, status, code, message, request_id=None):
        return McpReply(status, jsonrpc.error_response(request_id, JsonRpcError(code, message)))

    def _end_session(self, headers, credential, audit):
        session_id = headers.get("MCP-Session-Id")
        audit["session_id"] = session_id
        if not session_id:
            audit["error"] = "missing MCP-Session-Id"
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _("Missing MCP-Session-Id header."))
        if not self.env["mcp.session"].sudo()._end(session_id, credential):
            audit["error"] = "unknown session"
            return self._http_error(404, jsonrpc.INVALID_REQUEST, _("Unknown or ended session."))
        audit["status"] = "success"
        return McpReply(204)

    # ------------------------------------------------------------------
    # POST: JSON-RPC messages
    # ------------------------------------------------------------------
    def _handle_post(self, headers, body, credential, policy, settings, audit, audit_rows):
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            audit["error"] = "unsupported content type"
            return self._http_error(415, jsonrpc.INVALID_REQUEST, _("Content-Type must be application/json."))
        accept = (headers.get("Accept") or "").lower()
        if accept and not any(t in accept for t in ("application/json", "*/*", "application/*")):
            audit["error"] = "unacceptable Accept header"
            return self._http_error(406, jsonrpc.INVALID_REQUEST, _("The client must accept application/json."))
        if body is None:
            audit["error"] = "payload too large"
            return self._http_error(413, jsonrpc.INVALID_REQUEST, _(
                "Request body exceeds %s KB.", settings["max_payload_kb"]))
        header_version = headers.get("MCP-Protocol-Version")
        if header_version and header_version not in jsonrpc.SUPPORTED_PROTOCOL_VERSIONS:
            audit["error"] = "unsupported protocol version %s" % header_version[:40]
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "Unsupported MCP-Protocol-Version %(version)s; supported: %(supported)s.",
                version=header_version, supported=", ".join(jsonrpc.SUPPORTED_PROTOCOL_VERSIONS)))
        try:
            message = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            audit["error"] = "parse error"
            return self._http_error(400, jsonrpc.PARSE_ERROR, _("Parse error: the body is not valid JSON."))

        session = None
        session_id = headers.get("MCP-Session-Id")
        if session_id:
            audit["session_id"] = session_id
            session = self.env["mcp.session"].sudo()._find(session_id, credential)
            if not session:
                audit["error"] = "unknown session"
                return self._http_error(404, jsonrpc.INVALID_REQUEST, _(
                    "Unknown or ended session: start a new one with initialize."))
        version = header_version or (session and session["protocol_version"]) or jsonrpc.DEFAULT_PROTOCOL_VERSION

        if isinstance(message, list):
            if version != "2025-03-26" or not message:
                audit["error"] = "batch not supported"
                return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                    "JSON-RPC batches are not supported in protocol version %s.", version))
            replies = []
            for item in message:
                reply = self._handle_message(item, credential, policy, settings, session, session_id, version,
                                             audit, audit_rows)
                if reply.payload is not None:
                    replies.append(reply.payload)
            return McpReply(200, replies) if replies else McpReply(202)
        return self._handle_message(message, credential, policy, settings, session, session_id, version, audit,
                                    audit_rows)

    def _handle_message(self, message, credential, policy, settings, session, session_id, version, base_audit,
                        audit_rows):
        started = time.perf_counter()
        audit = dict(base_audit, status="success")
        audit_rows.append(audit)
        audit["request"] = message
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            audit.update(status="protocol_error", error="invalid request")
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "Invalid request: expected a JSON-RPC 2.0 object with 'jsonrpc': '2.0'."),
                message.get("id") if isinstance(message, dict) else None)
        method = message.get("method")
        request_id = message.get("id")
        if method is None:
            # A response from the client (to a server request): nothing to answer.
            audit["method"] = "response"
            return McpReply(202)
        audit["method"] = str(method)[:128]
        if not isinstance(method, str) or (
                "id" in message and (request_id is None or isinstance(request_id, (bool, dict, list, float)))):
            audit.update(status="protocol_error", error="invalid request")
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "Invalid request: 'method' must be a string and 'id' a string or an integer."), None)
        params = message.get("params")
        if params is not None and not isinstance(params, dict):
            audit.update(status="protocol_error", error="params must be an object")
            return McpReply(200, jsonrpc.error_response(request_id, JsonRpcError(
                jsonrpc.INVALID_PARAMS, _("'params' must be an object."))))
        params = params or {}
        if "id" not in message:
            self._handle_notification(method, params, credential, session_id)
            audit["duration_ms"] = (time.perf_counter() - started) * 1000.0
            return McpReply(202)
        if method not in SESSIONLESS_METHODS and not session_id:
            audit.update(status="protocol_error", error="missing MCP-Session-Id")
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "Missing MCP-Session-Id header: call initialize first and send the session id it returns."),
                request_id)

        call = CallContext(credential, policy, session, version, settings)
        call.session_id = session_id
        call.request_id = request_id
        meta = params.get("_meta") if isinstance(params.get("_meta"), dict) else {}
        progress_token = meta.get("progressToken")
        call.stream_progress = method == "tools/call" and isinstance(progress_token, (str, int)) \
            and not isinstance(progress_token, bool)
        headers = {}
        step_up = None
        try:
            if method == "tools/call":
                # The registry runs each tool in its own savepoint.
                result = self._dispatch(method, params, call, headers)
            else:
                with self.env.cr.savepoint():
                    result = self._dispatch(method, params, call, headers)
            response = jsonrpc.result_response(request_id, result)
            if isinstance(result, dict) and result.get("isError"):
                audit["status"] = call.audit.pop("status", "tool_error")
                audit["error"] = call.audit.pop("error", None)
        except JsonRpcError as exc:
            response = jsonrpc.error_response(request_id, exc)
            # A policy denial answered as a protocol error (resources, prompts) is still audited as denied.
            audit.update(status=call.audit.pop("status", "protocol_error"), error=exc.message)
        except InsufficientScope as exc:
            step_up = exc
            response = jsonrpc.error_response(request_id, JsonRpcError(jsonrpc.INVALID_REQUEST, exc.message))
            audit.update(status="denied", error=exc.message)
        except Exception as exc:
            if is_retryable(exc):
                raise
            _logger.exception("MCP: internal error in %s", method)
            text = _("Internal error")
            if settings["show_internal_errors"]:
                text = "%s: %s" % (text, exc)
            response = jsonrpc.error_response(request_id, JsonRpcError(jsonrpc.INTERNAL_ERROR, text))
            audit.update(status="internal_error", error="%s: %s" % (type(exc).__name__, exc))
        audit.update({k: v for k, v in call.audit.items() if k in ("tool", "model", "record_ids")})
        audit["response"] = response
        audit["duration_ms"] = (time.perf_counter() - started) * 1000.0
        if step_up:
            return McpReply(403, response, {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="%s", '
                                            'resource_metadata="%s"' % (
                                                step_up.scope, self._resource_metadata_url(settings["base_url"]))})
        if call.job_id and call.stream_progress and "result" in response:
            return McpReply(200, None, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                            stream=self._job_event_stream(call.job_id, request_id, progress_token))
        if "session_id" in headers:
            audit["session_id"] = headers["session_id"]
            return McpReply(200, response, {
                "MCP-Session-Id": headers["session_id"], "MCP-Protocol-Version": result["protocolVersion"]})
        return McpReply(200, response)

    def _handle_notification(self, method, params, credential, session_id):
        """Notifications need no answer. ``notifications/cancelled`` stops the job of that request."""
        if method == "notifications/cancelled" and session_id and params.get("requestId") is not None:
            jobs = self.env["mcp.job"].sudo().search([
                ("session_id", "=", session_id), ("request_id", "=", str(params["requestId"])),
                ("credential_ref", "=", credential_ref(credential)), ("state", "in", ("queued", "running"))])
            jobs._request_cancel()

    def _job_event_stream(self, job_id, request_id, progress_token):
        """Server-Sent Events: progress notifications of a job, then the JSON-RPC response.

        Runs after the request's cursor is closed, so it polls the job with short-lived cursors of its own,
        and stops after ``STREAM_SECONDS`` with a 'still running' result that names the job.
        """
        registry = self.env.registry
        uid, context = self.env.uid, dict(self.env.context)

        def event(message):
            return ("event: message\ndata: %s\n\n" % json.dumps(message, default=str)).encode()

        def stream():
            deadline = time.monotonic() + STREAM_SECONDS
            last_progress = None
            while True:
                with registry.cursor() as cr:
                    job = api.Environment(cr, uid, context)["mcp.job"].sudo().browse(job_id)
                    state, progress, message = job.state, job.progress, job.progress_message
                    finished = state in ("done", "failed", "cancelled") or time.monotonic() > deadline
                    result = job._tool_result() if finished else None
                if progress != last_progress and not finished:
                    last_progress = progress
                    params = {"progressToken": progress_token, "progress": progress, "total": 100}
                    if message:
                        params["message"] = message
                    yield event({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})
                if finished:
                    yield event(jsonrpc.result_response(request_id, result))
                    return
                time.sleep(STREAM_POLL_SECONDS)

        return stream()

    # ------------------------------------------------------------------
    # Methods
    # ------------------------------------------------------------------
    def _dispatch(self, method, params, call, headers):
        handlers = {
            "initialize": self._rpc_initialize,
            "ping": self._rpc_ping,
            "tools/list": self._rpc_tools_list,
            "tools/call": self._rpc_tools_call,
            "resources/list": self._rpc_resources_list,
            "resources/templates/list": self._rpc_resource_templates_list,
            "resources/read": self._rpc_resources_read,
            "prompts/list": self._rpc_prompts_list,
            "prompts/get": self._rpc_prompts_get,
            "completion/complete": self._rpc_completion_complete,
            "logging/setLevel": self._rpc_logging_set_level,
        }
        handler = handlers.get(method)
        if handler is None:
            raise JsonRpcError(jsonrpc.METHOD_NOT_FOUND, _("Method not found: %s", method))
        if method == "initialize":
            return handler(params, call, headers)
        return handler(params, call)

    def _rpc_initialize(self, params, call, headers):
        requested = params.get("protocolVersion")
        if not isinstance(requested, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("initialize needs a 'protocolVersion' string."))
        version = requested if requested in jsonrpc.SUPPORTED_PROTOCOL_VERSIONS else jsonrpc.LATEST_PROTOCOL_VERSION
        client_info = params.get("clientInfo") if isinstance(params.get("clientInfo"), dict) else {}
        headers["session_id"] = self.env["mcp.session"].sudo()._open(call.credential, version, client_info)
        module = self.env["ir.module.module"].sudo().search([("name", "=", "mcp_server")], limit=1)
        return {
            "protocolVersion": version,
            "capabilities": {
                "tools": {"listChanged": False},
                "resources": {"subscribe": False, "listChanged": False},
                "prompts": {"listChanged": False},
                "completions": {},
                "logging": {},
            },
            "serverInfo": {
                "name": SERVER_NAME,
                "title": SERVER_TITLE,
                "version": module.latest_version or module.installed_version or release.version,
            },
            "instructions": self._instructions(),
        }

    def _instructions(self):
        user = self.env.user
        return _(
            "You are connected to the Odoo database '%(db)s' as %(user)s (company: %(company)s, timezone: %(tz)s). "
            "Call list_models to see which models this key may use, describe_model before reading or writing "
            "a model, and search_read with a domain, a few fields and a limit to find records. Domains are "
            "lists of [field, operator, value]; relational values may be given as ids or names. Dates and "
            "times are ISO 8601 in UTC. A result with isError explains what to change.",
            db=self.env.cr.dbname, user=user.name, company=user.company_id.name, tz=user.tz or "UTC")

    def _rpc_ping(self, params, call):
        return {}

    def _rpc_logging_set_level(self, params, call):
        level = params.get("level")
        if level not in LOG_LEVELS:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Unknown log level %(level)s; use one of %(levels)s.",
                                                         level=level, levels=", ".join(LOG_LEVELS)))
        if call.session:
            self.env["mcp.session"].sudo()._set_log_level(call.session["id"], level)
        return {}

    def _rpc_tools_list(self, params, call):
        registry = self.env["mcp.tool.registry"]
        tools = [tool.describe() for tool in registry._catalog_for(call)]
        return self._paginate(tools, params, "tools")

    def _rpc_tools_call(self, params, call):
        name = params.get("name")
        arguments = params.get("arguments")
        if not isinstance(name, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("tools/call needs the tool 'name'."))
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("'arguments' must be an object."))
        call.note(tool=name)
        return self.env["mcp.tool.registry"]._call_tool(name, arguments, call)

    # ------------------------------------------------------------------
    # Pagination
    # ------------------------------------------------------------------
    @api.model
    def _paginate(self, items, params, key, page_size=PAGE_SIZE):
        """Cursor pagination: the cursor is an opaque token holding the next offset."""
        offset = 0
        cursor = params.get("cursor")
        if cursor is not None:
            try:
                offset = int(json.loads(base64.urlsafe_b64decode(str(cursor).encode()).decode())["o"])
                if offset < 0:
                    raise ValueError
            except (ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
                raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Invalid cursor.")) from None
        page = items[offset:offset + page_size]
        result = {key: page}
        if offset + page_size < len(items):
            result["nextCursor"] = base64.urlsafe_b64encode(json.dumps({"o": offset + page_size}).encode()).decode()
        return result
