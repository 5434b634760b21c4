"""A dashboard page shown at ``/mcp-page/<slug>``, whose figures are read as the credential it is bound to."""
import json
import secrets

from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.credential import Credential
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..lib import colors
from ..lib.schema import FILTER, THEME_MODES
from .mcp_portal_spec import EvaluationScope


def key_ref(key_id):
    """The credential reference of the MCP key ``key_id``."""
    return Credential(kind="mcp_key", user_id=None, key_id=key_id).ref


CREDENTIAL_FIELDS = {"key_id", "user_id", "profile_id", "credential_ref"}
EMBED_SCOPE = "mcp_server_portal.embed"


def _new_token():
    return secrets.token_urlsafe(24)


class McpPortalPage(models.Model):
    _name = "mcp.portal.page"
    _description = "MCP Portal Page"
    _order = "write_date desc, id desc"

    name = fields.Char(string="Title", required=True)
    slug = fields.Char(required=True, index=True, copy=False,
                       help="The page's address: /mcp-page/<slug>. Lower-case letters, digits and hyphens.")
    description = fields.Text(help="Plain text shown under the title.")
    owner_id = fields.Many2one("res.users", string="Owner", required=True, index=True, ondelete="cascade",
                               default=lambda self: self.env.user, help="Who manages the page.")
    key_id = fields.Many2one(
        "mcp.api.key", string="MCP key", ondelete="set null", index=True,
        help="The key whose access profile bounds the page's data. The page shows nothing once the key is "
             "revoked or expired.")
    credential_ref = fields.Char(string="Credential", readonly=True, copy=False, index=True,
                                 help="Which credential the page is bound to (key or OAuth grant).")
    user_id = fields.Many2one(
        "res.users", string="Evaluated as", compute="_compute_credential", store=True, readonly=False,
        ondelete="set null", help="Every figure is read as this user: Odoo's access rights and record rules apply.")
    profile_id = fields.Many2one(
        "mcp.access.profile", string="Access profile", compute="_compute_profile_id",
        help="The profile the bound credential acts under now (its key's profile, the Odoo API keys' profile or "
             "the OAuth connection's scope mapping in Settings): the models, records and fields the page may show.")
    visibility = fields.Selection(
        [("public", "Public (anyone with the link)"), ("users", "Logged-in users (portal or internal)"),
         ("token", "Secret link (token)")], default="public", required=True)
    published = fields.Boolean(copy=False, help="Only published pages can be seen by others than their owner.")
    access_token = fields.Char(default=lambda self: _new_token(), copy=False, groups="mcp_server.group_mcp_user",
                               help="Secret of the token link and of the signed embed link.")
    cache_seconds = fields.Integer(string="Cache (seconds)", default=300,
                                   help="How long computed figures are reused. 0 computes them on every visit.")
    theme_mode = fields.Selection([(m, m.title()) for m in THEME_MODES], string="Theme", default="light",
                                  required=True)
    accent_color = fields.Char(default="#1f6feb")
    secondary_color = fields.Char()
    logo_url = fields.Char(string="Logo URL", help="An https:// image address or a path on this server.")
    filters = fields.Json(string="URL filters", help="The URL parameters visitors may use to narrow the data.")
    filters_text = fields.Text(string="URL filters (JSON)", compute="_compute_filters_text",
                               inverse="_inverse_filters_text")
    section_ids = fields.One2many("mcp.portal.section", "page_id", string="Sections", copy=True)
    section_count = fields.Integer(compute="_compute_section_count")
    url = fields.Char(string="Address", compute="_compute_url")

    _sql_constraints = [
        ("slug_unique", "unique(slug)", "Another page already has this address."),
        ("cache_seconds_range", "CHECK(cache_seconds >= 0 AND cache_seconds <= 86400)",
         "The cache lasts between 0 and 86400 seconds."),
    ]

    # ------------------------------------------------------------------
    # Computed fields
    # ------------------------------------------------------------------
    @api.depends("key_id", "key_id.user_id")
    def _compute_credential(self):
        for page in self:
            key = page.key_id.sudo()
            if key:
                page.user_id = key.user_id

    @api.depends("credential_ref", "key_id.profile_id", "user_id")
    def _compute_profile_id(self):
        for page in self:
            credential = page._bound_credential()
            current = credential and self.env["ir.http"]._mcp_current_profile_id(self.env, credential)
            page.profile_id = current or False

    @api.depends("filters")
    def _compute_filters_text(self):
        for page in self:
            page.filters_text = json.dumps(page.filters or [], indent=2, ensure_ascii=False)

    def _inverse_filters_text(self):
        for page in self:
            try:
                filters = json.loads(page.filters_text or "[]")
            except ValueError as exc:
                raise ValidationError(_("URL filters: not valid JSON (%s).", exc)) from None
            if not isinstance(filters, list):
                raise ValidationError(_("URL filters: give a JSON list of filters."))
            page.filters = page._check_definition_filters(filters)

    def _compute_section_count(self):
        for page in self:
            page.section_count = len(page.section_ids)

    @api.depends("slug")
    def _compute_url(self):
        for page in self:
            page.url = "%s/mcp-page/%s" % (page.get_base_url(), page.slug) if page.slug else False

    @api.onchange("name")
    def _onchange_name_slug(self):
        if self.name and not self.slug:
            self.slug = self.env["mcp.portal.spec"]._check_slug(None, self.name, self._origin or None)

    # ------------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------------
    @api.constrains("slug")
    def _check_slug(self):
        spec = self.env["mcp.portal.spec"]
        for page in self:
            spec._run_checks(spec._check_slug, page.slug, page.name, page)

    @api.constrains("accent_color", "secondary_color", "logo_url")
    def _check_theme(self):
        spec = self.env["mcp.portal.spec"]
        for page in self:
            spec._run_checks(spec._theme_values, {
                "accent_color": page.accent_color, "secondary_color": page.secondary_color,
                "logo_url": page.logo_url})

    @api.constrains("key_id", "user_id", "credential_ref")
    def _check_bound_definition(self):
        """A page bound to another credential must still be within what that credential may read.
        (An unbound page, or one whose key was revoked, shows nothing: there is nothing to check.)"""
        for page in self:
            if page._evaluation_scope() is None:
                continue
            page.section_ids._check_definition()
            if page.filters:
                page._check_definition_filters(page.filters)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credential_change(vals)
        pages = super().create(vals_list)
        for page, vals in zip(pages, vals_list, strict=True):
            if "credential_ref" not in vals and page.key_id:
                page.sudo().credential_ref = key_ref(page.key_id.id)
        return pages

    def write(self, vals):
        self._check_credential_change(vals)
        if "key_id" in vals and "credential_ref" not in vals:
            vals = dict(vals, credential_ref=vals["key_id"] and key_ref(vals["key_id"]))
        result = super().write(vals)
        self._drop_cached_figures()
        return result

    def unlink(self):
        self._drop_cached_figures()
        return super().unlink()

    def _check_credential_change(self, vals):
        """Only MCP administrators choose whose data a page shows; others bind it to one of their own keys."""
        if self.env.su or self.env.user.has_group("mcp_server.group_mcp_admin"):
            return
        if set(vals) & (CREDENTIAL_FIELDS - {"key_id"}):
            raise AccessError(_("Only MCP administrators can choose whose data a page shows."))
        if vals.get("owner_id") and vals["owner_id"] != self.env.uid:
            raise AccessError(_("You can only own pages yourself; an MCP administrator can hand a page over."))
        if vals.get("key_id"):
            key = self.env["mcp.api.key"].sudo().browse(vals["key_id"])
            if key.user_id != self.env.user:
                raise AccessError(_("A page can only be bound to one of your own keys (a key acting as you)."))

    def _drop_cached_figures(self):
        if self.ids:
            self.env["mcp.portal.cache"].sudo()._invalidate(self.ids)

    # ------------------------------------------------------------------
    # Credential and data
    # ------------------------------------------------------------------
    def _bound_credential(self):
        """The credential the page is bound to, rebuilt from its ``credential_ref`` (any registered kind),
        or None when the reference names none or another user.

        The profile is not part of it: a credential acts under its current profile, never a recorded one."""
        self.ensure_one()
        page = self.sudo()
        return Credential.from_ref(page.credential_ref, page.user_id.id)

    def _credential_active(self, credential=None):
        """Whether the bound credential may still act (the core's rule, extended by the addons of other
        credential kinds): a revoked, expired or removed key or a revoked OAuth connection shows nothing."""
        self.ensure_one()
        credential = credential or self._bound_credential()
        return bool(credential) and self.env["ir.http"]._mcp_credential_active(self.env, credential)

    def _evaluation_scope(self):
        """Whose data the page shows and under which profile (the credential's current one), or None when
        its credential no longer works or has no profile now."""
        self.ensure_one()
        page = self.sudo()
        user = page.user_id
        credential = page._bound_credential()
        if not user.active or not page._credential_active(credential):
            return None
        credential = credential.with_profile(self.env["ir.http"]._mcp_current_profile_id(self.env, credential))
        if not credential.profile_id:
            return None
        policy = self.env["mcp.access.policy"]._load(credential.profile_id)
        env = self.with_user(user).env
        env = env(context=dict(env.context, **env["res.users"].context_get()))
        return EvaluationScope(env, policy, credential)

    def _check_definition_filters(self, filters):
        """Filters as stored, checked against the page's sections and credential (backend edits)."""
        if not filters:
            return []
        scope = self._evaluation_scope()
        if scope is None:
            raise ValidationError(_("URL filters are checked against the page's key: choose an active key under "
                                    "'Whose data' before adding filters."))
        spec = self.env["mcp.portal.spec"]
        errors = spec._schema_errors({"type": "array", "items": FILTER, "maxItems": 8}, filters, "filters")
        if errors:
            raise ValidationError(errors)
        sections = [{"config": section.config or {}} for section in self.section_ids]
        return spec._run_checks(spec._check_filters, scope, filters, sections)

    # ------------------------------------------------------------------
    # Links and tokens
    # ------------------------------------------------------------------
    def _embed_token(self):
        self.ensure_one()
        page = self.sudo()
        return hmac(self.env(su=True), EMBED_SCOPE, "%s:%s" % (page.id, page.access_token))

    def _check_embed_token(self, token):
        return bool(token) and consteq(str(token), self._embed_token())

    def _check_access_token(self, token):
        return bool(token) and consteq(str(token), self.sudo().access_token or "")

    def _links(self, base_url=None):
        """The addresses to share: the page (with its token when the page needs one), its data and the embed.

        ``base_url`` is the address the caller reached the server at (default: the database's base URL).
        """
        self.ensure_one()
        root = (base_url or self.get_base_url()).rstrip("/")
        path = "/mcp-page/%s" % self.slug
        token = "?token=%s" % self.sudo().access_token if self.visibility == "token" else ""
        return {
            "url": root + path + token,
            "data_url": "%s%s/data%s" % (root, path, token),
            "embed_url": "%s%s/embed?embed_token=%s" % (root, path, self._embed_token()),
            "backend_url": "%s/odoo/action-mcp_server_portal.action_mcp_portal_page/%s" % (root, self.id),
        }

    def _theme(self):
        """Colours of the page, adjusted for readable text on light and dark backgrounds."""
        self.ensure_one()
        accent = colors.normalize(self.accent_color) or "#1f6feb"
        secondary = colors.normalize(self.secondary_color)
        return {
            "mode": self.theme_mode,
            "accent": accent,
            "on_accent": colors.text_on(accent),
            "accent_text_light": colors.readable_on(accent, colors.BACKGROUNDS["light"]),
            "accent_text_dark": colors.readable_on(accent, colors.BACKGROUNDS["dark"]),
            "palette": colors.palette(accent, secondary),
            "logo_url": self.logo_url or "",
        }

    # ------------------------------------------------------------------
    # Backend actions
    # ------------------------------------------------------------------
    def action_publish(self):
        return self.write({"published": True})

    def action_unpublish(self):
        return self.write({"published": False})

    def action_regenerate_token(self):
        """New secret link and embed link; the previous ones stop working."""
        return self.write({"access_token": _new_token()})

    def action_preview(self):
        self.ensure_one()
        token = "?token=%s" % self.sudo().access_token if self.visibility == "token" else ""
        return {"type": "ir.actions.act_url", "url": "/mcp-page/%s%s" % (self.slug, token), "target": "new"}
