"""Input-required results for legacy clients: the server asks on the request's own SSE stream.

A handler that needs the client's input (a confirmation, a sampled answer, the client's roots) returns an
input-required result. A modern client gets it as is and retries (MRTR). A legacy client that declared the
capabilities gets the input requests as JSON-RPC requests on the stream of its original request; its
answers (POSTed as JSON-RPC responses) are picked up and the request is run again with them, exactly as a
modern retry, until it completes.
"""
import secrets
import time

from odoo import _, api, models

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError
from ..lib.transport import McpReply

# One logger for the whole transport, whichever file it is in.
from .mcp_server import _logger
from .mcp_server_stream import sse_event

CAPABILITY_OF = {"elicitation/create": "elicitation", "sampling/createMessage": "sampling", "roots/list": "roots"}
REPLY_WAIT_SECONDS = 120
REPLY_POLL_SECONDS = 0.1
MAX_ROUNDS = 5
REQUEST_KEY_PREFIX = "srv-"


class McpServerClientRequests(models.AbstractModel):
    _inherit = "mcp.server"

    def _missing_client_capabilities(self, call, input_requests):
        """The capabilities the input requests need that the client did not declare."""
        needed = {CAPABILITY_OF.get(request.get("method")) for request in input_requests.values()}
        return sorted(name or "?" for name in needed if name not in call.client_capabilities)

    def _input_required_reply(self, call, method, params, result):
        """A legacy request whose handler needs the client's input: asked on its stream, or refused when the
        client cannot answer (no session, or a capability it did not declare)."""
        missing = self._missing_client_capabilities(call, result.get("inputRequests") or {})
        if missing or not call.session_id:
            message = _("This request needs the client to support %s, which it did not declare in initialize.",
                        ", ".join(missing) or _("answering requests on a session"))
            if method != "tools/call":
                return McpReply(200, jsonrpc.error_response(call.request_id, JsonRpcError(
                    jsonrpc.INVALID_REQUEST, message)))
            return McpReply(200, jsonrpc.result_response(call.request_id, {
                "content": [{"type": "text", "text": message}], "isError": True}))
        return McpReply(200, None, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                        stream=self._client_request_stream(call, method, params, result))

    def _store_client_reply(self, exchange, message):
        """A legacy client's answer to a request sent on one of its streams: keep it for that stream."""
        request_key = message.get("id")
        session = self._legacy_session(exchange)
        if isinstance(request_key, str) and request_key.startswith(REQUEST_KEY_PREFIX) and isinstance(session, dict):
            payload = {"error": message["error"]} if isinstance(message.get("error"), dict) else {
                "result": message.get("result") if isinstance(message.get("result"), dict) else {}}
            self.env["mcp.client.reply"].sudo()._store(exchange.header("MCP-Session-Id"), request_key, payload)

    def _client_request_stream(self, call, method, params, result):
        """SSE: the input requests of ``result`` sent to the client, the request run again with its answers,
        until a final response (bounded in rounds and waiting time)."""
        registry = self.env.registry
        uid, context = self.env.uid, dict(self.env.context)
        log_payloads = call.credential.captures_payloads(call.settings["log_payloads"])
        too_many = _("The request needed too many rounds of input.")
        no_answer = _("The client did not answer in time.")

        def stream():
            current, rounds = result, 0
            while True:
                if not (isinstance(current, dict) and current.get("resultType") == "input_required"):
                    yield sse_event(jsonrpc.result_response(call.request_id, current))
                    return
                rounds += 1
                if rounds > MAX_ROUNDS:
                    yield sse_event(self._stream_error(call, too_many))
                    return
                token = REQUEST_KEY_PREFIX + secrets.token_urlsafe(12)
                keys = {"%s-%s" % (token, key): key for key in current.get("inputRequests") or {}}
                for request_key, key in keys.items():
                    request = current["inputRequests"][key]
                    yield sse_event({"jsonrpc": "2.0", "id": request_key, "method": request["method"],
                                     "params": request.get("params") or {}})
                answers = self._wait_for_replies(registry, uid, context, call.session_id, keys)
                if answers is None:
                    yield sse_event(self._stream_error(call, no_answer))
                    return
                call.input_responses, call.request_state = answers, current.get("requestState")
                call.retried, call.notifications = True, []
                response = self._run_again(registry, uid, context, call, method, params, log_payloads)
                yield from (sse_event(notification) for notification in call.notifications)
                if "error" in response:
                    yield sse_event(response)
                    return
                current = response["result"]

        return stream()

    def _stream_error(self, call, message):
        return jsonrpc.error_response(call.request_id, JsonRpcError(jsonrpc.INTERNAL_ERROR, message))

    @staticmethod
    def _wait_for_replies(registry, uid, context, session_id, keys):
        """``{input key: the client's result}`` once every request is answered; None after the wait limit."""
        answers, deadline = {}, time.monotonic() + REPLY_WAIT_SECONDS
        while len(answers) < len(keys):
            if time.monotonic() > deadline:
                return None
            time.sleep(REPLY_POLL_SECONDS)
            with registry.cursor() as cr:
                replies = api.Environment(cr, uid, context)["mcp.client.reply"].sudo()
                for request_key, key in keys.items():
                    if key not in answers:
                        payload = replies._take(session_id, request_key)
                        if payload is not None:
                            # A client that refuses answers with an error: the handler sees it as declined.
                            answers[key] = payload.get("result") or {"action": "decline", "error": payload.get(
                                "error")}
        return answers

    @staticmethod
    def _run_again(registry, uid, context, call, method, params, log_payloads):
        """Run the request again, with the client's answers, in a transaction of its own; audited.

        The wait may last minutes: the credential is checked again and its profile read as it is now, as for
        approvals and background jobs (a key revoked meanwhile runs nothing)."""
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, context)
            server = env["mcp.server"]
            audit = {"method": method, "key_id": call.credential.key_id, "user_id": uid,
                     "session_id": call.session_id, "status": "success"}
            refusal = None
            if not server._settings()["enabled"]:
                refusal = ("server disabled", _("The MCP server was turned off in Settings while waiting for the "
                                                "client's answer: nothing was run."))
            elif not env["ir.http"]._mcp_credential_active(env, call.credential):
                refusal = ("credential no longer active", _(
                    "The key or connection was revoked or expired while waiting for the client's answer: "
                    "nothing was run."))
            if refusal:
                response = jsonrpc.error_response(call.request_id, JsonRpcError(jsonrpc.INVALID_REQUEST, refusal[1]))
                audit.update(status="denied", error=refusal[0], response=response)
                env["mcp.audit.log"].sudo()._log(audit, log_payloads=log_payloads)
                return response
            call.credential = call.credential.with_profile(env["ir.http"]._mcp_current_profile_id(env, call.credential))
            call.policy = env["mcp.access.policy"]._load(call.credential.profile_id)
            try:
                result = server._dispatch(method, params, call, {})
                response = jsonrpc.result_response(call.request_id, result)
                if isinstance(result, dict) and result.get("isError"):
                    audit.update(status=call.audit.pop("status", "tool_error"), error=call.audit.pop("error", None))
            except JsonRpcError as exc:
                cr.rollback()
                response = jsonrpc.error_response(call.request_id, exc)
                audit.update(status=call.audit.pop("status", "protocol_error"), error=exc.message)
            except Exception as exc:  # noqa: BLE001 - the stream must end with an answer
                _logger.exception("MCP: internal error in %s after the client's input", method)
                cr.rollback()
                response = jsonrpc.error_response(call.request_id, JsonRpcError(
                    jsonrpc.INTERNAL_ERROR, _("Internal error")))
                audit.update(status="internal_error", error="%s: %s" % (type(exc).__name__, exc))
            audit.update({k: v for k, v in call.audit.items() if k in server._audit_call_keys()})
            audit["response"] = response
            env["mcp.audit.log"].sudo()._log(audit, log_payloads=log_payloads)
        return response
