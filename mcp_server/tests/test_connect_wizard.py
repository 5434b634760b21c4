"""Connect a client: the server URL and, per client, steps and a configuration to paste, the new key filled in."""
from odoo.tests import TransactionCase, tagged

CLIENTS = ("claude", "chatgpt", "claude_code", "cursor", "vscode", "gemini", "inspector", "n8n")


@tagged("post_install", "-at_install")
class TestConnectWizard(TransactionCase):

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        self.url = "https://odoo.example.com/mcp"

    def open(self, secret=None):
        action = self.env["mcp.connect.wizard"].action_open(secret=secret)
        self.assertEqual(action["res_model"], "mcp.connect.wizard")
        return self.env["mcp.connect.wizard"].browse(action["res_id"])

    def test_every_client_has_steps_and_a_configuration(self):
        wizard = self.open()
        self.assertEqual(wizard.server_url, self.url)
        for client in CLIENTS:
            with self.subTest(client=client):
                self.assertTrue(wizard["%s_steps" % client])
                self.assertIn(self.url, wizard["%s_config" % client])

    def test_the_new_key_is_filled_in_except_for_vscode(self):
        secret = "mcpk_" + "k" * 43
        wizard = self.open(secret)
        for client in ("claude", "claude_code", "cursor", "gemini", "inspector", "n8n"):
            with self.subTest(client=client):
                self.assertIn(secret, wizard["%s_config" % client])
                self.assertNotIn("<YOUR_MCP_KEY>", wizard["%s_config" % client])
        # VS Code: an input variable prompted once and kept in VS Code's secret storage, never the key in a file.
        self.assertNotIn(secret, wizard.vscode_config)
        self.assertIn('"password": true', wizard.vscode_config)
        self.assertIn("Bearer ${input:odoo-mcp-key}", wizard.vscode_config)
        self.assertIn("MCP: Open User Configuration", wizard.vscode_steps)
        # ChatGPT signs in with OAuth: never a key.
        self.assertEqual(wizard.chatgpt_config, self.url)
        self.assertIn("<YOUR_MCP_KEY>", self.open().cursor_config)

    def test_chatgpt_and_claude_follow_whether_oauth_is_installed(self):
        wizard = self.open()
        steps_with, _config = wizard._guide_chatgpt(self.url, "k", oauth=True)
        steps_without, _config = wizard._guide_chatgpt(self.url, "k", oauth=False)
        self.assertIn("Authentication: OAuth", steps_with)
        self.assertIn("Ask an administrator to install", steps_without)
        self.assertIn("MCP Server OAuth", steps_without)
        claude_with, _config = wizard._guide_claude(self.url, "k", oauth=True)
        claude_without, _config = wizard._guide_claude(self.url, "k", oauth=False)
        self.assertIn("Add custom connector", claude_with)
        self.assertIn("mcp-remote", claude_without)
        self.assertEqual(wizard.oauth_available, "mcp.oauth.client" in self.env)
