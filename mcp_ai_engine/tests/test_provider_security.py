"""Provider secrets: readable and writable only by MCP administrators."""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AiCase


@tagged("post_install", "-at_install")
class TestProviderSecurity(AiCase):

    def test_key_hidden_from_other_users(self):
        provider = self.provider.with_user(self.user)
        self.assertEqual(provider.name, "Fake openai")
        self.assertTrue(provider.has_api_key)
        self.assertNotIn("api_key", provider.fields_get())
        with self.assertRaises(AccessError):
            provider.read(["api_key"])
        self.assertNotIn("api_key", provider.read()[0])
        with self.assertRaises(AccessError):
            provider.write({"model": "other"})
        with self.assertRaises(AccessError):
            provider.search_read([("api_key", "ilike", "sk-")], ["name"])

    def test_administrators_manage_keys(self):
        admin = new_test_user(self.env, login="ai_mcp_admin", groups="base.group_user,mcp_server.group_mcp_admin")
        provider = self.provider.with_user(admin)
        self.assertEqual(provider.read(["api_key"])[0]["api_key"], "sk-test-openai")
        provider.api_key = "sk-new"
        self.assertEqual(provider.api_key, "sk-new")
        self.assertFalse(provider.copy().with_user(admin).api_key, "a copy does not carry the secret")
