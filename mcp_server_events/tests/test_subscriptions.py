from odoo.addons.mcp_server.lib.tool_schema import lint
from odoo.tests import tagged

from .common import EventsCase

TOOLS = ("subscribe_events", "list_event_subscriptions", "unsubscribe_events", "get_events")


@tagged("post_install", "-at_install")
class TestEventSubscriptions(EventsCase):
    def test_tool_schemas_pass_the_schema_walk(self):
        listed = {tool["name"]: tool for tool in self.rpc(self.secret_full, "tools/list")["tools"]}
        for name in TOOLS:
            self.assertIn(name, listed)
            self.assertEqual(lint(listed[name]["inputSchema"], name), [], name)
            self.assertEqual(listed[name]["outputSchema"]["type"], "object")

    def test_the_feed_tools_go_with_subscribe_events(self):
        """list/unsubscribe/get_events follow subscribe_events through the scope preset and the tool allowlist."""
        self.assertFalse(set(TOOLS) & self.tool_names(self.secret_read), "a read-only key cannot subscribe")
        Tool = self.env["mcp.tool"]
        self.profile_full.tool_ids = Tool.search([("name", "=", "search_read")])
        self.env.registry.clear_cache()
        self.assertFalse(set(TOOLS) & self.tool_names(self.secret_full))
        self.tool_error(self.secret_full, "get_events", {}, "get_events", "allowlist")
        self.profile_full.tool_ids = Tool.search([("name", "in", ["search_read", "subscribe_events"])])
        self.env.registry.clear_cache()
        self.assertLessEqual(set(TOOLS), self.tool_names(self.secret_full))
        self.profile_full.tool_ids = Tool.search([("name", "in", ["search_read", "get_events"])])
        self.env.registry.clear_cache()
        self.assertEqual(set(TOOLS) & self.tool_names(self.secret_full), {"get_events"}, "listed on its own")

    def test_subscribe_list_unsubscribe(self):
        answer = self.subscribe(self.secret_full, events=["create", "write"], fields=["name", "city"],
                                domain="[('is_company', '=', True)]", name="Companies")
        self.assertEqual((answer["model"], answer["events"], answer["state"], answer["target"]["kind"]),
                         ("res.partner", ["create", "write"], "active", "feed"))
        self.assertNotIn("secret", answer, "only webhooks are signed")
        subscription = self.Subscription.browse(answer["id"])
        self.assertEqual((subscription.user_id, subscription.key_id), (self.user_a, self.key_full))
        rules = subscription.automation_ids
        self.assertEqual(sorted(rules.mapped("trigger")), ["on_create", "on_write"])
        on_write = rules.filtered(lambda rule: rule.trigger == "on_write")
        self.assertEqual(sorted(on_write.trigger_field_ids.mapped("name")), ["city", "name"])
        self.assertEqual(on_write.filter_domain, "[('is_company', '=', True)]")
        self.assertEqual(on_write.action_server_ids.state, "mcp_event")

        listed = self.tool_ok(self.secret_full, "list_event_subscriptions")["subscriptions"]
        self.assertEqual([item["id"] for item in listed], [answer["id"]])
        self.assertEqual(self.tool_ok(self.secret_b, "list_event_subscriptions")["subscriptions"], [])
        self.tool_error(self.secret_b, "unsubscribe_events", {"id": answer["id"]}, "not one of this key's")
        self.assertTrue(subscription.exists())
        self.assertEqual(self.tool_ok(self.secret_full, "unsubscribe_events", {"id": answer["id"]}),
                         {"removed": answer["id"]})
        self.assertFalse(subscription.exists())
        self.assertFalse(rules.exists(), "its automation rules go with it")

    def test_feed_carries_only_readable_records_and_fields(self):
        # The scoped profile reaches companies only, and not their email.
        self.tool_error(self.secret_scoped, "subscribe_events", {
            "model": "res.partner", "events": ["write"], "fields": ["email"], "target": {"kind": "feed"}}, "email")
        self.subscribe(self.secret_scoped, events=["write"])
        full = self.subscribe(self.secret_full, events=["write"], fields=["city", "email"])
        self.acme.write({"city": "Namur", "email": "new@acme.example"})
        self.alice.write({"email": "alice.new@acme.example"})
        events = self.feed(self.secret_scoped)["events"]
        self.assertEqual([(e["event"], e["id"]) for e in events], [("write", self.acme.id)],
                         "alice is outside the scoped profile's domain")
        self.assertEqual(events[0]["changed"], ["city"], "the email changed too, but this key may not read it")
        self.assertEqual(events[0]["fields"]["city"], "Namur")
        self.assertNotIn("email", events[0]["fields"])
        full_events = self.feed(self.secret_full)["events"]
        self.assertEqual([e["id"] for e in full_events], [self.acme.id, self.alice.id])
        self.assertEqual(sorted(full_events[0]["changed"]), ["city", "email"])
        self.assertEqual(full_events[0]["fields"]["email"], "new@acme.example")
        self.assertEqual(full_events[1]["fields"], {"email": "alice.new@acme.example",
                                                    "display_name": "Acme Corp, Alice Acmeworker"})
        # The cursor: nothing new after the last event, then the next change only.
        cursor = self.feed(self.secret_full)["next_cursor"]
        self.assertEqual(self.feed(self.secret_full, cursor)["events"], [])
        self.acme.write({"phone": "+32 4 222 22 22"})  # not a subscribed field: no event
        self.acme.write({"city": "Liège"})
        [event] = self.feed(self.secret_full, cursor)["events"]
        self.assertEqual((event["fields"]["city"], full["id"]), ("Liège", event["subscription_id"]))
        self.tool_error(self.secret_full, "get_events", {"since_cursor": "abc"}, "since_cursor")

    def test_create_and_unlink_events_with_the_record_rules_of_the_user(self):
        self.subscribe(self.secret_b, events=["create", "unlink"], fields=["name"])
        other = self.env["res.partner"].create({"name": "Company A only", "company_id": self.company_a.id})
        mine = self.env["res.partner"].create({"name": "Company B partner", "company_id": self.company_b.id})
        mine.unlink()
        events = self.feed(self.secret_b)["events"]
        self.assertEqual([(e["event"], e["id"], e["fields"]["name"]) for e in events],
                         [("create", mine.id, "Company B partner"), ("unlink", mine.id, "Company B partner")],
                         "user B cannot read company A's partner: no event for it")
        self.assertTrue(other.exists())

    def test_revoked_key_stops_its_subscriptions(self):
        answer = self.subscribe(self.secret_full, events=["write"])
        self.key_full.action_revoke()
        self.acme.write({"city": "Namur"})
        subscription = self.Subscription.browse(answer["id"])
        self.assertFalse(self.Event.search([("subscription_id", "=", subscription.id)]))
        self.deliver()
        self.assertEqual(subscription.state, "stopped")
        self.assertFalse(subscription.automation_ids.filtered("active"))
        subscription.action_resume()
        self.assertEqual(subscription.state, "stopped", "a revoked key's subscription cannot be resumed")

    def test_private_addresses_are_refused_unless_allowed(self):
        for url in ("http://127.0.0.1:8/hook", "https://127.0.0.1/hook", "https://10.1.2.3/hook",
                    "https://169.254.169.254/latest", "https://[::1]/hook", "https://localhost/hook"):
            text = self.tool_error(self.secret_full, "subscribe_events", {
                "model": "res.partner", "events": ["write"], "target": {"kind": "webhook", "url": url}}, "refused")
            self.assertIn("private or reserved", text)
        self.tool_error(self.secret_full, "subscribe_events", {
            "model": "res.partner", "events": ["write"], "target": {"kind": "slack", "url": "ftp://example.com/x"}},
            "https")
        self.assertFalse(self.Subscription.search([]))
        self.allow_local_network()
        answer = self.subscribe(self.secret_full, target={"kind": "webhook", "url": "http://127.0.0.1:8/hook"})
        self.assertTrue(answer["secret"].startswith("whsec_"))
        self.assertEqual(answer["target"], {"kind": "webhook", "host": "127.0.0.1"})
        # Only the allowed network: the rest of the private space stays closed, over http too.
        self.tool_error(self.secret_full, "subscribe_events", {
            "model": "res.partner", "events": ["write"], "target": {"kind": "webhook", "url": "http://10.1.2.3/x"}},
            "refused")

    def test_pause_and_resume_archive_and_restore_the_rules(self):
        answer = self.subscribe(self.secret_full, events=["write"])
        subscription = self.Subscription.browse(answer["id"])
        subscription.action_pause()
        self.assertEqual(subscription.state, "paused")
        self.assertFalse(subscription.automation_ids.active)
        self.acme.write({"city": "Namur"})
        self.assertEqual(self.feed(self.secret_full)["events"], [])
        self.assertEqual(self.tool_ok(self.secret_full, "list_event_subscriptions")["subscriptions"][0]["state"],
                         "paused")
        subscription.action_resume()
        self.assertTrue(subscription.automation_ids.active)
        self.acme.write({"city": "Liège"})
        self.assertEqual(len(self.feed(self.secret_full)["events"]), 1)

    def test_dry_run_creates_nothing(self):
        result = self.call_tool(self.secret_full, "subscribe_events", {
            "model": "res.partner", "events": ["write"], "target": {"kind": "feed"}, "dry_run": True})
        self.assertFalse(result.get("isError"), result)
        self.assertFalse(self.Subscription.search([]))
        self.assertFalse(self.env["base.automation"].search([("mcp_event_subscription_id", "!=", False)]))
