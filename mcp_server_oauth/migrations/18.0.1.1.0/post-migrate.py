"""Databases whose Settings were saved hold the earlier default redirect allowlist, which refused
ChatGPT's per-app callbacks and Cursor: an unchanged earlier default becomes the new default."""
from odoo import SUPERUSER_ID, api
from odoo.addons.mcp_server_oauth.models.mcp_oauth_server import DEFAULT_REDIRECT_ALLOWLIST

PREVIOUS_DEFAULT = ("https://claude.ai/api/mcp/auth_callback https://claude.com/api/mcp/auth_callback "
                    "https://chatgpt.com/connector_platform_oauth_redirect https://vscode.dev/redirect "
                    "http://127.0.0.1 http://localhost http://[::1]")
KEY = "mcp_server_oauth.redirect_uri_allowlist"


def migrate(cr, version):
    params = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
    if (params.get_param(KEY) or "").split() == PREVIOUS_DEFAULT.split():
        params.set_param(KEY, DEFAULT_REDIRECT_ALLOWLIST)
