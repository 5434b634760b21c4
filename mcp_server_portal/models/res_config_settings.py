from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_portal_embed_frame_ancestors = fields.Char(
        string="Sites that may embed portal pages", config_parameter="mcp_server_portal.embed_frame_ancestors",
        help="Sources allowed to show /mcp-page/<slug>/embed in a frame, separated by spaces, e.g. "
             "'https://intranet.example.com'. Empty or '*': every site; 'none': no site.")
