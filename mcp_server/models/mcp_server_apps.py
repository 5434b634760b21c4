"""The MCP Apps extension (``io.modelcontextprotocol/ui``, 2026-01-26), server side: tools shown by a view
carry ``_meta.ui.resourceUri``, and the ``ui://odoo/<view>`` resources serve the views' HTML.

As the extension asks, a tool names its view only to clients that declared the extension with the
``text/html;profile=mcp-app`` MIME type (per request in the 2026-07-28 era, in ``initialize`` for a
session); the others get the same tools, texts and ``structuredContent`` as before. A view is offered
(listed and readable) to a key that may use one of the tools it shows. The view holds no data: it renders
the result the host hands it, and its tool calls reach ``/mcp`` through the host under the same key.
"""
from odoo import api, models

from ..lib.app_views import EXTENSION_ID, VIEWS, declares_ui, tool_meta, view_by_uri


class McpServerApps(models.AbstractModel):
    _inherit = "mcp.server"

    def _extensions(self, call):
        # No method of its own: the views are resources, their calls back are tools/call.
        return dict(super()._extensions(call), **{EXTENSION_ID: {}})

    def _capabilities(self, call):
        capabilities = super()._capabilities(call)
        if not call.modern:
            # Unlike Skills and Tasks, the extension works in sessions too: announce it there as well.
            capabilities["extensions"] = dict(capabilities.get("extensions") or {}, **{EXTENSION_ID: {}})
        return capabilities

    @api.model
    def _views_for(self, call):
        """``{view name: View}`` of the views showing a tool this credential may use."""
        names = {spec.view for spec in self.env["mcp.tool.registry"]._catalog_for(call) if spec.view}
        return {name: view for name, view in VIEWS.items() if name in names}

    def _tool_descriptions(self, call):
        tools = super()._tool_descriptions(call)
        if not declares_ui(call.client_capabilities):
            return tools
        catalog = self.env["mcp.tool.registry"]._catalog()
        for tool in tools:
            spec = catalog.get(tool["name"])
            if spec is not None and spec.view:
                tool["_meta"] = dict(tool.get("_meta") or {}, **tool_meta(spec.view))
        return tools

    def _resource_descriptions(self, call):
        resources = super()._resource_descriptions(call)
        if not declares_ui(call.client_capabilities):
            return resources
        views = [view.resource() for view in self._views_for(call).values()]
        return resources + self._with_icons(views, call, self._addon_icon_path("mcp_server"))

    def _rpc_resources_read(self, params, call):
        """A ``ui://odoo/<view>`` URI: ``{contents: [{uri, mimeType, text, _meta: {ui: {csp, prefersBorder}}}]}``
        (whatever the client declared: a host may read it ahead), its texts in the key user's language; not
        found when no tool of the view is available to this key."""
        uri = params.get("uri")
        view = view_by_uri(uri)
        if view is None:
            return super()._rpc_resources_read(params, call)
        if view.name not in self._views_for(call):
            raise self._resource_not_found(uri, call)
        return {"contents": [view.contents(self.env.lang)]}
