from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.redirect_uris import allowlist_pattern_error, split_uris
from ..lib.scopes import SCOPES, parse_scope
from .mcp_oauth_server import (
    DEFAULT_ACCESS_TOKEN_MINUTES,
    DEFAULT_REDIRECT_ALLOWLIST,
    DEFAULT_REFRESH_TOKEN_DAYS,
    DEFAULT_REGISTRATIONS_PER_DAY,
    DEFAULT_SCOPE,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_oauth_registration_mode = fields.Selection(
        [("open", "Open"), ("approval", "Needs approval"), ("off", "Off")], string="New applications",
        config_parameter="mcp_server_oauth.registration_mode", default="open",
        help="Applications registering themselves (dynamic registration, client metadata documents): Open — they "
             "can connect at once; Needs approval — an MCP Administrator approves each one first; Off — only "
             "applications added by an administrator.")
    mcp_oauth_redirect_uri_allowlist = fields.Char(
        string="Allowed redirect URIs", config_parameter="mcp_server_oauth.redirect_uri_allowlist",
        default=DEFAULT_REDIRECT_ALLOWLIST,
        help="Redirect URIs self-registered applications may use, separated by spaces: an exact URI; a loopback "
             "host on any port (http://127.0.0.1:*); or a path prefix ending in /* (https://app.example/oauth/*) for "
             "the URIs of that scheme and host under that path. A host never holds a *.")
    mcp_oauth_registrations_per_ip_day = fields.Integer(
        string="Registrations per address and day", config_parameter="mcp_server_oauth.registrations_per_ip_day",
        default=DEFAULT_REGISTRATIONS_PER_DAY,
        help="Dynamic registrations accepted from one IP address per day; more are answered 429. Claude.ai and "
             "ChatGPT register each user's connection from their own servers: raise it for many users.")
    mcp_oauth_remember_consent = fields.Boolean(
        string="Remember consent", config_parameter="mcp_server_oauth.remember_consent", default=True,
        help="A user who already allowed an application the same scopes and profile is not asked again.")
    mcp_oauth_access_token_minutes = fields.Integer(
        string="Access token lifetime (minutes)", config_parameter="mcp_server_oauth.access_token_minutes",
        default=DEFAULT_ACCESS_TOKEN_MINUTES)
    mcp_oauth_refresh_token_days = fields.Integer(
        string="Refresh token lifetime (days)", config_parameter="mcp_server_oauth.refresh_token_days",
        default=DEFAULT_REFRESH_TOKEN_DAYS,
        help="Each refresh issues a new refresh token valid this long; a connection unused this long must log in "
             "again.")
    mcp_oauth_default_scope = fields.Char(
        string="Default scopes", config_parameter="mcp_server_oauth.default_scope", default=DEFAULT_SCOPE,
        help="Granted when an application asks for no known scope, and suggested to clients in the 401 challenge.")
    mcp_oauth_profile_read_id = fields.Many2one(
        "mcp.access.profile", string="Profile for mcp:read", config_parameter="mcp_server_oauth.profile_read_id")
    mcp_oauth_profile_write_id = fields.Many2one(
        "mcp.access.profile", string="Profile for mcp:write", config_parameter="mcp_server_oauth.profile_write_id")
    mcp_oauth_profile_admin_id = fields.Many2one(
        "mcp.access.profile", string="Profile for mcp:admin", config_parameter="mcp_server_oauth.profile_admin_id")

    @api.constrains("mcp_oauth_redirect_uri_allowlist", "mcp_oauth_default_scope")
    def _check_mcp_oauth(self):
        for settings in self:
            for line in split_uris(settings.mcp_oauth_redirect_uri_allowlist):
                error = allowlist_pattern_error(line)
                if error:
                    raise ValidationError(_("Allowed redirect URIs: %s", error))
            scopes = (settings.mcp_oauth_default_scope or "").split()
            if scopes and len(parse_scope(" ".join(scopes))) != len(set(scopes)):
                raise ValidationError(_("Default scopes must be among %s.", ", ".join(SCOPES)))
