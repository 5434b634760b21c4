"""Base class of the event subscription tests, and a local HTTP receiver standing in for the outside world."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests.common import _super_send

NETWORKS_PARAM = "mcp_server_events.allowed_networks"


class Receiver:
    """A webhook receiver on 127.0.0.1: records every request; ``script`` says how to answer the next ones
    (``"ok"``, ``("status", 500)``, ``("sleep", seconds)``), then 200."""

    def __init__(self):
        self.requests = []
        self.script = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "at": time.monotonic()})
                step = receiver.script.pop(0) if receiver.script else "ok"
                status = 200
                if isinstance(step, tuple) and step[0] == "sleep":
                    time.sleep(step[1])
                elif isinstance(step, tuple):
                    status = step[1]
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%s/hook" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class EventsCase(McpCase):
    """``McpCase`` plus helpers: subscribe through the tool, run the delivery queue, read feeds."""

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        # The local receiver is the outside world of these tests: sent as is, with the delivery's own timeouts
        # (Odoo's test harness would raise them to 10 s).
        if urlsplit(request.url).hostname == "127.0.0.1":
            return _super_send(session, request, **kwargs)
        return super()._request_handler(session, request, **kwargs)

    def setUp(self):
        super().setUp()
        self.Event = self.env["mcp.event"].sudo()
        self.Subscription = self.env["mcp.event.subscription"].sudo()
        # Start from an empty queue and no subscription, whatever the database holds (rolled back after each test).
        self.Subscription.search([]).unlink()
        self.env["ir.config_parameter"].sudo().set_param(NETWORKS_PARAM, "")
        self.env.registry.clear_cache()

    def allow_local_network(self):
        self.env["ir.config_parameter"].sudo().set_param(NETWORKS_PARAM, "127.0.0.1/32")
        self.env.registry.clear_cache()

    def start_receiver(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        return receiver

    def subscribe(self, secret, model="res.partner", events=("write",), target=None, **extra):
        arguments = dict(extra, model=model, events=list(events), target=target or {"kind": "feed"})
        return self.tool_ok(secret, "subscribe_events", arguments)

    def deliver(self):
        """Run the delivery queue as the cron does (its commits are the test's savepoints)."""
        with patch.object(self.env.cr, "commit", lambda: None):
            return self.Event._cron_deliver()

    def feed(self, secret, cursor=""):
        return self.tool_ok(secret, "get_events", {"since_cursor": cursor})

    @staticmethod
    def body(request):
        return json.loads(request["body"])
