"""MCP API keys: hashing, authentication, expiry, revocation, rotation, ownership, the key wizard."""
import hashlib
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import consteq

from ..models import mcp_api_key as key_module
from .common import McpCase


@tagged("post_install", "-at_install")
class TestApiKeys(McpCase):

    def ping_status(self, secret):
        return self.http("POST", secret, self.message("ping")).status_code

    def key_row(self, key):
        self.env.flush_all()
        self.env.cr.execute("SELECT * FROM mcp_api_key WHERE id = %s", [key.id])
        return self.env.cr.dictfetchone()

    def test_secret_is_stored_hashed_only(self):
        self.assertTrue(self.secret_full.startswith("mcpk_"))
        self.assertGreaterEqual(len(self.secret_full), len("mcpk_") + 40, "32 random bytes, url-safe")
        row = self.key_row(self.key_full)
        self.assertEqual(row["key_hash"], hashlib.sha256(self.secret_full.encode()).hexdigest())
        self.assertEqual(row["prefix"], self.secret_full[:13])
        for column, value in row.items():
            self.assertNotIn(self.secret_full, str(value), "secret stored in clear in column %s" % column)
        # The hash is not an ORM field: it cannot be read back through the ORM or RPC.
        self.assertNotIn("key_hash", self.env["mcp.api.key"]._fields)
        values = self.key_full.read()[0]
        self.assertNotIn(self.secret_full, str(values))
        self.assertNotEqual(self.secret_full, self.secret_scoped)

    def test_hash_compared_in_constant_time(self):
        with patch("odoo.tools.consteq", wraps=consteq) as spy:
            self.assertEqual(self.ping_status(self.secret_full), 200)
        self.assertTrue(spy.called, "the key hash must be compared with odoo.tools.consteq")
        digest = hashlib.sha256(self.secret_full.encode()).hexdigest()
        self.assertIn(digest, [arg for call in spy.call_args_list for arg in call.args])
        # Same prefix, wrong rest: refused.
        self.assertEqual(self.ping_status(self.secret_full[:-4] + "AAAA"), 401)

    def test_expired_key_is_refused(self):
        self.key_full.expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(self.key_full.state, "expired")
        self.assertEqual(self.ping_status(self.secret_full), 401)
        self.assertEqual(self.last_audit_row().error, "expired key")
        self.key_full.expires_at = fields.Datetime.now() + timedelta(days=1)
        self.assertEqual(self.ping_status(self.secret_full), 200)

    def last_audit_row(self):
        return self.env["mcp.audit.log"].search([], order="id desc", limit=1)

    def test_revoked_key_is_refused_and_cannot_come_back(self):
        self.assertEqual(self.ping_status(self.secret_full), 200)
        self.key_full.with_user(self.user_a).action_revoke()
        self.assertEqual(self.key_full.state, "revoked")
        self.assertEqual(self.ping_status(self.secret_full), 401)
        with self.assertRaises(UserError):
            self.key_full.with_user(self.user_a).write({"active": True})
        with self.assertRaises(UserError):
            self.key_full.write({"revoked": False})
        with self.assertRaises(UserError):
            self.key_full.write({"revoked": False, "active": True})
        self.assertEqual(self.ping_status(self.secret_full), 401)

    def test_archived_user_key_is_refused(self):
        self.user_b.active = False
        self.assertEqual(self.ping_status(self.secret_b), 401)

    def test_rotation_with_grace_period(self):
        old_prefix = self.key_full.prefix
        new_secret = self.key_full.with_user(self.user_a)._rotate(grace_hours=2)
        self.assertNotEqual(new_secret, self.secret_full)
        self.assertEqual(self.key_full.prefix, new_secret[:13])
        self.assertEqual(self.key_full.previous_prefix, old_prefix)
        self.assertEqual(self.ping_status(new_secret), 200)
        self.assertEqual(self.ping_status(self.secret_full), 200, "the old secret works during the grace period")
        for value in self.key_row(self.key_full).values():
            self.assertNotIn(new_secret, str(value))

        self.key_full.with_context(mcp_key_internal=True).write(
            {"previous_valid_until": fields.Datetime.now() - timedelta(days=1)})
        self.assertEqual(self.ping_status(self.secret_full), 401, "the old secret fails once the grace period ends")
        self.assertEqual(self.ping_status(new_secret), 200)

        # The autovacuum forgets the expired previous secret.
        self.env["mcp.api.key"]._gc_rotated_secrets()
        self.assertIsNone(self.key_row(self.key_full)["previous_key_hash"])

    def test_rotation_without_grace_and_of_inactive_key(self):
        new_secret = self.key_scoped._rotate(grace_hours=0)
        self.assertEqual(self.ping_status(self.secret_scoped), 401)
        self.assertEqual(self.ping_status(new_secret), 200)
        self.key_scoped.action_revoke()
        with self.assertRaises(UserError):
            self.key_scoped._rotate(grace_hours=1)

    def test_key_internals_cannot_be_written_directly(self):
        for values in ({"prefix": "mcpk_AAAAAAAA"}, {"previous_prefix": "x"}, {"revoked": True}):
            with self.assertRaises(UserError):
                self.key_full.with_user(self.user_a).write(values)

    def test_last_used_is_throttled(self):
        with patch.dict(key_module.KEY_USE.last_written, {}, clear=True):
            self.key_full.invalidate_recordset(["last_used"])
            self.assertFalse(self.key_full.last_used)
            self.assertEqual(self.ping_status(self.secret_full), 200)
            self.assertTrue(self.key_full.last_used, "the first use is recorded")

            self.env.cr.execute("UPDATE mcp_api_key_usage SET last_used = '2001-01-01' WHERE key_id = %s",
                                [self.key_full.id])
            self.key_full.invalidate_recordset(["last_used"])
            for _i in range(3):
                self.assertEqual(self.ping_status(self.secret_full), 200)
            self.assertEqual(self.key_full.last_used, fields.Datetime.to_datetime("2001-01-01 00:00:00"),
                             "uses within a minute must not write last_used again")

            key_module.KEY_USE.last_written[self.key_full.id] -= 120
            self.assertEqual(self.ping_status(self.secret_full), 200)
            self.assertGreater(self.key_full.last_used, fields.Datetime.now() - timedelta(minutes=5))

    def test_mcp_user_sees_and_manages_own_keys_only(self):
        Key = self.env["mcp.api.key"].with_user(self.user_a)
        own = Key.search([])
        self.assertIn(self.key_full, own)
        self.assertNotIn(self.key_b, own)
        with self.assertRaises(AccessError):
            self.key_b.with_user(self.user_a).read(["name"])
        with self.assertRaises(AccessError):
            self.key_b.with_user(self.user_a).action_revoke()
        with self.assertRaises(AccessError):
            self.key_b.with_user(self.user_a)._rotate(grace_hours=1)
        # Own key: allowed.
        self.key_full.with_user(self.user_a).name = "renamed"
        self.assertEqual(self.key_full.name, "renamed")

    def test_mcp_user_cannot_create_or_turn_a_key_acting_as_someone_else(self):
        Key = self.env["mcp.api.key"].with_user(self.user_a)
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(AccessError):
            Key._create_with_secret({"name": "as admin", "user_id": admin.id, "profile_id": self.profile_full.id})
        with self.assertRaises(AccessError):
            self.key_full.with_user(self.user_a).write({"user_id": admin.id})
        self.assertEqual(self.key_full.user_id, self.user_a)
        # The key still acts as its own user over HTTP.
        context = self.rpc(self.secret_full, "resources/read", {"uri": "odoo://context"})
        self.assertIn('"login": "mcp_user_a"', context["contents"][0]["text"])

    def test_plain_employee_cannot_manage_keys(self):
        with self.assertRaises(AccessError):
            self.env["mcp.api.key"].with_user(self.user_b).search([])

    def test_mcp_admin_sees_all_keys(self):
        manager = new_test_user(self.env, login="mcp_admin_t", groups="base.group_user,mcp_server.group_mcp_admin")
        keys = self.env["mcp.api.key"].with_user(manager).search([])
        self.assertIn(self.key_full, keys)
        self.assertIn(self.key_b, keys)
        self.key_b.with_user(manager).action_revoke()
        self.assertEqual(self.ping_status(self.secret_b), 401)
        # An administrator may create a key acting as another user.
        key, secret = self.env["mcp.api.key"].with_user(manager)._create_with_secret(
            {"name": "for Bob", "user_id": self.user_b.id, "profile_id": self.profile_full.id})
        self.assertEqual(key.owner_id, manager)
        self.assertEqual(self.ping_status(secret), 200)

    def test_wizard_generates_a_key_shown_once(self):
        self.profile_full.self_service = True
        wizard = self.env["mcp.key.wizard"].with_user(self.user_a).create({
            "name": "laptop", "profile_id": self.profile_full.id, "expires_in_days": 30})
        action = wizard.action_generate()
        shown = self.env["mcp.connect.wizard"].with_user(self.user_a).browse(action["res_id"])
        self.assertEqual((action["res_model"], action["name"]), ("mcp.connect.wizard", "Your new MCP key"))
        secret = shown.secret
        self.assertTrue(secret.startswith("mcpk_"))
        self.assertIn("Bearer %s" % secret, shown.cursor_config)
        key = wizard.key_id
        self.assertEqual(shown.key_id, key)
        self.assertEqual((key.name, key.user_id, key.owner_id, key.profile_id),
                         ("laptop", self.user_a, self.user_a, self.profile_full))
        self.assertAlmostEqual(key.expires_at, fields.Datetime.now() + timedelta(days=30),
                               delta=timedelta(minutes=5))
        self.assertNotIn(secret, str(key.read()[0]))
        self.assertEqual(self.ping_status(secret), 200)
        self.assertEqual(self.tool_ok(secret, "search_count", {"model": "res.partner", "domain": [
            ["id", "=", self.acme.id]]})["count"], 1)

        # Not acting as someone else without being an administrator.
        wizard = self.env["mcp.key.wizard"].with_user(self.user_a).create({
            "name": "for admin", "user_id": self.env.ref("base.user_admin").id})
        with self.assertRaises(UserError):
            wizard.action_generate()
        self.assertFalse(wizard.key_id)

    def test_wizard_rotates_a_key(self):
        action = self.key_full.with_user(self.user_a).action_rotate()
        wizard = self.env["mcp.key.wizard"].browse(action["res_id"])
        self.assertEqual((wizard.mode, wizard.key_id), ("rotate", self.key_full))
        self.assertEqual(action["name"], "Rotate MCP key", "nothing is rotated before the user confirms")
        self.assertEqual(self.ping_status(self.secret_full), 200)
        wizard.with_user(self.user_a).write({"grace_hours": 0})
        shown = self.env["mcp.connect.wizard"].browse(wizard.with_user(self.user_a).action_generate()["res_id"])
        self.assertTrue(shown.secret.startswith("mcpk_"))
        self.assertEqual(self.ping_status(shown.secret), 200)
        self.assertEqual(self.ping_status(self.secret_full), 401)
        self.assertIn("Key rotated by Ann MCP", self.key_full.message_ids[0].body)
