"""Queue attachments for the knowledge index when they are created or their content changes."""
from odoo import api, models

QUEUE_FIELDS = {"datas", "raw", "db_datas", "res_model", "res_id", "name", "mimetype", "type", "url"}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        self.env["mcp.knowledge.document"].sudo()._queue_attachments(attachments)
        return attachments

    def write(self, vals):
        result = super().write(vals)
        if QUEUE_FIELDS & set(vals):
            self.env["mcp.knowledge.document"].sudo()._queue_attachments(self)
        return result
