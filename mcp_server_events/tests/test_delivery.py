import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..models.mcp_event_delivery import BACKOFF_SECONDS, TIMEOUT
from .common import EventsCase

_logger = logging.getLogger(__name__)
RECEIVER_DELAY = 10


@tagged("post_install", "-at_install")
class TestEventDelivery(EventsCase):
    def setUp(self):
        super().setUp()
        self.allow_local_network()
        self.receiver = self.start_receiver()

    def webhook(self, **extra):
        return self.subscribe(self.secret_full, target={"kind": "webhook", "url": self.receiver.url}, **extra)

    def test_signed_webhook_delivered_after_the_change(self):
        answer = self.webhook(events=["write"], fields=["city"])
        self.acme.write({"city": "Namur"})
        [event] = self.Event.search([("subscription_id", "=", answer["id"])])
        self.assertEqual(event.state, "queued")
        self.assertFalse(self.receiver.requests, "nothing is sent in the transaction of the change")
        self.assertEqual(self.deliver(), 1)
        self.assertEqual((event.state, event.response_status, event.attempts), ("done", 200, 1))
        [request] = self.receiver.requests
        headers = request["headers"]
        expected = hmac.new(answer["secret"].encode(), headers["X-Timestamp"].encode() + b"." + request["body"],
                            hashlib.sha256).hexdigest()
        self.assertEqual(headers["X-Signature"], "sha256=" + expected)
        self.assertLess(abs(int(headers["X-Timestamp"]) - time.time()), 60)
        body = self.body(request)
        self.assertEqual((body["event"], body["model"], body["id"], body["changed"], body["event_id"]),
                         ("write", "res.partner", self.acme.id, ["city"], event.id))
        self.assertEqual(body["fields"], {"city": "Namur", "display_name": "Acme Corp"})
        self.assertTrue(body["timestamp"].endswith("Z"))
        # Another secret does not verify the body.
        forged = hmac.new(b"whsec_other", headers["X-Timestamp"].encode() + b"." + request["body"],
                          hashlib.sha256).hexdigest()
        self.assertNotEqual(headers["X-Signature"], "sha256=" + forged)

    def test_failures_retry_with_backoff_then_pause_and_tell_the_owner(self):
        answer = self.webhook(events=["write"])
        subscription = self.Subscription.browse(answer["id"])
        self.receiver.script[:] = [("status", 500)] * 5
        self.acme.write({"city": "Namur"})
        [event] = self.Event.search([("subscription_id", "=", subscription.id)])
        delays = []
        for attempt in range(1, 6):
            before = fields.Datetime.now()
            self.assertEqual(self.deliver(), 1)
            self.assertEqual(event.attempts, attempt)
            self.assertIn("HTTP 500", event.error)
            if attempt < 5:
                self.assertEqual(event.state, "queued")
                delays.append(round((event.retry_at - before).total_seconds() / BACKOFF_SECONDS))
                self.assertEqual(self.deliver(), 0, "not before its retry time")
                event.sudo().retry_at = fields.Datetime.now() - timedelta(seconds=1)
        self.assertEqual(delays, [1, 2, 4, 8])
        self.assertEqual(len(self.receiver.requests), 5)
        self.assertEqual(event.state, "failed")
        self.assertEqual((subscription.state, subscription.failure_count), ("paused", 1))
        self.assertIn("HTTP 500", subscription.pause_reason)
        self.assertFalse(subscription.automation_ids.active)
        [activity] = subscription.activity_ids
        self.assertEqual(activity.user_id, self.user_a)
        self.assertIn("paused", activity.summary)
        # Paused: a change queues nothing; resumed: it is delivered again.
        self.acme.write({"city": "Liège"})
        self.assertEqual(self.Event.search_count([("subscription_id", "=", subscription.id)]), 1)
        subscription.action_resume()
        self.acme.write({"city": "Namur"})
        self.assertEqual(self.deliver(), 1)
        self.assertEqual(self.body(self.receiver.requests[-1])["fields"]["city"], "Namur")

    def test_a_slow_receiver_never_slows_the_write(self):
        self.webhook(events=["write"])
        self.receiver.script[:] = [("sleep", RECEIVER_DELAY)]
        started = time.monotonic()
        self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id],
                                                 "values": {"city": "Namur"}})
        write_seconds = time.monotonic() - started
        self.assertFalse(self.receiver.requests, "the write only queued the event")
        started = time.monotonic()
        self.deliver()
        delivery_seconds = time.monotonic() - started
        [event] = self.Event.search([])
        self.assertIn("did not answer", event.error)
        self.assertEqual(event.state, "queued", "retried later")
        # The delivery waited for the receiver (up to the read timeout); the write did not wait at all.
        _logger.info("write through /mcp: %.3f s; delivery to a receiver sleeping %s s: %.3f s",
                     write_seconds, RECEIVER_DELAY, delivery_seconds)
        self.assertGreaterEqual(delivery_seconds, TIMEOUT[1] * 0.9)
        self.assertLess(write_seconds, delivery_seconds / 3)
        self.assertLess(write_seconds, RECEIVER_DELAY / 3)

    def test_slack_and_teams_messages(self):
        self.subscribe(self.secret_full, events=["write"], fields=["city"],
                       target={"kind": "slack", "url": self.receiver.url.replace("/hook", "/slack")})
        self.subscribe(self.secret_full, events=["write"], fields=["city"],
                       target={"kind": "teams", "url": self.receiver.url.replace("/hook", "/teams")})
        self.acme.write({"city": "Namur <&> [pay here](https://pay.example)"})
        self.assertEqual(self.deliver(), 2)
        by_path = {request["path"]: request for request in self.receiver.requests}
        self.assertNotIn("X-Signature", by_path["/slack"]["headers"])
        self.assertEqual(self.body(by_path["/slack"]), {
            "text": "*Contact Acme Corp updated*\n• city: Namur &lt;&amp;&gt; [pay here](https://pay.example)"})
        teams = self.body(by_path["/teams"])
        self.assertEqual(teams["type"], "message")
        [attachment] = teams["attachments"]
        self.assertEqual(attachment["contentType"], "application/vnd.microsoft.card.adaptive")
        card = attachment["content"]
        self.assertEqual((card["type"], card["body"][0]["text"]), ("AdaptiveCard", "Contact Acme Corp updated"))
        # A value never becomes a Markdown link in the card: "](" is parted by a zero-width space.
        self.assertEqual(card["body"][1]["facts"], [
            {"title": "city", "value": "Namur <&> [pay here]\u200b(https://pay.example)"}])

    def test_private_receiver_refused_at_delivery_when_no_longer_allowed(self):
        answer = self.webhook(events=["write"])
        self.env["ir.config_parameter"].sudo().set_param("mcp_server_events.allowed_networks", "")
        self.env.registry.clear_cache()
        self.acme.write({"city": "Namur"})
        self.deliver()
        [event] = self.Event.search([("subscription_id", "=", answer["id"])])
        self.assertIn("private or reserved", event.error)
        self.assertFalse(self.receiver.requests)
        self.assertEqual(json.loads(event.payload)["fields"]["city"], "Namur")
