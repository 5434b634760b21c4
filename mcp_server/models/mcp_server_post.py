"""POST /mcp: one JSON-RPC message (a batch in 2025-03-26), served in the era the client opened with.

Legacy era (2025-11-25 and earlier): ``initialize`` opens a session, later requests name it. Modern era
(2026-07-28): every request carries its version, client capabilities and client info in ``_meta``, and the
``MCP-Protocol-Version``/``Mcp-Method``/``Mcp-Name`` headers mirror the body (``mcp_server_headers.py``).
"""
import time

from odoo import _, models

from ..lib import jsonrpc
from ..lib.call_context import LEGACY, MODERN, CallContext
from ..lib.jsonrpc import BodyError, JsonRpcError
from ..lib.transport import McpReply

# One logger for the whole transport, whichever file it is in.
from .mcp_server import _logger, is_retryable

SESSIONLESS_METHODS = {"initialize", "ping"}
MODERN_ERROR_STATUS = {jsonrpc.METHOD_NOT_FOUND: 404, jsonrpc.HEADER_MISMATCH: 400,
                       jsonrpc.MISSING_CLIENT_CAPABILITY: 400, jsonrpc.UNSUPPORTED_PROTOCOL_VERSION: 400}


class McpServerPost(models.AbstractModel):
    _inherit = "mcp.server"

    def _handle_post(self, exchange):
        refused = self._check_post_headers(exchange)
        if refused:
            return refused
        try:
            message = jsonrpc.parse_body(exchange.body)
        except BodyError as exc:
            exchange.audit["error"] = exc.message
            return self._http_error(400, exc.code, exc.message)
        if isinstance(message, list):
            return self._handle_batch(exchange, message)
        return self._handle_message(exchange, message)

    def _check_post_headers(self, exchange):
        content_type = (exchange.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            exchange.audit["error"] = "unsupported content type"
            return self._http_error(415, jsonrpc.INVALID_REQUEST, _("Content-Type must be application/json."))
        accept = (exchange.header("Accept") or "").lower()
        if accept and not any(t in accept for t in ("application/json", "*/*", "application/*")):
            exchange.audit["error"] = "unacceptable Accept header"
            return self._http_error(406, jsonrpc.INVALID_REQUEST, _("The client must accept application/json."))
        if exchange.body is None:
            exchange.audit["error"] = "payload too large"
            return self._http_error(413, jsonrpc.INVALID_REQUEST, _(
                "Request body exceeds %s KB: send less data per call (fewer records or smaller values), or ask an "
                "administrator to raise Settings → MCP Server → Maximum request size.",
                exchange.settings["max_payload_kb"]))
        return None

    def _handle_batch(self, exchange, messages):
        """JSON-RPC batches exist only in the 2025-03-26 and 2024-11-05 legacy revisions."""
        session = self._legacy_session(exchange)
        if isinstance(session, McpReply):
            return session
        version = exchange.header("MCP-Protocol-Version") or (session or {}).get("protocol_version") \
            or jsonrpc.DEFAULT_PROTOCOL_VERSION
        if version not in jsonrpc.BATCH_PROTOCOL_VERSIONS or not messages:
            exchange.audit["error"] = "batch not supported"
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "JSON-RPC batches are not supported in protocol version %s.", version))
        exchange.batch = True
        replies = [reply.payload for reply in (self._handle_message(exchange, item) for item in messages)
                   if reply.payload is not None]
        return McpReply(200, replies) if replies else McpReply(202)

    # ------------------------------------------------------------------
    # One message
    # ------------------------------------------------------------------
    def _handle_message(self, exchange, message):
        audit = dict(exchange.audit, status="success", request=message)
        exchange.audit_rows.append(audit)
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            audit.update(status="protocol_error", error="invalid request")
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "Invalid request: expected a JSON-RPC 2.0 object with 'jsonrpc': '2.0'."),
                message.get("id") if isinstance(message, dict) else None)
        method, request_id = message.get("method"), message.get("id")
        if method is None:
            # A response from the client to a request the server sent on a stream: kept for that stream.
            audit["method"] = "response"
            self._store_client_reply(exchange, message)
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
        call = self._call_context(exchange, method, params, "id" not in message, audit)
        if isinstance(call, McpReply):
            if call.payload and "error" in call.payload:
                call.payload["id"] = request_id
                audit.update(status="protocol_error", error=call.payload["error"]["message"][:500])
            return call
        if "id" not in message:
            self._handle_notification(method, params, call)
            return McpReply(202)
        call.request_id = request_id
        call.event_stream_accepted = exchange.accepts_event_stream()
        # Key, session and rate-limit bookkeeping commit apart: this transaction holds nothing yet.
        call.owns_transaction = not exchange.batch
        return self._answer(call, method, params, audit)

    def _call_context(self, exchange, method, params, notification, audit):
        """The request object of a message, or the reply refusing it."""
        meta = params.get("_meta")
        header_version = exchange.header("MCP-Protocol-Version")
        modern = (isinstance(meta, dict) and jsonrpc.META_PROTOCOL_VERSION in meta) or (
            header_version in jsonrpc.MODERN_PROTOCOL_VERSIONS and method != "initialize")
        if modern:
            return self._modern_context(exchange, method, params, notification)
        if header_version and header_version not in jsonrpc.ALL_PROTOCOL_VERSIONS and method != "initialize":
            return self._unsupported_version(header_version)
        session = self._legacy_session(exchange)
        if isinstance(session, McpReply):
            return session
        session_id = exchange.header("MCP-Session-Id") if session else None
        if session_id:
            audit["session_id"] = session_id
        if not notification and method not in SESSIONLESS_METHODS and not session_id:
            return self._http_error(400, jsonrpc.INVALID_REQUEST, _(
                "Missing MCP-Session-Id header: call initialize first and send the session id it returns."))
        version = (header_version if header_version in jsonrpc.SUPPORTED_PROTOCOL_VERSIONS else None) \
            or (session or {}).get("protocol_version") or jsonrpc.DEFAULT_PROTOCOL_VERSION
        call = CallContext(exchange.credential, exchange.policy, session, version, exchange.settings)
        call.era, call.session_id = LEGACY, session_id
        call.client_capabilities = (session or {}).get("client_capabilities") or {}
        self._note_progress_token(call, method, meta)
        return call

    def _legacy_session(self, exchange):
        """The session named by ``MCP-Session-Id`` (None without one), or a 404 reply for an unknown one."""
        session_id = exchange.header("MCP-Session-Id")
        if not session_id:
            return None
        session = self.env["mcp.session"].sudo()._find(session_id, exchange.credential)
        if not session:
            exchange.audit["error"] = "unknown session"
            return self._http_error(404, jsonrpc.INVALID_REQUEST, _(
                "Unknown or ended session: start a new one with initialize."))
        return session

    def _modern_context(self, exchange, method, params, notification):
        """Validate a 2026-07-28 request: ``_meta`` fields, version, and the headers that mirror the body."""
        meta = params.get("_meta")
        if not isinstance(meta, dict):
            return self._http_error(400, jsonrpc.INVALID_PARAMS, _(
                "Invalid params: a %s request needs '_meta' with the protocol version and client capabilities.",
                jsonrpc.MODERN_PROTOCOL_VERSIONS[0]))
        version = meta.get(jsonrpc.META_PROTOCOL_VERSION)
        capabilities = meta.get(jsonrpc.META_CLIENT_CAPABILITIES)
        for key, value, kind in ((jsonrpc.META_PROTOCOL_VERSION, version, str),
                                 (jsonrpc.META_CLIENT_CAPABILITIES, capabilities, dict)):
            if not isinstance(value, kind):
                return self._http_error(400, jsonrpc.INVALID_PARAMS, _("Invalid params: _meta needs '%s'.", key))
        header_version = exchange.header("MCP-Protocol-Version")
        if header_version != version:
            return self._header_mismatch("MCP-Protocol-Version", header_version, version)
        if version not in jsonrpc.MODERN_PROTOCOL_VERSIONS:
            return self._unsupported_version(version)
        if not notification:
            refused = self._check_mirrored_headers(exchange, method, params)
            if refused:
                return refused
        call = CallContext(exchange.credential, exchange.policy, None, version, exchange.settings)
        call.era, call.client_capabilities = MODERN, capabilities
        client_info = meta.get(jsonrpc.META_CLIENT_INFO)
        call.client_info = client_info if isinstance(client_info, dict) else {}
        level = meta.get(jsonrpc.META_LOG_LEVEL)
        call.log_level = level if isinstance(level, str) else None
        self._note_progress_token(call, method, meta)
        return self._note_retry(call, params)

    def _note_retry(self, call, params):
        """The answers and state of a multi round-trip retry, checked for shape (their content is the
        handler's business)."""
        responses, state = params.get("inputResponses"), params.get("requestState")
        if "inputResponses" in params and not (
                isinstance(responses, dict) and all(isinstance(v, dict) for v in responses.values())):
            return self._http_error(400, jsonrpc.INVALID_PARAMS, _(
                "Invalid params: 'inputResponses' must map each input request key to the client's result object."))
        if "requestState" in params and not isinstance(state, str):
            return self._http_error(400, jsonrpc.INVALID_PARAMS, _(
                "Invalid params: 'requestState' must be the string the server sent."))
        call.input_responses, call.request_state = responses, state
        call.retried = "inputResponses" in params or "requestState" in params
        return call

    def _unsupported_version(self, requested):
        return self._http_error(400, jsonrpc.UNSUPPORTED_PROTOCOL_VERSION, _(
            "Unsupported protocol version %(requested)s; supported: %(supported)s.", requested=str(requested)[:40],
            supported=", ".join(jsonrpc.ALL_PROTOCOL_VERSIONS)), data={
            "supported": list(jsonrpc.MODERN_PROTOCOL_VERSIONS), "requested": str(requested)[:100]})

    @staticmethod
    def _note_progress_token(call, method, meta):
        token = meta.get("progressToken") if isinstance(meta, dict) else None
        if isinstance(token, (str, int)) and not isinstance(token, bool):
            call.progress_token = token
            call.stream_progress = method == "tools/call"

    # ------------------------------------------------------------------
    # Answering a request
    # ------------------------------------------------------------------
    def _audit_call_keys(self):
        """Keys of ``call.audit`` a tool fills that go on the audit row; addons adding audit columns extend it."""
        return ("tool", "model", "record_ids", "risk")

    def _answer(self, call, method, params, audit):
        started = time.perf_counter()
        headers, reply, result = {}, None, None
        try:
            if method == "tools/call":
                # The registry runs each tool in its own savepoint.
                result = self._dispatch(method, params, call, headers)
            else:
                with self.env.cr.savepoint():
                    result = self._dispatch(method, params, call, headers)
            response = jsonrpc.result_response(call.request_id, self._shape_result(method, result, call))
            if isinstance(result, dict) and result.get("isError"):
                audit["status"] = call.audit.pop("status", "tool_error")
                audit["error"] = call.audit.pop("error", None)
            elif isinstance(result, dict) and result.get("resultType") == "input_required":
                audit["status"] = call.audit.pop("status", "success")
        except JsonRpcError as exc:
            response = jsonrpc.error_response(call.request_id, exc)
            # A policy denial answered as a protocol error (resources, prompts) is still audited as denied.
            audit.update(status=call.audit.pop("status", "protocol_error"), error=exc.message)
            if call.modern:
                reply = McpReply(MODERN_ERROR_STATUS.get(exc.code, 200), response)
        except Exception as exc:
            if is_retryable(exc):
                raise
            reply = self._exception_reply(exc, call, call.request_id)
            if reply is None:
                response = self._internal_error(exc, method, call, audit)
            else:
                response = reply.payload
                audit.update(status="denied", error=(reply.payload or {}).get("error", {}).get("message"))
        keys = self._audit_call_keys()
        audit.update({k: v for k, v in call.audit.items() if k in keys})
        audit["response"] = response
        audit["duration_ms"] = (time.perf_counter() - started) * 1000.0
        if "session_id" in headers:
            audit["session_id"] = headers["session_id"]
        if not call.modern and isinstance(result, dict) and result.get("resultType") == "input_required" \
                and "result" in response:
            return self._input_required_reply(call, method, params, result)
        return reply or self._reply(call, response, headers)

    def _internal_error(self, exc, method, call, audit):
        _logger.exception("MCP: internal error in %s", method)
        text = _("Internal error")
        if call.settings["show_internal_errors"]:
            text = "%s: %s" % (text, exc)
        audit.update(status="internal_error", error="%s: %s" % (type(exc).__name__, exc))
        return jsonrpc.error_response(call.request_id, JsonRpcError(jsonrpc.INTERNAL_ERROR, text))

    def _reply(self, call, response, headers):
        """JSON, or an SSE stream when there are notifications (progress, log messages), a job to follow or a
        subscriptions/listen stream."""
        if call.listen and "result" in response:
            return McpReply(200, None, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                        "X-Accel-Buffering": "no"}, stream=self._listen_stream(call, response))
        if call.job_id and call.stream_progress and "result" in response and self._progress_stream_allowed(call):
            return McpReply(200, None, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                            stream=self._job_event_stream(call))
        if call.notifications and call.event_stream_accepted:
            return McpReply(200, None, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                            stream=self._event_stream([*call.notifications, response]))
        if "session_id" in headers:
            return McpReply(200, response, {"MCP-Session-Id": headers["session_id"],
                                            "MCP-Protocol-Version": response["result"]["protocolVersion"]})
        return McpReply(200, response)

    def _handle_notification(self, method, params, call):
        """Notifications need no answer. ``notifications/cancelled`` stops the job of that request."""
        if method == "notifications/cancelled" and call.session_id and params.get("requestId") is not None:
            jobs = self.env["mcp.job"].sudo().search([
                ("session_id", "=", call.session_id), ("request_id", "=", str(params["requestId"])[:128]),
                ("credential_ref", "=", call.credential.ref), ("state", "in", ("queued", "running"))])
            jobs._request_cancel()
