"""Who may bound a key: MCP Users give their keys only self-service profiles and change nothing that
bounds them (profile, limits, network rules, user, owner); MCP Administrators do."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import McpCase


@tagged("post_install", "-at_install")
class TestKeySelfService(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile_self = cls._make_profile("MCP test self-service", "read_only", {"res.partner": {"ops": "read"}})
        cls.profile_self.self_service = True
        cls.manager = new_test_user(cls.env, login="mcp_admin_ss", groups="base.group_user,mcp_server.group_mcp_admin")

    def test_user_cannot_change_what_bounds_their_key(self):
        key = self.key_read.with_user(self.user_a)
        refused = {
            "profile_id": self.profile_full.id,  # an administrator's wider profile
            "rate_limit_minute": 100000,
            "rate_limit_day": 1,
            "ip_allow": "0.0.0.0/0",
            "ip_deny": "10.0.0.0/8",
            "rotation_days": 0,
            "owner_id": self.manager.id,
        }
        for name, value in refused.items():
            with self.subTest(field=name), self.assertRaises(AccessError) as caught:
                key.write({name: value})
            self.assertIn("Only an MCP Administrator", str(caught.exception))
        # Dropping the profile (and with it the approvals it requires) is refused too.
        with self.assertRaises(AccessError):
            key.write({"profile_id": False})
        # Even to a self-service profile: changing the profile of an existing key is an administrator's.
        with self.assertRaises(AccessError):
            key.write({"profile_id": self.profile_self.id})
        self.assertEqual(self.key_read.profile_id, self.profile_read)
        # What stays the user's: the name and the expiry (they could as well generate a new key).
        soon = fields.Datetime.now() + timedelta(days=3)
        key.write({"name": "renamed by its user", "expires_at": soon})
        self.assertEqual((self.key_read.name, self.key_read.expires_at), ("renamed by its user", soon))

    def test_user_cannot_extend_the_expiry_of_a_key_an_administrator_bounded(self):
        soon = fields.Datetime.now() + timedelta(days=3)
        self.key_read.expires_at = soon  # set by an administrator; the profile is not self-service
        key = self.key_read.with_user(self.user_a)
        for value in (soon + timedelta(days=30), False):
            with self.subTest(expires_at=value), self.assertRaises(AccessError) as caught:
                key.write({"expires_at": value})
            self.assertIn("extend or remove the expiry", str(caught.exception))
        self.assertEqual(self.key_read.expires_at, soon)
        key.write({"expires_at": soon - timedelta(days=1)})  # earlier is always allowed
        self.assertEqual(self.key_read.expires_at, soon - timedelta(days=1))
        # A key with a self-service profile: its user may extend it (they could generate such a key anyway).
        own = self.env["mcp.api.key"].with_user(self.user_a).create({
            "name": "own self-service key", "user_id": self.user_a.id, "profile_id": self.profile_self.id,
            "expires_at": soon})
        own.write({"expires_at": soon + timedelta(days=30)})
        self.assertEqual(own.expires_at, soon + timedelta(days=30))

    def test_user_creates_keys_with_self_service_profiles_only(self):
        Key = self.env["mcp.api.key"].with_user(self.user_a)
        with self.assertRaises(AccessError) as caught:
            Key._create_with_secret({"name": "wide", "user_id": self.user_a.id, "profile_id": self.profile_full.id})
        self.assertIn("'MCP test full' is not self-service", str(caught.exception))
        for values in ({"rate_limit_minute": 5}, {"ip_allow": "10.0.0.0/8"}, {"owner_id": self.manager.id}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                Key._create_with_secret(dict(values, name="bounded", user_id=self.user_a.id))
        key, secret = Key._create_with_secret(
            {"name": "mine", "user_id": self.user_a.id, "profile_id": self.profile_self.id})
        self.assertEqual((key.profile_id, key.owner_id), (self.profile_self, self.user_a))
        self.assertTrue(secret.startswith("mcpk_"))

    def test_internal_columns_need_more_than_a_context_key(self):
        self.key_read.action_revoke()
        key = self.key_read.with_user(self.user_a).with_context(mcp_key_internal=True)
        with self.assertRaises(UserError):
            key.write({"revoked": False})
        with self.assertRaises(UserError):
            key.write({"active": True})
        self.assertTrue(self.key_read.revoked)
        self.assertTrue(self.key_read.message_ids.filtered(lambda message: "Key revoked by" in message.body))

    def test_key_wizard_offers_users_the_self_service_profiles(self):
        user_wizard = self.env["mcp.key.wizard"].with_user(self.user_a).create({"name": "w"})
        self.assertFalse(user_wizard.is_admin)
        user_wizard.profile_id = self.profile_full
        with self.assertRaises(AccessError):
            user_wizard.action_generate()
        self.assertFalse(user_wizard.key_id)
        admin_wizard = self.env["mcp.key.wizard"].with_user(self.manager).create(
            {"name": "integration", "user_id": self.user_b.id, "profile_id": self.profile_full.id})
        self.assertTrue(admin_wizard.is_admin)
        admin_wizard.action_generate()
        self.assertEqual((admin_wizard.key_id.user_id, admin_wizard.key_id.owner_id), (self.user_b, self.manager))

    def test_administrator_sets_profile_limits_and_networks(self):
        key = self.key_read.with_user(self.manager)
        key.write({"profile_id": self.profile_full.id, "rate_limit_minute": 7, "ip_allow": "10.0.0.0/8"})
        self.assertEqual(self.key_read.profile_id, self.profile_full)
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.key_read.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("profile_id", tracked)
        self.assertIn("rate_limit_minute", tracked)

    def test_web_client_rpc_cannot_change_the_profile(self):
        """The same refusal through the web client's RPC, as the user's browser would send it."""
        self.authenticate("mcp_user_a", "mcp_user_a")
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request("/web/dataset/call_kw/mcp.api.key/web_save", {
                "model": "mcp.api.key", "method": "web_save", "args": [[self.key_read.id], {
                    "profile_id": self.profile_full.id}],
                "kwargs": {"specification": {"profile_id": {}}, "context": {"mcp_key_internal": True}},
            })
        self.assertIn("odoo.exceptions.AccessError", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(self.key_read.profile_id, self.profile_read)

    def test_example_profile_names_a_contacts_country(self):
        example = self.env.ref("mcp_server.profile_read_only_partners")
        _key, secret = self._make_key("example profile key", self.user_a, example)
        self.acme.country_id = self.env.ref("base.be")
        found = self.tool_ok(secret, "search_read", {
            "model": "res.partner", "domain": [["id", "=", self.acme.id]], "fields": ["name", "country_id"]})
        self.assertEqual(found["records"], [{"id": self.acme.id, "name": "Acme Corp",
                                             "country_id": {"id": self.env.ref("base.be").id, "name": "Belgium"}}])
        self.tool_error(secret, "search_read", {"model": "res.country", "fields": ["phone_code"]}, "phone_code")
