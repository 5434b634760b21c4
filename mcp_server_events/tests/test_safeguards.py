"""A subscription the key's access no longer allows is paused, visibly; a bulk change queues a bounded number
of events."""
from odoo.tests import tagged

from ..lib.messages import slack_body
from ..models.mcp_event_cap import MAX_EVENTS_PER_TRANSACTION
from .common import EventsCase


@tagged("post_install", "-at_install")
class TestOutOfProfilePause(EventsCase):
    def narrow_full_key(self, profile=None):
        self.key_full.profile_id = profile or self.profile_scoped
        self.env.registry.clear_cache()

    def activities(self, subscription_id):
        return self.env["mail.activity"].search([("res_model", "=", "mcp.event.subscription"),
                                                 ("res_id", "=", subscription_id)])

    def listed(self, secret, subscription_id):
        subscriptions = self.tool_ok(secret, "list_event_subscriptions")["subscriptions"]
        return next(item for item in subscriptions if item["id"] == subscription_id)

    def test_filter_out_of_profile_pauses_once_with_a_reason_and_one_activity(self):
        answer = self.subscribe(self.secret_full, events=["write"], fields=["city"],
                                domain=[["email", "ilike", "acme.example"]], name="by email")
        self.narrow_full_key()
        self.acme.write({"city": "Namur"})
        self.acme.write({"city": "Liège"})
        self.alice.write({"city": "Namur"})
        subscription = self.Subscription.browse(answer["id"])
        self.assertEqual(subscription.state, "paused")
        self.assertIn("email", subscription.pause_reason)
        self.assertIn("no longer allows this subscription", subscription.pause_reason)
        self.assertFalse(subscription.automation_ids.filtered("active"), "a paused subscription captures nothing")
        activity = self.activities(answer["id"])
        self.assertEqual(len(activity), 1, "one activity, not one per write")
        self.assertEqual(activity.user_id, self.user_a)
        self.assertIn("by email", activity.summary)
        self.assertEqual(self.feed(self.secret_full)["events"], [])
        listed = self.listed(self.secret_full, answer["id"])
        self.assertEqual((listed["state"], listed["pause_reason"]), ("paused", subscription.pause_reason))

        # Resumed while still out of profile: paused again at the next change, with a new activity.
        subscription.action_resume()
        self.assertEqual(subscription.state, "active")
        self.acme.write({"city": "Namur"})
        self.assertEqual(subscription.state, "paused")
        self.assertEqual(len(self.activities(answer["id"])), 2)

    def test_chosen_field_or_model_out_of_profile_pauses(self):
        by_field = self.subscribe(self.secret_full, events=["write"], fields=["email"], name="emails")
        self.narrow_full_key()
        self.acme.write({"email": "new@acme.example"})
        subscription = self.Subscription.browse(by_field["id"])
        self.assertEqual(subscription.state, "paused")
        self.assertIn("email", subscription.pause_reason)

        by_model = self.subscribe(self.secret_full, events=["create"], name="new contacts")
        tags_only = self._make_profile("MCP test tags only", "full", {"res.partner.category": {"ops": "read"}})
        self.narrow_full_key(tags_only)
        self.env["res.partner"].create({"name": "Gamma", "company_id": self.company_a.id})
        subscription = self.Subscription.browse(by_model["id"])
        self.assertEqual(subscription.state, "paused")
        self.assertIn("res.partner", subscription.pause_reason)
        self.assertEqual(len(self.activities(by_model["id"])), 1)

    def test_records_that_do_not_match_leave_the_subscription_active(self):
        answer = self.subscribe(self.secret_scoped, events=["write"], fields=["city"],
                                domain=[["name", "=like", "Zeta%"]], name="zeta")
        self.acme.write({"city": "Namur"})  # does not match the filter
        self.alice.write({"city": "Namur"})  # outside the profile's record domain
        subscription = self.Subscription.browse(answer["id"])
        self.assertEqual((subscription.state, subscription.pause_reason), ("active", False))
        self.assertFalse(self.activities(answer["id"]))
        self.assertEqual(self.feed(self.secret_scoped)["events"], [])


@tagged("post_install", "-at_install")
class TestBulkChangeCap(EventsCase):
    def make_partners(self, count):
        return self.env["res.partner"].create([{"name": "Bulk %03d" % index, "company_id": self.company_a.id}
                                               for index in range(count)])

    def test_bulk_write_queues_the_cap_then_one_summary(self):
        cap = MAX_EVENTS_PER_TRANSACTION
        partners = self.make_partners(cap + 5)
        answer = self.subscribe(self.secret_full, events=["write"], fields=["city"])
        partners.write({"city": "Namur"})
        events = self.tool_ok(self.secret_full, "get_events", {"limit": 200})["events"]
        self.assertEqual(len(events), cap + 1)
        self.assertEqual([e["id"] for e in events[:cap]], partners[:cap].ids)
        self.assertEqual(events[0]["fields"]["city"], "Namur")
        self.assertNotIn("truncated", events[0])
        summary = events[-1]
        self.assertEqual((summary["event"], summary["truncated"], summary["more_count"], summary["more_ids"]),
                         ("write", True, 5, partners[cap:].ids))
        self.assertEqual((summary["fields"], summary["changed"], summary["subscription_id"]),
                         ({}, ["city"], answer["id"]))

        # A further change in the same transaction adds to the summary instead of queueing more events.
        partners[:3].write({"city": "Liège"})
        events = self.tool_ok(self.secret_full, "get_events", {"limit": 200})["events"]
        self.assertEqual(len(events), cap + 1)
        self.assertEqual(events[-1]["more_count"], 8)
        self.assertEqual(events[-1]["more_ids"], partners[cap:].ids + partners[:3].ids)

    def test_webhook_receives_the_summary(self):
        self.allow_local_network()
        receiver = self.start_receiver()
        partners = self.make_partners(MAX_EVENTS_PER_TRANSACTION + 2)
        self.subscribe(self.secret_full, events=["write"], fields=["city"],
                       target={"kind": "webhook", "url": receiver.url})
        partners.write({"city": "Namur"})
        queued = self.Event.search([("state", "=", "queued")])
        self.assertEqual(len(queued), MAX_EVENTS_PER_TRANSACTION + 1)
        queued.filtered(lambda event: not event.more_count).write({"state": "cancelled"})
        self.deliver()
        self.assertEqual(len(receiver.requests), 1)
        body = self.body(receiver.requests[0])
        self.assertEqual((body["truncated"], body["more_count"], body["more_ids"], body["event"]),
                         (True, 2, partners[-2:].ids, "write"))
        text = slack_body(body).decode()
        self.assertIn("(2 more records) updated", text)

    def test_summary_leaves_with_only_the_ids_the_key_may_still_read(self):
        cap = MAX_EVENTS_PER_TRANSACTION
        partners = self.make_partners(cap + 3)
        partners[-2:].write({"is_company": True})
        self.subscribe(self.secret_full, events=["write"], fields=["city"])
        partners.write({"city": "Namur"})
        self.key_full.profile_id = self.profile_scoped  # companies only
        self.env.registry.clear_cache()
        events = self.tool_ok(self.secret_full, "get_events", {"limit": 200})["events"]
        self.assertEqual(len(events), 1, "the individual contacts are out of reach now")
        self.assertEqual((events[0]["more_count"], events[0]["more_ids"]), (2, partners[-2:].ids))
