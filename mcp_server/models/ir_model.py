from odoo import api, models


class IrModel(models.Model):
    _inherit = "ir.model"

    @api.depends_context("mcp_technical_names")
    def _compute_display_name(self):
        """With ``mcp_technical_names`` in the context (access profile forms): "Contact (res.partner)"."""
        super()._compute_display_name()
        if self.env.context.get("mcp_technical_names"):
            for model in self:
                model.display_name = "%s (%s)" % (model.name, model.model)


class IrModelFields(models.Model):
    _inherit = "ir.model.fields"

    @api.depends_context("mcp_technical_names")
    def _compute_display_name(self):
        """With ``mcp_technical_names`` in the context: "Email (email)", so two fields with the same label differ."""
        super()._compute_display_name()
        if self.env.context.get("mcp_technical_names"):
            for field in self:
                field.display_name = "%s (%s)" % (field.field_description, field.name)
