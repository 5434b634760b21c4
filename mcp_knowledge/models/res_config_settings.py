"""Knowledge index settings: on/off, models, file types, size limit and default language."""
from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.settings import default
from odoo.exceptions import ValidationError

from ..lib.embeddings import EMBEDDING_KINDS
from ..lib.extraction import DEFAULT_FILE_TYPES, EXTENSIONS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_knowledge_enabled = fields.Boolean(
        string="Index documents", config_parameter="mcp_knowledge.enabled",
        help="Read the documents attached to records so that search_knowledge finds their passages.")
    mcp_knowledge_models = fields.Char(
        string="Indexed models", config_parameter="mcp_knowledge.models",
        help="Technical names separated by commas (e.g. res.partner, sale.order). Empty: every business model.")
    mcp_knowledge_file_types = fields.Char(
        string="Indexed file types", config_parameter="mcp_knowledge.file_types",
        help="File extensions separated by commas, among: %s." % DEFAULT_FILE_TYPES)
    mcp_knowledge_max_size_mb = fields.Integer(
        string="Largest indexed file (MB)", config_parameter="mcp_knowledge.max_size_mb",
        default=default("knowledge_max_size_mb"))
    mcp_knowledge_language = fields.Selection(
        "_selection_knowledge_language", string="Default document language",
        config_parameter="mcp_knowledge.language", default=default("knowledge_language"),
        help="Stemming and stop words of documents whose record has no language of its own.")

    mcp_knowledge_embedding_provider_id = fields.Many2one(
        "mcp.ai.provider", string="Embedding provider", config_parameter="mcp_knowledge.embedding_provider_id",
        domain=[("kind", "in", EMBEDDING_KINDS)],
        help="Semantic and hybrid search: chunks and queries are embedded by this provider (OpenAI, Mistral, "
             "Gemini or an OpenAI-compatible server). Empty: keyword and fuzzy search only.")
    mcp_knowledge_embedding_model = fields.Char(
        string="Embedding model", config_parameter="mcp_knowledge.embedding_model",
        default=default("knowledge_embedding_model"))

    @api.model
    def _selection_knowledge_language(self):
        return [(name, name.capitalize()) for name in sorted(self.env["mcp.knowledge.language"]._available_configs())]

    @api.constrains("mcp_knowledge_max_size_mb", "mcp_knowledge_file_types", "mcp_knowledge_models")
    def _check_mcp_knowledge(self):
        for settings in self:
            if settings.mcp_knowledge_max_size_mb < 1:
                raise ValidationError(_("The largest indexed file must be at least 1 MB."))
            types = {name.strip().lstrip(".").lower()
                     for name in (settings.mcp_knowledge_file_types or "").replace(" ", ",").split(",") if name.strip()}
            unknown = sorted(types - set(EXTENSIONS))
            if unknown:
                raise ValidationError(_("Unknown file types: %(types)s. Known: %(known)s.",
                                        types=", ".join(unknown), known=DEFAULT_FILE_TYPES))
            names = [name.strip() for name in (settings.mcp_knowledge_models or "").replace(" ", ",").split(",")
                     if name.strip()]
            missing = [name for name in names if name not in self.env]
            if missing:
                raise ValidationError(_("Unknown models: %s.", ", ".join(missing)))

    def action_mcp_knowledge_queue_all(self):
        """Queue every attachment the settings include; the cron indexes them."""
        self.execute()
        count = self.env["mcp.knowledge.document"].sudo().action_queue_all()
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "message": _("%s documents queued for indexing.", count), "type": "success", "sticky": False}}
