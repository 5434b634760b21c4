from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.actions import dialog_action
from odoo.exceptions import UserError

# Callback URLs of the platforms a shared client is commonly made for.
PLATFORM_REDIRECT_URIS = {
    "claude": "https://claude.ai/api/mcp/auth_callback\nhttps://claude.com/api/mcp/auth_callback",
    "chatgpt": "https://chatgpt.com/connector_platform_oauth_redirect",
    "other": "",
    "server": "",
}


class McpOauthClientWizard(models.TransientModel):
    """Create a shared OAuth client for a platform; its id and secret are shown once."""

    _name = "mcp.oauth.client.wizard"
    _description = "Create a shared MCP OAuth client"

    name = fields.Char(string="Name", help="Shown to users on the consent page, e.g. 'Team ChatGPT connector'.")
    platform = fields.Selection(
        [("claude", "Claude"), ("chatgpt", "ChatGPT"), ("other", "Another application (users log in)"),
         ("server", "Server to server (client credentials)")], required=True, default="claude")
    redirect_uris = fields.Text(
        string="Redirect URIs", compute="_compute_redirect_uris", store=True, readonly=False,
        help="One per line; pre-filled with the platform's callback URL.")
    user_id = fields.Many2one("res.users", string="Acts as", domain=[("share", "=", False)],
                              help="Server to server: the user whose rights the tokens carry.")
    profile_id = fields.Many2one(
        "mcp.access.profile", string="Access profile",
        help="Applies to every connection of this client. Empty: the profile of the granted scopes (Settings).")
    client_record_id = fields.Many2one("mcp.oauth.client", string="Client", readonly=True)
    client_id = fields.Char(related="client_record_id.client_id", string="Client ID")
    client_secret = fields.Char(readonly=True)
    mcp_url = fields.Char(string="MCP server URL", compute="_compute_mcp_url")

    @api.depends("platform")
    def _compute_redirect_uris(self):
        for wizard in self:
            wizard.redirect_uris = PLATFORM_REDIRECT_URIS[wizard.platform or "other"]

    def _compute_mcp_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        for wizard in self:
            wizard.mcp_url = "%s/mcp" % base_url

    def action_generate(self):
        self.ensure_one()
        if not self.name:
            raise UserError(_("Give the client a name."))
        server = self.platform == "server"
        if server and not (self.user_id and self.profile_id):
            raise UserError(_("A server-to-server client needs the user it acts as and an access profile."))
        if not server and not (self.redirect_uris or "").strip():
            raise UserError(_("Give at least one redirect URI."))
        client, secret = self.env["mcp.oauth.client"]._create_with_secret({
            "name": self.name, "kind": "shared", "state": "approved",
            "token_endpoint_auth_method": "client_secret_post",
            "redirect_uris": False if server else self.redirect_uris,
            "allow_authorization_code": not server, "allow_refresh_token": not server,
            "allow_client_credentials": server,
            "user_id": self.user_id.id if server else False,
            "profile_id": self.profile_id.id,
        })
        self.write({"client_record_id": client.id, "client_secret": secret})
        return dialog_action(self, _("Your new OAuth client"))
