"""Portal page tools: build, change, inspect, list and delete the pages shown at /mcp-page/<slug>.

A page is bound to the credential that created it: its figures are read with that credential's access
profile, and only that credential's tools see it. Publishing is left to a person in Odoo.
"""
from odoo import Command, _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool

from ..lib.schema import PAGE_OUTPUT, PAGE_PROPERTIES, PAGE_REF, SCALAR, SLUG_PATTERN
from .mcp_portal_spec import EvaluationScope

SLUG = {"type": "string", "pattern": SLUG_PATTERN, "minLength": 2, "maxLength": 64,
        "description": "The address: /mcp-page/<slug>, e.g. 'sales-dashboard' (default: from the title)."}
FILTER_VALUES = {"type": "object", "additionalProperties": SCALAR,
                 "description": "Values of the page's URL filters to compute the data with, e.g. "
                                "{\"period\": \"last_30_days\"}."}


class McpToolsPortal(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _portal_page(self, call, ref):
        """One of the caller's pages, by slug or id."""
        domain = [("credential_ref", "=", call.credential.ref)]
        ref = str(ref).strip()
        domain.append(("id", "=", int(ref)) if ref.isdigit() else ("slug", "=", ref))
        page = self.env["mcp.portal.page"].search(domain, limit=1)
        if not page:
            raise ToolError(_("No portal page %r was made with this key; list_portal_pages shows the ones that "
                              "were.", ref))
        call.note(model=page._name, record_ids=page.ids)
        return page

    @api.model
    def _portal_sections_commands(self, sections):
        return [Command.create({"sequence": (index + 1) * 10, "section_type": s["type"], "title": s["title"],
                                "width": s["width"], "config": s["config"]}) for index, s in enumerate(sections)]

    @api.model
    def _portal_page_result(self, call, page, message=None, data=None):
        links = page._links(call.settings.get("base_url"))
        result = {
            "id": page.id, "slug": page.slug, "title": page.name, "description": page.description or "",
            "visibility": page.visibility, "published": page.published, "cache_seconds": page.cache_seconds,
            "theme": {"mode": page.theme_mode, "accent_color": page.accent_color or "",
                      "secondary_color": page.secondary_color or "", "logo_url": page.logo_url or ""},
            "filters": page.filters or [], "sections": [s._as_definition() for s in page.section_ids],
            **links,
        }
        if message is None and not page.published:
            message = _("The page is a draft: only its owner (logged in to Odoo) can preview it at %(url)s. "
                        "It goes live when its owner or an MCP administrator publishes it in Odoo: %(backend)s",
                        url=links["url"], backend=links["backend_url"])
        if message:
            result["message"] = message
        if data is not None:
            result["data"] = data
        return result

    @api.model
    def _portal_check_definition(self, call, args, page=None):
        """Page values, sections and filters from the arguments, checked against the caller's policy."""
        spec = self.env["mcp.portal.spec"]
        scope = EvaluationScope(self.env, call.policy, call.credential)
        values = spec._page_values(args, page)
        sections = None
        if "sections" in args:
            sections = spec._check_sections(scope, args["sections"])
        if "filters" in args or (sections is not None and page and page.filters):
            current = sections if sections is not None else [
                {"config": s.config or {}} for s in page.section_ids]
            filters = args.get("filters")
            if filters is None:
                filters = page.filters
            try:
                values["filters"] = spec._check_filters(scope, filters, current)
            except ToolError as exc:
                if "filters" not in args:
                    exc.message += " " + _("(The page's filters no longer fit the new sections: send filters too.)")
                    exc.args = (exc.message,)
                raise
        return values, sections

    # ------------------------------------------------------------------
    # Tools
    # ------------------------------------------------------------------
    @mcp_tool(
        "create_portal_page", "Create a portal page",
        "Build a dashboard page of live Odoo figures (KPIs, charts, tables...) at /mcp-page/<slug>, to share "
        "with people. Its figures are read with this key's access: it can never show more than the key may "
        "read. The page starts as a draft that a person publishes in Odoo. Every section is described in the "
        "'sections' schema; errors name the section and field to fix.",
        {"properties": {"slug": SLUG, **PAGE_PROPERTIES}, "required": ["title", "sections"],
         "additionalProperties": False},
        PAGE_OUTPUT, risk="write", operation="read")
    def _tool_create_portal_page(self, call, args):
        values, sections = self._portal_check_definition(call, args)
        filters = values.pop("filters", [])
        pages = self.env["mcp.portal.page"]
        page = pages.create(dict(values, owner_id=self.env.uid))
        # Binding the page to the calling credential is the server's bookkeeping: the caller is that credential.
        page.sudo().write({"key_id": call.credential.key_id or False,
                           "credential_ref": call.credential.ref,
                           "user_id": call.credential.user_id})
        page.write({"section_ids": self._portal_sections_commands(sections), "filters": filters})
        call.note(model=page._name, record_ids=page.ids)
        call.changes.append({"operation": "create", "model": page._name, "values": {
            "slug": page.slug, "title": page.name, "sections": len(sections)}})
        return self._portal_page_result(call, page)

    @mcp_tool(
        "update_portal_page", "Update a portal page",
        "Change a page made with this key: give only what changes. 'sections' replaces the whole list (send "
        "every section, in order); 'filters' replaces the URL filters. regenerate_token issues new secret and "
        "embed links (the old ones stop working).",
        {"properties": {"page": PAGE_REF, "slug": SLUG, **PAGE_PROPERTIES,
                        "regenerate_token": {"type": "boolean"}},
         "required": ["page"], "additionalProperties": False},
        PAGE_OUTPUT, risk="write", operation="read")
    def _tool_update_portal_page(self, call, args):
        page = self._portal_page(call, args["page"])
        changes = {k: v for k, v in args.items() if k not in ("page", "dry_run", "regenerate_token")}
        values, sections = self._portal_check_definition(call, changes, page)
        if sections is not None:
            values["section_ids"] = [Command.delete(s.id) for s in page.section_ids] + \
                self._portal_sections_commands(sections)
        if values:
            page.write(values)
        if args.get("regenerate_token"):
            page.action_regenerate_token()
        call.changes.append({"operation": "write", "model": page._name, "id": page.id,
                             "fields": sorted(changes) + (["access_token"] if args.get("regenerate_token") else [])})
        return self._portal_page_result(call, page)

    @mcp_tool(
        "get_portal_page", "Get a portal page",
        "The definition and links of a page made with this key; with include_data, also the figures visitors "
        "see now (optionally for given URL filter values), to check the page.",
        {"properties": {"page": PAGE_REF, "include_data": {"type": "boolean"}, "filter_values": FILTER_VALUES},
         "required": ["page"], "additionalProperties": False},
        PAGE_OUTPUT, operation="read")
    def _tool_get_portal_page(self, call, args):
        page = self._portal_page(call, args["page"])
        data = None
        if args.get("include_data"):
            params = {k: str(v).lower() if isinstance(v, bool) else str(v)
                      for k, v in (args.get("filter_values") or {}).items()}
            visit = self.env["mcp.portal.visit"]
            filter_values = visit._filter_values(page, params)
            data = visit._data(page, filter_values, visit._payload(page, filter_values))
        return self._portal_page_result(call, page, data=data)

    @mcp_tool(
        "list_portal_pages", "List portal pages",
        "The portal pages made with this key, newest first, with their links and whether they are published.",
        {"properties": {
            "search": {"type": "string", "description": "Only pages whose title or slug contains this."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 200, "description": "Default 50."},
            "offset": {"type": "integer", "minimum": 0}},
         "additionalProperties": False},
        {"type": "object", "properties": {"pages": {"type": "array", "items": {"type": "object"}},
                                          "count": {"type": "integer"}, "total": {"type": "integer"}},
         "required": ["pages", "count"]},
        operation="read")
    def _tool_list_portal_pages(self, call, args):
        domain = [("credential_ref", "=", call.credential.ref)]
        if args.get("search"):
            domain += ["|", ("name", "ilike", args["search"]), ("slug", "ilike", args["search"])]
        pages = self.env["mcp.portal.page"]
        found = pages.search(domain, limit=args.get("limit") or 50, offset=args.get("offset") or 0)
        result = []
        for page in found:
            links = page._links(call.settings.get("base_url"))
            result.append({"id": page.id, "slug": page.slug, "title": page.name, "visibility": page.visibility,
                           "published": page.published, "sections": len(page.section_ids), "url": links["url"],
                           "backend_url": links["backend_url"], "updated": page.write_date.isoformat() + "Z"})
        return {"pages": result, "count": len(result), "total": pages.search_count(domain)}

    @mcp_tool(
        "delete_portal_page", "Delete a portal page",
        "Delete a page made with this key: its address stops working at once.",
        {"properties": {"page": PAGE_REF}, "required": ["page"], "additionalProperties": False},
        {"type": "object", "properties": {"deleted": {"type": "boolean"}, "slug": {"type": "string"}},
         "required": ["deleted", "slug"]},
        risk="destructive", operation="read")
    def _tool_delete_portal_page(self, call, args):
        page = self._portal_page(call, args["page"])
        slug = page.slug
        call.changes.append({"operation": "unlink", "model": page._name, "id": page.id,
                             "record": {"slug": slug, "title": page.name}})
        page.unlink()
        return {"deleted": True, "slug": slug}
