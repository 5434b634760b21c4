"""Icons (SEP-973) on serverInfo, tools, resources, resource templates and prompts.

The server and its generic entities show the mcp_server addon's icon; a tool bound to one model shows the
icon of the Odoo app defining that model; other addons' entities show their addon's icon. Every ``src`` is
an absolute URL on the configured public origin (``web.base.url``, the origin of /mcp).
"""
from odoo import api, models, tools

from ..lib.icons import SERVER_ADDON, addon_icon_path, icon_list, icons_supported


class McpServerIcons(models.AbstractModel):
    _inherit = "mcp.server"

    @api.model
    def _icons(self, call, path, version=None, typed=True):
        """The ``icons`` of an entity whose image is at ``path``; None for clients predating icons.

        ``typed=False``: without ``mimeType`` (see ``lib/icons.icon_list``)."""
        if not icons_supported(version or call.protocol_version):
            return None
        return icon_list(call.settings.get("base_url") or "", path, typed)

    @api.model
    def _with_icons(self, entries, call, path):
        """``entries`` (dicts) with ``icons`` showing ``path`` when the client knows icons."""
        icons = self._icons(call, path)
        return [dict(entry, icons=icons) for entry in entries] if icons else entries

    @api.model
    def _server_info_for(self, call, version=None):
        """serverInfo with the server's icon when the client's protocol ``version`` knows icons."""
        icons = self._icons(call, self._addon_icon_path(SERVER_ADDON), version)
        return dict(self._server_info(), icons=icons) if icons else self._server_info()

    @api.model
    @tools.ormcache("addon")
    def _addon_icon_path(self, addon):
        """The public path of an addon's icon (the server's when the addon has none)."""
        return addon_icon_path(addon)

    @api.model
    @tools.ormcache("model_name")
    def _app_icon_path(self, model_name):
        """The public path of the icon of the Odoo app defining ``model_name`` (the server's if unknown)."""
        module = self.env[model_name]._original_module if model_name in self.env else SERVER_ADDON
        return addon_icon_path(module)

    @api.model
    def _tool_icon_path(self, spec):
        """A model-bound tool shows its model's app icon; any other tool its declaring addon's icon."""
        if spec.icon_model:
            return self._app_icon_path(spec.icon_model)
        return self._addon_icon_path(spec.module or SERVER_ADDON)
