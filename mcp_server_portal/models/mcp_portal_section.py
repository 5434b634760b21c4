"""One block of a portal page; its data is declared in ``config`` and checked like the tools check it."""
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.schema import SECTION_TYPES, WIDTHS

TYPE_LABELS = {
    "kpi": "KPI card", "chart": "Chart", "table": "Table", "progress": "Progress", "comparison": "Comparison",
    "timeline": "Timeline", "metric_grid": "Metric grid", "heatmap": "Heatmap (weekday x hour)",
    "rich_text": "Rich text",
}


class McpPortalSection(models.Model):
    _name = "mcp.portal.section"
    _description = "MCP Portal Page Section"
    _order = "page_id, sequence, id"

    page_id = fields.Many2one("mcp.portal.page", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    section_type = fields.Selection([(t, TYPE_LABELS[t]) for t in SECTION_TYPES], string="Type", required=True)
    title = fields.Char()
    width = fields.Selection([(w, w.title()) for w in WIDTHS], default="full", required=True)
    config = fields.Json(help="The section's data definition (model, domain, measures, groupby, period...).")
    config_text = fields.Text(string="Definition (JSON)", compute="_compute_config_text",
                              inverse="_inverse_config_text")
    model_name = fields.Char(string="Model", compute="_compute_model_name", store=True)

    @api.depends("config")
    def _compute_model_name(self):
        for section in self:
            section.model_name = (section.config or {}).get("model") or False

    @api.depends("config")
    def _compute_config_text(self):
        for section in self:
            section.config_text = json.dumps(section.config or {}, indent=2, ensure_ascii=False)

    def _inverse_config_text(self):
        for section in self:
            section.config = self._parse_config_text(section.config_text)

    @api.model
    def _parse_config_text(self, text):
        try:
            config = json.loads(text or "{}")
        except ValueError as exc:
            raise ValidationError(_("Section definition: not valid JSON (%s).", exc)) from None
        if not isinstance(config, dict):
            raise ValidationError(_("Section definition: give a JSON object."))
        return config

    def _as_definition(self):
        """The section as the tools take and return it."""
        self.ensure_one()
        config = dict(self.config or {})
        definition = {"type": self.section_type, "title": self.title or "", "width": self.width}
        definition.update(config)
        return definition

    @api.constrains("section_type", "config", "width", "title")
    def _check_definition(self):
        """Whoever edits a section, it must stay within what the page's credential may read."""
        spec = self.env["mcp.portal.spec"]
        for section in self:
            scope = section.page_id._evaluation_scope()
            if scope is None:
                raise ValidationError(_("Bind the page to an active key before defining its sections."))
            index = list(section.page_id.section_ids).index(section)
            spec._run_checks(spec._check_section_definition, scope, index, section._as_definition())

    def write(self, vals):
        result = super().write(vals)
        self.page_id._drop_cached_figures()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        # The definition is checked when the section is created: parse a typed-in one first.
        vals_list = [dict(vals, config=self._parse_config_text(vals.pop("config_text")))
                     if "config_text" in vals else vals for vals in vals_list]
        sections = super().create(vals_list)
        sections.page_id._drop_cached_figures()
        return sections

    def unlink(self):
        self.page_id._drop_cached_figures()
        return super().unlink()
