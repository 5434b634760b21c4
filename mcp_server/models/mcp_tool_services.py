"""The registry's access to the public services: tool families reach records and analytics through these."""
from odoo import api, models

from ..services import Analytics, RecordAccess


class McpToolServices(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _records(self, policy):
        """``RecordAccess`` as the caller, under ``policy`` (``call.policy``)."""
        return RecordAccess(self.env, policy)

    @api.model
    def _analytics(self, policy):
        """``Analytics`` as the caller, under ``policy`` (``call.policy``)."""
        return Analytics(self.env, policy)

    @api.model
    def _model_env(self, call, model_name, operation, options):
        """The model as the caller, with the context options of the tool arguments, after the policy check."""
        return self._records(call.policy).model(model_name, operation, options)
