from odoo import fields, models
from odoo.addons.mcp_server.lib.settings import default as setting_default

from .mcp_portal_visit import FRAME_ANCESTORS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_portal_embed_frame_ancestors = fields.Char(
        string="Sites that may embed portal pages", config_parameter="mcp_server_portal.embed_frame_ancestors",
        default=lambda self: setting_default(FRAME_ANCESTORS),
        help="Sources allowed to show /mcp-page/<slug>/embed in a frame, separated by spaces, e.g. "
             "'https://intranet.example.com'. Empty or '*': every site; 'none': no site.")
