"""The models a provider's API listed (Test Connection): what the provider form's model field offers."""
from odoo import api, fields, models


class McpAiProviderModel(models.Model):
    _name = "mcp.ai.provider.model"
    _description = "Generative AI Provider Model"
    _order = "provider_id, name"
    _rec_names_search = ["name", "label"]

    provider_id = fields.Many2one("mcp.ai.provider", required=True, ondelete="cascade", index=True, readonly=True)
    name = fields.Char(string="Model", required=True, readonly=True, help="As the API spells it in calls.")
    label = fields.Char(readonly=True, help="The name the provider shows for people.")

    _sql_constraints = [("name_unique", "unique(provider_id, name)", "A provider lists a model once.")]

    @api.depends("name", "label")
    def _compute_display_name(self):
        for model in self:
            label = model.label if model.label and model.label != model.name else False
            model.display_name = "%s (%s)" % (label, model.name) if label else model.name
