"""``subscriptions/listen`` (2026-07-28, basic/patterns/subscriptions): a long-lived SSE stream of notifications.

The stream opens with ``notifications/subscriptions/acknowledged`` (the subset of the filter this server
honours), then carries ``notifications/resources/updated`` for the subscribed resources whose changes are
announced with PostgreSQL ``NOTIFY`` on ``JOB_CHANNEL`` (one LISTEN connection, as job progress streams), and
ends, before the worker's time limit or when the client hangs up (at once when nothing asked for is
honoured), with the request's ``complete`` result.
Every message carries ``io.modelcontextprotocol/subscriptionId`` (the request's id) in ``_meta``.

The core announces no list changes (its lists change only with the configuration). Addons add the resources
whose updates they announce by extending :meth:`_listen_resources`.
"""
import select
import time

from odoo import SUPERUSER_ID, _, api, models
from odoo.http import request

from ..lib import jsonrpc
from ..lib.job_watch import JobWatch
from ..lib.jsonrpc import JsonRpcError
from .mcp_server import RATE_LIMITED
from .mcp_server_sse import KEEPALIVE_SECONDS, client_gone, stream_seconds
from .mcp_server_stream import sse_event

SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId"
MAX_RESOURCE_SUBSCRIPTIONS = 50
LIST_CHANGED = ("toolsListChanged", "promptsListChanged", "resourcesListChanged")


class McpServerListen(models.AbstractModel):
    _inherit = "mcp.server"

    def _method_handlers(self, call):
        handlers = super()._method_handlers(call)
        if call.modern:
            handlers["subscriptions/listen"] = self._rpc_subscriptions_listen
        return handlers

    def _listen_resources(self, call, uris):
        """``{uri: NOTIFY payload}`` for the URIs among ``uris`` whose updates this server announces to ``call``'s
        credential (on ``JOB_CHANNEL``, when the change commits); addons add theirs and call ``super()``."""
        return {}

    def _rpc_subscriptions_listen(self, params, call):
        """Check the filter and keep what is honoured in ``call.listen``; the stream is built by ``_reply``."""
        notifications = params.get("notifications")
        if not isinstance(notifications, dict):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("subscriptions/listen needs a 'notifications' filter object."))
        uris = notifications.get("resourceSubscriptions") or []
        if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris) \
                or len(uris) > MAX_RESOURCE_SUBSCRIPTIONS:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _(
                "resourceSubscriptions must be a list of at most %s resource URIs.", MAX_RESOURCE_SUBSCRIPTIONS))
        watched = {}
        for uri, payload in self._listen_resources(call, uris).items():
            watched.setdefault(payload, []).append(uri)
        acknowledged = {}
        if "resourceSubscriptions" in notifications:
            acknowledged["resourceSubscriptions"] = [uri for uri in uris
                                                     if any(uri in group for group in watched.values())]
        call.listen = {"acknowledged": acknowledged, "watched": watched, "slot_id": None}
        if watched:  # the stream holds a worker: it counts among the credential's open streams
            streams = self.env["mcp.sse.stream"].sudo()
            refusal = streams._refusal(call.credential)
            if refusal:
                call.audit["status"] = "rate_limited"
                raise JsonRpcError(RATE_LIMITED, refusal)
            call.listen["slot_id"] = streams._open(call.credential, stream_seconds() + 5, kind="listen").id
        return {"_meta": {SUBSCRIPTION_ID: call.request_id}}

    def _listen_stream(self, call, response):
        """The stream's events, sent after the request's cursor is closed, on a connection of its own."""
        db_name, meta = self.env.registry.db_name, {SUBSCRIPTION_ID: call.request_id}
        acknowledged, watched, slot_id = (call.listen[key] for key in ("acknowledged", "watched", "slot_id"))
        environ = getattr(request.httprequest, "_HTTPRequest__environ", {}) if request else {}
        client, lifetime = environ.get("werkzeug.socket"), stream_seconds()

        def notification(method, params):
            return sse_event({"jsonrpc": "2.0", "method": method, "params": dict(params, _meta=meta)})

        def events():
            yield notification("notifications/subscriptions/acknowledged", {"notifications": acknowledged})
            if not watched:  # nothing to announce: end at once rather than hold a worker
                yield sse_event(response)
                return
            with JobWatch(db_name, payloads=watched) as watch:
                try:
                    yield from announce(watch, time.monotonic() + lifetime)
                finally:  # the stream's slot is free again
                    watch.cr.rollback()
                    api.Environment(watch.cr, SUPERUSER_ID, {})["mcp.sse.stream"].browse(slot_id)._close()
                    watch.cr.commit()
            yield sse_event(response)

        def announce(watch, deadline):
            last_sent = time.monotonic()
            while (remaining := deadline - time.monotonic()) > 0:
                wake_in = max(min(KEEPALIVE_SECONDS - (time.monotonic() - last_sent), remaining), 0.0)
                payloads = self._listen_wait(watch, client, wake_in)
                if payloads is None:
                    return
                uris = sorted({uri for payload in payloads for uri in watched[payload]})
                if uris:
                    yield b"".join(notification("notifications/resources/updated", {"uri": uri}) for uri in uris)
                    last_sent = time.monotonic()
                elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                    yield b": keep-alive\n\n"
                    last_sent = time.monotonic()

        return events()

    @staticmethod
    def _listen_wait(watch, client, timeout):
        """The payloads announced within ``timeout`` seconds (empty when none), or None when the client left."""
        if not client:
            return watch.notified(timeout)
        notified = watch.notified(0)
        if notified:
            return notified
        ready, _w, _x = select.select([watch.cr._cnx, client], [], [], timeout)
        if client in ready and client_gone(client):
            return None
        return watch.notified(0)
