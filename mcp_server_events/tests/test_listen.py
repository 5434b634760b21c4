import json
import threading
from contextlib import closing
from unittest.mock import patch

from odoo import sql_db
from odoo.addons.mcp_server.lib.job_watch import JOB_CHANNEL
from odoo.addons.mcp_server.models import mcp_server_listen
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.mcp_server_events import FEED_URI, feed_payload
from .common import EventsCase

MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"}}
SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId"


@tagged("post_install", "-at_install")
class TestListen(EventsCase):
    def listen(self, uris, announce=(), lifetime=2.0):
        """POST subscriptions/listen (the stream lasts ``lifetime`` seconds); ``announce``: payloads NOTIFYed
        (and committed, as a change would) half a second after the stream opened. The stream's messages."""
        def notify():
            with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
                for payload in announce:
                    cr.execute(SQL("SELECT pg_notify(%s, %s)", JOB_CHANNEL, payload))
                cr.commit()

        timer = threading.Timer(0.5, notify)
        body = self.message("subscriptions/listen", {"_meta": META, "notifications": {
            "resourceSubscriptions": list(uris), "toolsListChanged": True}})
        with patch.object(mcp_server_listen, "stream_seconds", lambda: lifetime):
            timer.start()
            response = self.http("POST", self.secret_full, body, {"MCP-Protocol-Version": MODERN,
                                                                  "Mcp-Method": "subscriptions/listen"})
        timer.join()
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/event-stream")
        return [json.loads(line[len("data: "):]) for line in response.text.splitlines() if line.startswith("data: ")]

    def test_new_feed_events_are_announced_on_the_listen_stream(self):
        ref = "mcp_key:%s" % self.key_full.id
        ack, *updates, closing_result = self.listen(
            [FEED_URI, "odoo://nope"], announce=[feed_payload("mcp_key:%s" % self.key_b.id), feed_payload(ref)])
        request_id = closing_result["id"]
        self.assertEqual(ack["method"], "notifications/subscriptions/acknowledged")
        self.assertEqual(ack["params"]["notifications"], {"resourceSubscriptions": [FEED_URI]},
                         "unknown resources and list changes are not honoured, so not acknowledged")
        self.assertEqual(ack["params"]["_meta"], {SUBSCRIPTION_ID: request_id})
        self.assertEqual([(u["method"], u["params"]["uri"], u["params"]["_meta"][SUBSCRIPTION_ID]) for u in updates],
                         [("notifications/resources/updated", FEED_URI, request_id)],
                         "another key's feed is not announced")
        self.assertEqual(closing_result["result"]["resultType"], "complete")
        self.assertEqual(closing_result["result"]["_meta"][SUBSCRIPTION_ID], request_id)

    def test_a_listen_stream_counts_among_the_open_streams(self):
        self.listen([FEED_URI], lifetime=0.2)
        slot = self.env["mcp.sse.stream"].sudo().search([("kind", "=", "listen")])
        self.assertEqual(slot.credential_ref, "mcp_key:%s" % self.key_full.id)
        Streams = type(self.env["mcp.sse.stream"])
        with patch.object(Streams, "_refusal", lambda streams, credential: "Too many open streams."):
            body = self.message("subscriptions/listen", {"_meta": META, "notifications": {
                "resourceSubscriptions": [FEED_URI]}})
            response = self.http("POST", self.secret_full, body, {"MCP-Protocol-Version": MODERN,
                                                                  "Mcp-Method": "subscriptions/listen"})
        self.assertEqual(response.json()["error"]["message"], "Too many open streams.")

    def test_a_filter_with_nothing_honoured_ends_at_once(self):
        ack, closing_result = self.listen(["odoo://nope"], lifetime=30)
        self.assertEqual(ack["params"]["notifications"], {"resourceSubscriptions": []})
        self.assertEqual(closing_result["result"]["resultType"], "complete")

    def test_the_feed_resource_and_the_capability(self):
        self.subscribe(self.secret_full, events=["write"], fields=["city"])
        self.acme.write({"city": "Namur"})
        body = self.message("resources/read", {"_meta": META, "uri": FEED_URI})
        response = self.http("POST", self.secret_full, body, {
            "MCP-Protocol-Version": MODERN, "Mcp-Method": "resources/read", "Mcp-Name": FEED_URI})
        content = json.loads(response.json()["result"]["contents"][0]["text"])
        self.assertEqual([(e["id"], e["fields"]["city"]) for e in content["events"]], [(self.acme.id, "Namur")])
        body = self.message("server/discover", {"_meta": META})
        response = self.http("POST", self.secret_full, body, {"MCP-Protocol-Version": MODERN,
                                                              "Mcp-Method": "server/discover"})
        self.assertTrue(response.json()["result"]["capabilities"]["resources"]["subscribe"])
