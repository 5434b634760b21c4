"""A subscription never tells its key more than the key may read, at capture, in the feed and on delivery."""
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.mcp_tools_events import MAX_CHANGES_PER_HOUR
from .common import EventsCase

CHECK_URL = "odoo.addons.mcp_server_events.models.mcp_tools_events.check_url"


@tagged("post_install", "-at_install")
class TestEventAccess(EventsCase):
    def narrow_full_key(self):
        """The full key's profile becomes the scoped one: companies only, no email."""
        self.key_full.profile_id = self.profile_scoped
        self.env.registry.clear_cache()

    def test_filter_is_evaluated_as_the_key(self):
        # alice is outside the scoped profile's domain: a filter on her name must not reveal whether acme has
        # such a contact (the rule's own filter runs as superuser; the event is decided as the key).
        self.subscribe(self.secret_scoped, events=["write"], fields=["city"],
                       domain=[["child_ids.name", "=like", "Alice%"]], name="oracle")
        control = self.subscribe(self.secret_scoped, events=["write"], fields=["city"],
                                 domain=[["name", "=like", "Acme%"]], name="control")
        self.acme.write({"city": "Namur"})
        events = self.feed(self.secret_scoped)["events"]
        self.assertEqual([(e["subscription_id"], e["id"]) for e in events], [(control["id"], self.acme.id)])

    def test_narrowed_profile_applies_to_filters_feeds_and_old_events(self):
        by_email = self.subscribe(self.secret_full, events=["write"], fields=["city", "email"],
                                  domain=[["email", "ilike", "acme.example"]], name="by email")
        self.acme.write({"city": "Namur", "email": "new@acme.example"})
        self.alice.write({"email": "alice.new@acme.example"})
        before = self.feed(self.secret_full)["events"]
        self.assertEqual([e["id"] for e in before], [self.acme.id, self.alice.id])
        self.assertEqual(before[0]["fields"]["email"], "new@acme.example")

        self.narrow_full_key()
        after = self.feed(self.secret_full)["events"]
        self.assertEqual([e["id"] for e in after], [self.acme.id], "alice is out of the key's reach now")
        self.assertNotIn("email", after[0]["fields"])
        self.assertEqual(after[0]["changed"], ["city"])
        self.assertEqual(after[0]["subscription_id"], by_email["id"])
        # A filter on a field the key may no longer read captures nothing more.
        cursor = after[0]["cursor"]
        self.acme.write({"city": "Liège"})
        self.assertEqual(self.feed(self.secret_full, cursor)["events"], [])

    def test_delivery_sends_what_the_key_may_read_when_sent(self):
        self.allow_local_network()
        receiver = self.start_receiver()
        self.subscribe(self.secret_full, events=["write"], fields=["city", "email"],
                       target={"kind": "webhook", "url": receiver.url})
        self.acme.write({"city": "Namur", "email": "queued@acme.example"})
        self.alice.write({"email": "alice.new@acme.example"})
        self.narrow_full_key()
        self.deliver()
        self.assertEqual(len(receiver.requests), 1, "alice's event is no longer the key's to receive")
        body = self.body(receiver.requests[0])
        self.assertEqual((body["id"], body["changed"]), (self.acme.id, ["city"]))
        self.assertNotIn("email", body["fields"])
        cancelled = self.Event.search([("res_id", "=", self.alice.id)])
        self.assertEqual(cancelled.state, "cancelled")

    def test_revoked_key_gets_nothing_already_queued(self):
        self.allow_local_network()
        receiver = self.start_receiver()
        self.subscribe(self.secret_full, events=["write"], target={"kind": "webhook", "url": receiver.url})
        self.acme.write({"city": "Namur"})
        event = self.Event.search([("res_id", "=", self.acme.id)])
        self.key_full.action_revoke()
        event.state = "running"  # claimed by the runner before the cron stopped the subscription
        event._run_job()
        self.assertEqual(receiver.requests, [])
        self.assertEqual(event.state, "cancelled")
        self.assertEqual(event.subscription_id.state, "stopped")

    def test_only_administrators_queue_deliveries_again(self):
        self.allow_local_network()
        receiver = self.start_receiver()
        self.subscribe(self.secret_full, events=["write"], target={"kind": "webhook", "url": receiver.url})
        self.acme.write({"city": "Namur"})
        event = self.Event.search([("res_id", "=", self.acme.id)])
        event.write({"state": "cancelled"})
        with self.assertRaises(AccessError):
            event.with_user(self.user_a).sudo(False).action_retry()
        self.assertEqual(event.state, "cancelled")
        event.action_retry()  # as an administrator
        self.assertEqual(event.state, "queued")

    def test_signing_secret_and_webhook_urls_stay_out_of_the_audit_log(self):
        self.allow_local_network()
        self.key_full.payload_capture = "always"
        last = self.last_audit_id()
        answer = self.subscribe(self.secret_full, target={"kind": "webhook", "url": self.start_receiver().url})
        slack = "https://hooks.slack.com/services/T0AAA/B0BBB/XyzSecretPart123"
        teams = ("https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
                 "?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=SigSecretValue_42")
        with patch(CHECK_URL, return_value=("example.com", 443)):
            self.subscribe(self.secret_full, target={"kind": "slack", "url": slack})
            self.subscribe(self.secret_full, target={"kind": "teams", "url": teams})
        rows = self.audit_rows(after_id=last, tool="subscribe_events")
        self.assertEqual(len(rows), 3)
        logged = " ".join((row.request_payload or "") + (row.response_payload or "") for row in rows)
        self.assertIn("hooks.slack.com", logged)
        for secret in (answer["secret"], "XyzSecretPart123", "SigSecretValue_42"):
            self.assertNotIn(secret, logged)

    def test_subscription_changes_are_capped(self):
        # Each change adds or removes automation rules, and every worker reloads its registry after it.
        cap = MAX_CHANGES_PER_HOUR
        for _index in range(cap // 2):
            answer = self.subscribe(self.secret_full)
            self.tool_ok(self.secret_full, "unsubscribe_events", {"id": answer["id"]})
        self.tool_error(self.secret_full, "subscribe_events", {
            "model": "res.partner", "events": ["write"], "target": {"kind": "feed"}}, "within the last hour")
        self.assertFalse(self.Subscription.search([]))
