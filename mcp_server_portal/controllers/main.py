"""HTTP only: /mcp-page/<slug> (HTML), /data (JSON) and /embed hand the visit to ``mcp.portal.visit``."""
from odoo import http
from odoo.http import request


class McpPortalController(http.Controller):
    def _reply(self, slug, mode):
        reply = request.env["mcp.portal.visit"]._serve(slug, mode, request.httprequest.args.to_dict())
        if reply.redirect:
            return request.redirect(reply.redirect, code=reply.status)
        if reply.status == 404:
            raise request.not_found()
        return request.make_response(reply.body, headers=list(reply.headers.items()), status=reply.status)

    @http.route("/mcp-page/<string:slug>", type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False, readonly=False, sitemap=False)
    def page(self, slug, **_kwargs):
        return self._reply(slug, "html")

    @http.route("/mcp-page/<string:slug>/data", type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False, readonly=False, sitemap=False)
    def page_data(self, slug, **_kwargs):
        return self._reply(slug, "data")

    @http.route("/mcp-page/<string:slug>/embed", type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False, readonly=False, sitemap=False)
    def page_embed(self, slug, **_kwargs):
        return self._reply(slug, "embed")
