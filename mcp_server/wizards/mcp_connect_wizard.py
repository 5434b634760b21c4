import json

from odoo import _, api, fields, models


class McpConnectWizard(models.TransientModel):
    """Shows this server's MCP URL and ready-to-paste client configurations."""

    _name = "mcp.connect.wizard"
    _description = "Connect an MCP client"

    server_url = fields.Char(compute="_compute_configs")
    claude_desktop = fields.Text(string="Claude Desktop", compute="_compute_configs")
    claude_code = fields.Text(string="Claude Code", compute="_compute_configs")
    cursor = fields.Text(string="Cursor", compute="_compute_configs")
    vscode = fields.Text(string="VS Code", compute="_compute_configs")
    chatgpt = fields.Text(string="ChatGPT", compute="_compute_configs")
    inspector = fields.Text(string="MCP Inspector", compute="_compute_configs")

    @api.depends_context("uid")
    def _compute_configs(self):
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        url = "%s/mcp" % base
        key = "<YOUR_MCP_KEY>"
        auth = {"Authorization": "Bearer %s" % key}
        for wizard in self:
            wizard.server_url = url
            wizard.claude_desktop = json.dumps({"mcpServers": {"odoo": {
                "command": "npx", "args": ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH}"],
                "env": {"AUTH": "Bearer %s" % key}}}}, indent=2)
            wizard.claude_code = "claude mcp add --transport http odoo %s --header \"Authorization: Bearer %s\"" % (
                url, key)
            wizard.cursor = json.dumps({"mcpServers": {"odoo": {"url": url, "headers": auth}}}, indent=2)
            wizard.vscode = json.dumps({"servers": {"odoo": {"type": "http", "url": url, "headers": auth}}}, indent=2)
            wizard.chatgpt = _(
                "Settings → Apps & Connectors → Create (developer mode). Connector URL: %(url)s. ChatGPT connects "
                "with OAuth: install the MCP OAuth addon, or use a client that can send the header "
                "'Authorization: Bearer <key>'.", url=url)
            wizard.inspector = _(
                "npx @modelcontextprotocol/inspector — Transport: Streamable HTTP, URL: %(url)s, "
                "Authentication → Header name: Authorization, value: Bearer <YOUR_MCP_KEY>. If you use the "
                "Inspector's direct browser connection, add its origin (e.g. http://localhost:6274) to "
                "Allowed origins in Settings.", url=url)
