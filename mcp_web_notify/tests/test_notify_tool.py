"""The MCP tool notify_users: who may use it, who may receive, and what arrives."""
from odoo import Command
from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests import new_test_user, tagged

from .common import sent_notifications


@tagged("post_install", "-at_install")
class TestNotifyTool(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile_notify = cls._make_profile("MCP test notify", "read_write", {
            "res.users": {"ops": "read"},
            "res.partner": {"ops": "read"},
        })
        cls.profile_notify_scoped = cls._make_profile("MCP test notify scoped", "read_write", {
            "res.users": {"ops": "read", "domain": "[('login', '=', 'mcp_user_a')]"},
        })
        cls.profile_notify_read_only = cls._make_profile("MCP test notify read only", "read_only", {
            "res.users": {"ops": "read"},
        })
        cls.key_notify, cls.secret_notify = cls._make_key("notify key", cls.user_a, cls.profile_notify)
        cls.key_scoped_notify, cls.secret_scoped_notify = cls._make_key("notify scoped key", cls.user_a,
                                                                        cls.profile_notify_scoped)
        _key, cls.secret_read_only_notify = cls._make_key("notify read-only key", cls.user_a,
                                                          cls.profile_notify_read_only)
        cls.portal_user = new_test_user(cls.env, login="mcp_portal", groups="base.group_portal",
                                        company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])

    def test_offered_only_to_keys_that_may_read_users(self):
        self.assertIn("notify_users", self.tool_names(self.secret_notify))
        self.assertNotIn("notify_users", self.tool_names(self.secret_full), "no res.users in its profile")
        self.assertNotIn("notify_users", self.tool_names(self.secret_read_only_notify), "a write-risk tool")
        tool = next(t for t in self.rpc(self.secret_notify, "tools/list")["tools"] if t["name"] == "notify_users")
        self.assertFalse(tool["annotations"]["readOnlyHint"])

    def test_notify_by_login_and_id(self):
        result = self.tool_ok(self.secret_notify, "notify_users", {
            "users": ["mcp_user_b", self.user_a.id], "title": "Import done", "message": "42 contacts imported.",
            "type": "success", "sticky": True})
        self.assertEqual(result["count"], 2)
        self.assertEqual({row["id"] for row in result["notified"]}, {self.user_a.id, self.user_b.id})
        for user in (self.user_a, self.user_b):
            [payload] = sent_notifications(self.env, user)
            self.assertEqual((payload["title"], payload["type"], payload["sticky"]), ("Import done", "success", True))
            self.assertEqual(payload["message"], "42 contacts imported.\n— Ann MCP, through MCP")
            self.assertNotIn("button", payload)
        row = self.last_audit(self.key_notify)
        self.assertEqual((row.tool, row.status, row.model), ("notify_users", "success", "res.users"))

    def test_button_to_a_record_the_key_may_read(self):
        self.tool_ok(self.secret_notify, "notify_users", {
            "users": [self.user_b.id], "title": "Have a look", "message": "This customer called.",
            "record": {"model": "res.partner", "id": self.acme.id}})
        [payload] = sent_notifications(self.env, self.user_b)
        self.assertEqual((payload["button"]["action"]["res_model"], payload["button"]["action"]["res_id"]),
                         ("res.partner", self.acme.id))
        self.assertDenied(self.secret_notify, self.key_notify, "notify_users", {
            "users": [self.user_b.id], "title": "Look", "message": "here",
            "record": {"model": "res.country", "id": self.env.ref("base.be").id}}, "res.country")

    def test_recipients_must_be_reachable_internal_users(self):
        self.assertDenied(self.secret_scoped_notify, self.key_scoped_notify, "notify_users", {
            "users": [self.user_b.id], "title": "Hi", "message": "there"}, str(self.user_b.id))
        self.tool_ok(self.secret_scoped_notify, "notify_users", {
            "users": ["mcp_user_a"], "title": "Hi", "message": "me"})
        self.tool_error(self.secret_notify, "notify_users", {
            "users": [self.portal_user.id], "title": "Hi", "message": "there"}, "Only internal users")
        self.tool_error(self.secret_notify, "notify_users", {
            "users": ["nobody-here"], "title": "Hi", "message": "there"}, "nobody-here")
        self.assertEqual(sent_notifications(self.env, self.user_b), [])
        self.assertEqual(sent_notifications(self.env, self.portal_user), [])

    def test_dry_run_sends_nothing(self):
        result = self.tool_ok(self.secret_notify, "notify_users", {
            "users": [self.user_b.id], "title": "Hi", "message": "there", "dry_run": True})
        self.assertTrue(result["dry_run"])
        self.assertTrue(result["would_succeed"])
        self.assertEqual(sent_notifications(self.env, self.user_b), [])

    def test_schema(self):
        self.tool_error(self.secret_notify, "notify_users", {"users": [], "title": "Hi", "message": "there"},
                        "'users' needs at least 1 item(s), got 0")
        self.tool_error(self.secret_notify, "notify_users", {
            "users": [self.user_b.id], "title": "Hi", "message": "there", "type": "purple"}, "'type' must be one of")

    def test_recipients_named_only_when_the_key_may_read_their_names(self):
        profile = self._make_profile("MCP test notify logins", "read_write", {
            "res.users": {"ops": "read", "fields": ["login"]}})
        _key, secret = self._make_key("notify logins key", self.user_a, profile)
        result = self.tool_ok(secret, "notify_users", {
            "users": ["mcp_user_b", self.user_a.id], "title": "Hi", "message": "there"})
        self.assertEqual({row["id"]: row["name"] for row in result["notified"]},
                         {self.user_b.id: "user #%s" % self.user_b.id, self.user_a.id: "Ann MCP"})
        # A name is not looked up when the key may not read names; a refusal names nobody.
        self.tool_error(secret, "notify_users", {"users": ["Bob MCP"], "title": "Hi", "message": "there"},
                        "No single user")
        text = self.tool_error(secret, "notify_users", {"users": [self.portal_user.id], "title": "Hi",
                                                        "message": "there"}, "user #%s" % self.portal_user.id)
        self.assertNotIn(self.portal_user.name, text)
        # A login outside the key's res.users domain is not found either (no oracle on other users' logins).
        self.tool_error(self.secret_scoped_notify, "notify_users", {
            "users": ["mcp_user_b"], "title": "Hi", "message": "there"}, "No single user")
        self.assertEqual(self.last_audit(self.key_scoped_notify).status, "tool_error")
        self.assertEqual(len(sent_notifications(self.env, self.user_b)), 1, "only the first call was sent")
