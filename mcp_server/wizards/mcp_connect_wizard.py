import json

from markupsafe import Markup

from odoo import _, api, fields, models

from ..lib.actions import dialog_action

KEY_PLACEHOLDER = "<YOUR_MCP_KEY>"
CLIENTS = ("claude", "chatgpt", "claude_code", "cursor", "vscode", "gemini", "inspector", "n8n")


def _steps(*lines):
    """An ordered list of steps; each step is escaped text, ``code`` parts are given as Markup."""
    return Markup("<ol class='mb-2'>%s</ol>") % Markup("").join(Markup("<li>%s</li>") % line for line in lines)


def _code(text):
    return Markup("<code>%s</code>") % text


class McpConnectWizard(models.TransientModel):
    """This server's MCP URL and, per client, the steps and the configuration to paste.

    Opened from the menu, Settings or right after a key is generated: then ``secret`` holds the new key
    (shown once) and every configuration carries it.
    """

    _name = "mcp.connect.wizard"
    _description = "Connect an MCP client"

    key_id = fields.Many2one("mcp.api.key", string="Key", readonly=True)
    secret = fields.Char(string="Your new key", readonly=True)
    server_url = fields.Char(string="Server URL", compute="_compute_configs")
    oauth_available = fields.Boolean(compute="_compute_configs")
    claude_steps = fields.Html(string="Claude.ai and Claude Desktop: steps", compute="_compute_configs", sanitize=False)
    claude_config = fields.Text(string="Claude.ai and Claude Desktop: configuration", compute="_compute_configs")
    chatgpt_steps = fields.Html(string="ChatGPT: steps", compute="_compute_configs", sanitize=False)
    chatgpt_config = fields.Text(string="ChatGPT: configuration", compute="_compute_configs")
    claude_code_steps = fields.Html(string="Claude Code: steps", compute="_compute_configs", sanitize=False)
    claude_code_config = fields.Text(string="Claude Code: configuration", compute="_compute_configs")
    cursor_steps = fields.Html(string="Cursor: steps", compute="_compute_configs", sanitize=False)
    cursor_config = fields.Text(string="Cursor: configuration", compute="_compute_configs")
    vscode_steps = fields.Html(string="VS Code: steps", compute="_compute_configs", sanitize=False)
    vscode_config = fields.Text(string="VS Code: configuration", compute="_compute_configs")
    gemini_steps = fields.Html(string="Gemini CLI: steps", compute="_compute_configs", sanitize=False)
    gemini_config = fields.Text(string="Gemini CLI: configuration", compute="_compute_configs")
    inspector_steps = fields.Html(string="MCP Inspector: steps", compute="_compute_configs", sanitize=False)
    inspector_config = fields.Text(string="MCP Inspector: configuration", compute="_compute_configs")
    n8n_steps = fields.Html(string="n8n: steps", compute="_compute_configs", sanitize=False)
    n8n_config = fields.Text(string="n8n: configuration", compute="_compute_configs")

    @api.model
    def action_open(self, secret=None, key=None):
        """Open the wizard on a saved record, so every value is computed before it is shown."""
        wizard = self.create({"secret": secret, "key_id": key.id if key else False})
        return dialog_action(wizard, _("Your new MCP key") if secret else _("Connect a client"))

    @api.depends("secret")
    @api.depends_context("uid")
    def _compute_configs(self):
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        url = "%s/mcp" % base
        oauth = "mcp.oauth.client" in self.env
        for wizard in self:
            key = wizard.secret or KEY_PLACEHOLDER
            wizard.server_url = url
            wizard.oauth_available = oauth
            for client in CLIENTS:
                steps, config = getattr(wizard, "_guide_%s" % client)(url, key, oauth)
                wizard["%s_steps" % client] = steps
                wizard["%s_config" % client] = config

    # ------------------------------------------------------------------
    # One guide per client: (steps as HTML, configuration to paste)
    # ------------------------------------------------------------------
    def _guide_claude(self, url, key, oauth):
        config = json.dumps({"mcpServers": {"odoo": {
            "command": "npx", "args": ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH_HEADER}"],
            "env": {"AUTH_HEADER": "Bearer %s" % key}}}}, indent=2)
        if oauth:
            connector = _steps(
                _("In Claude (claude.ai or Claude Desktop): Settings → Connectors → Add custom connector."),
                Markup(_("Name: %(name)s, Remote MCP server URL: %(url)s, then Add.")) % {
                    "name": _code("Odoo"), "url": _code(url)},
                _("Click Connect, sign in to Odoo and approve the access it asks for. Claude Desktop shows the "
                  "connector too once it is added on claude.ai."),
            )
        else:
            connector = Markup("<p>%s</p>") % _(
                "Custom connectors of claude.ai and Claude Desktop sign in with OAuth: install the "
                "'MCP Server OAuth' app to use them. Until then Claude Desktop can use an API key through the "
                "mcp-remote bridge (needs Node.js):")
        api_key = _steps(
            _("Claude Desktop: Settings → Developer → Edit Config opens claude_desktop_config.json."),
            _("Add the block below inside it (merge with existing mcpServers), save, then restart Claude Desktop."),
        )
        if oauth:
            api_key = Markup("<p>%s</p>") % _("Or, with an API key instead of signing in:") + api_key
        return connector + api_key, config

    def _guide_chatgpt(self, url, key, oauth):
        if not oauth:
            return Markup("<p>%s</p>") % _(
                "ChatGPT connects only with OAuth (it cannot send an API key). Ask an administrator to install the "
                "'MCP Server OAuth' app, then come back to this tab."), url
        return _steps(
            _("In ChatGPT: Settings → Apps & Connectors → Advanced settings, turn on Developer mode "
              "(on Business and Enterprise plans an admin allows it first)."),
            _("Settings → Apps & Connectors → Create."),
            Markup(_("Name: %(name)s, MCP server URL: the URL below, Authentication: OAuth, then Create.")) % {
                "name": _code("Odoo")},
            _("Sign in to Odoo and approve the access ChatGPT asks for. In a chat, enable the app from the "
              "+ menu (Developer mode)."),
        ), url

    def _guide_claude_code(self, url, key, oauth):
        steps = [_("Run this command in a terminal, in the project where you use Claude Code."),
                 Markup(_("Check with %s: the server is listed as connected.")) % _code("claude mcp list")]
        if oauth:
            steps.append(Markup(_("Without a key: %(cmd)s, then %(mcp)s in Claude Code to sign in.")) % {
                "cmd": _code("claude mcp add --transport http odoo %s" % url), "mcp": _code("/mcp")})
        return _steps(*steps), 'claude mcp add --transport http odoo %s --header "Authorization: Bearer %s"' % (
            url, key)

    def _guide_cursor(self, url, key, oauth):
        return _steps(
            Markup(_("Open %s (Cursor Settings → MCP → Add new global MCP server).")) % _code("~/.cursor/mcp.json"),
            _("Merge the block below into it and save: Odoo's tools appear in Cursor Settings → MCP."),
            _("Keep the key in this user-level file, not in a project's .cursor/mcp.json that may be committed."),
        ), json.dumps({"mcpServers": {"odoo": {"url": url, "headers": {"Authorization": "Bearer %s" % key}}}},
                      indent=2)

    def _guide_vscode(self, url, key, oauth):
        config = {
            "inputs": [{"type": "promptString", "id": "odoo-mcp-key", "description": "Odoo MCP key",
                        "password": True}],
            "servers": {"odoo": {"type": "http", "url": url,
                                 "headers": {"Authorization": "Bearer ${input:odoo-mcp-key}"}}},
        }
        return _steps(
            _("Command Palette → MCP: Open User Configuration (your user mcp.json, not the workspace's)."),
            _("Merge the block below into it and save. It holds no secret: VS Code asks for the key once, "
              "when the server first starts, and keeps it in its secret storage."),
            _("Start the server from the file's Start action and paste your key when asked; use the tools in "
              "Copilot Chat's Agent mode."),
        ), json.dumps(config, indent=2)

    def _guide_gemini(self, url, key, oauth):
        return _steps(
            _("Run this command in a terminal: it adds the server to your user settings (~/.gemini/settings.json)."),
            Markup(_("In Gemini CLI, %s lists the server and its tools.")) % _code("/mcp"),
        ), 'gemini mcp add --scope user --transport http --header "Authorization: Bearer %s" odoo %s' % (key, url)

    def _guide_inspector(self, url, key, oauth):
        return _steps(
            _("The command below lists the tools from a terminal (needs Node.js 22)."),
            Markup(_("For the Inspector's web UI run %(cmd)s: Transport Type Streamable HTTP, URL %(url)s, "
                     "Authentication → header Authorization with value Bearer and your key.")) % {
                "cmd": _code("npx @modelcontextprotocol/inspector"), "url": _code(url)},
            _("If the Inspector connects directly from the browser, add its origin (e.g. http://localhost:6274) "
              "to Allowed origins in Settings."),
        ), ('npx @modelcontextprotocol/inspector --cli %s --transport http --header "Authorization: Bearer %s" '
            '--method tools/list' % (url, key))

    def _guide_n8n(self, url, key, oauth):
        return _steps(
            _("In an AI Agent node, add the tool MCP Client Tool (or use the MCP Client node as a step)."),
            _("Endpoint: the server URL; Server Transport: HTTP Streamable; Authentication: Bearer Auth."),
            _("Create the Bearer Auth credential with the key below as Bearer Token."),
        ), "Endpoint: %s\nServer Transport: HTTP Streamable\nAuthentication: Bearer Auth\nBearer Token: %s" % (
            url, key)
