"""A visit to ``/mcp-page/<slug>``: who may see the page, which URL filters count, cached figures, the reply.

Visitors never act as the page's credential: the figures are computed (or taken from the cache) by the
server and only the resulting numbers, labels and text are sent.
"""
import datetime
import hashlib
import json
import re

from odoo import api, fields, models
from odoo.addons.mcp_server.lib.settings import as_text, register_setting
from odoo.tools.misc import format_datetime

from ..lib.html import json_script, sanitize_body

ASSETS = "mcp_server_portal.assets_portal_page"
FRAME_ANCESTORS = "portal_embed_frame_ancestors"
register_setting(FRAME_ANCESTORS, "mcp_server_portal.embed_frame_ancestors", as_text, "*")
FRAME_SOURCE = re.compile(r"^(\*|'self'|'none'|https?://[A-Za-z0-9.*-]+(:\d+)?)$")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
       "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors %s")


class PortalReply:
    """What the controller sends: a status, a body and headers (or a redirection)."""

    def __init__(self, status=200, body="", headers=None, redirect=None):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.redirect = redirect


class McpPortalVisit(models.AbstractModel):
    _name = "mcp.portal.visit"
    _description = "MCP portal page visit"

    @api.model
    def _serve(self, slug, mode, params):
        """Answer a visit; ``mode`` is html, data or embed; ``params`` the query string (a dict of strings)."""
        if not slug or any("\x00" in text for text in (slug, *params.keys(), *params.values())):
            return PortalReply(404)  # NUL characters cannot be looked up in PostgreSQL: no such page
        page = self.env["mcp.portal.page"].sudo().search([("slug", "=", slug)], limit=1)
        if not page:
            return PortalReply(404)
        user = self.env.user
        logged_in = not user._is_public()
        manager = logged_in and (page.owner_id == user or user.has_group("mcp_server.group_mcp_admin"))
        preview = not page.published and manager and mode != "embed"
        if not page.published and not preview:
            return PortalReply(404)
        if mode == "embed":
            if not page._check_embed_token(params.get("embed_token")) or (
                    page.visibility == "users" and not logged_in):
                return PortalReply(404)
        elif not manager:
            if page.visibility == "token" and not page._check_access_token(params.get("token")):
                return PortalReply(404)
            if page.visibility == "users" and not logged_in:
                if mode == "data":
                    return PortalReply(404)
                return PortalReply(303, redirect="/web/login?redirect=/mcp-page/%s" % page.slug)
        filter_values = self._filter_values(page, params)
        payload = self._payload(page, filter_values)
        if mode == "data":
            return PortalReply(200, json.dumps(self._data(page, filter_values, payload), ensure_ascii=False),
                               dict(self._headers(page, mode, preview), **{"Content-Type": "application/json"}))
        return PortalReply(200, self._render(page, mode, params, payload, preview),
                           dict(self._headers(page, mode, preview),
                                **{"Content-Type": "text/html; charset=utf-8"}))

    # ------------------------------------------------------------------
    # URL filters: only the declared ones, only valid values
    # ------------------------------------------------------------------
    @api.model
    def _filter_values(self, page, params):
        values = {}
        spec = self.env["mcp.portal.spec"]
        for page_filter in page.filters or []:
            raw = params.get(page_filter["name"])
            value = None
            if isinstance(raw, str) and raw and len(raw) <= 100:
                if page_filter["type"] == "period":
                    value = raw if raw in page_filter["choices"] else None
                else:
                    field = self._filter_field(page, page_filter["field"])
                    value = spec._parse_field_value(self.env[field.model_name], field, raw) if field else None
                    if page_filter.get("choices") and value not in page_filter["choices"]:
                        value = None
            if value is None:
                value = page_filter.get("default")
            values[page_filter["name"]] = value
        return values

    @api.model
    def _filter_field(self, page, field_name):
        for model_name in page.section_ids.mapped("model_name"):
            if model_name and model_name in self.env and field_name in self.env[model_name]._fields:
                return self.env[model_name]._fields[field_name]
        return None

    # ------------------------------------------------------------------
    # Figures (cached)
    # ------------------------------------------------------------------
    @api.model
    def _payload(self, page, filter_values):
        scope = page._evaluation_scope()
        key = self._cache_key(page, filter_values, scope)
        cache = self.env["mcp.portal.cache"].sudo()
        payload = cache._get(page.id, key) if page.cache_seconds else None
        if payload is None:
            payload = self.env["mcp.portal.evaluator"]._evaluate(page, filter_values)
            payload["generated_at"] = fields.Datetime.now().replace(microsecond=0).isoformat() + "Z"
            if page.cache_seconds:
                cache._put(page.id, key, payload, page.cache_seconds)
        return payload

    @api.model
    def _cache_key(self, page, filter_values, scope):
        """Figures depend on the filters, the page's definition and whose access they are read with."""
        policy = None
        if scope is not None:
            policy = json.dumps(scope.policy._entries, sort_keys=True, default=sorted)
        key = {
            "filters": filter_values,
            "page": str(page.write_date),
            "sections": [(s.id, str(s.write_date)) for s in page.section_ids],
            "credential": scope and (scope.credential.user_id, scope.credential.profile_id),
            "policy": policy,
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()

    @api.model
    def _data(self, page, filter_values, payload):
        return {"page": {"slug": page.slug, "title": page.name, "description": page.description or ""},
                "filters": filter_values, "generated_at": payload.get("generated_at"),
                "sections": payload["sections"]}

    # ------------------------------------------------------------------
    # HTML
    # ------------------------------------------------------------------
    @api.model
    def _render(self, page, mode, params, payload, preview):
        owner = page.user_id or page.owner_id
        lang = owner.lang or "en_US"
        theme = page._theme()
        hidden = {}
        if mode == "embed":
            hidden["embed_token"] = params.get("embed_token")
        elif page.visibility == "token" and params.get("token"):
            hidden["token"] = params["token"]
        action = "/mcp-page/%s%s" % (page.slug, "/embed" if mode == "embed" else "")
        client = {"theme": theme, "lang": lang.replace("_", "-"), "sections": [
            s for s in payload["sections"] if s["type"] == "chart" and not s.get("error")]}
        # Rich text was sanitised when saved; it is sanitised again on its way out.
        sections = [dict(s, html=sanitize_body(s["html"])) if "html" in s else s for s in payload["sections"]]
        env = self.with_context(lang=lang).env
        generated = datetime.datetime.fromisoformat(payload["generated_at"].rstrip("Z"))
        values = {
            "page": page, "theme": theme, "html_lang": lang.replace("_", "-"), "sections": sections,
            "filters": payload.get("filters") or [], "generated_at": payload["generated_at"],
            "generated_text": format_datetime(env, generated, tz=owner.tz or "UTC", dt_format="medium"),
            "hidden": hidden, "action": action, "embed": mode == "embed", "preview": preview,
            "client_data": json_script(client),
            # Plain links: the tags Odoo would write carry an inline handler the page's CSP refuses.
            "asset_links": {kind: env["ir.qweb"]._get_asset_links(ASSETS, css=kind == "css", js=kind == "js")
                            for kind in ("css", "js")},
        }
        return env["ir.qweb"]._render("mcp_server_portal.portal_page", values)

    @api.model
    def _headers(self, page, mode, preview):
        private = preview or mode == "embed" or page.visibility != "public"
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer" if private else "strict-origin-when-cross-origin",
            "Cache-Control": "private, no-store" if private else "public, max-age=%s" % min(page.cache_seconds, 60),
        }
        if mode == "embed":
            headers["Content-Security-Policy"] = CSP % self._frame_ancestors()
        else:
            headers["Content-Security-Policy"] = CSP % "'self'"
            headers["X-Frame-Options"] = "SAMEORIGIN"
        return headers

    @api.model
    def _frame_ancestors(self):
        """Sites allowed to embed pages (Settings), '*' by default; anything malformed is left out."""
        setting = self.env["mcp.server"]._settings()[FRAME_ANCESTORS] or "*"
        setting = "'none'" if setting.strip() == "none" else setting
        sources = [s for s in setting.replace(",", " ").split() if FRAME_SOURCE.match(s)]
        return " ".join(sources) or "'none'"
