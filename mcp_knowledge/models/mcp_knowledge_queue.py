"""Which attachments the knowledge index holds (Settings: enabled, models, file types, size limit)."""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.settings import as_int, as_text, register_setting
from odoo.tools import str2bool

from ..lib.extraction import DEFAULT_FILE_TYPES, file_type
from .mcp_knowledge_embedding import DEFAULT_EMBEDDING_MODEL

# The knowledge settings, read with the server's others (one query, cached per worker).
register_setting("knowledge_enabled", "mcp_knowledge.enabled", lambda value: str2bool(value, default=False),
                 "False")
register_setting("knowledge_models", "mcp_knowledge.models", as_text, "")
register_setting("knowledge_file_types", "mcp_knowledge.file_types", as_text, DEFAULT_FILE_TYPES)
register_setting("knowledge_max_size_mb", "mcp_knowledge.max_size_mb", as_int, 20)
register_setting("knowledge_language", "mcp_knowledge.language", as_text, "english")
register_setting("knowledge_embedding_provider_id", "mcp_knowledge.embedding_provider_id", as_int, 0)
register_setting("knowledge_embedding_model", "mcp_knowledge.embedding_model", as_text, DEFAULT_EMBEDDING_MODEL)
# Technical models whose files are not business documents.
EXCLUDED_PREFIXES = ("ir.", "mcp.", "base.", "bus.", "res.config", "web_editor.", "website.")


class McpKnowledgeQueue(models.Model):
    _inherit = "mcp.knowledge.document"

    @api.model
    def _index_settings(self):
        """``{"enabled", "models" (set, empty: all business models), "file_types" (set), "max_bytes"}``."""
        settings = self.env["mcp.server"]._settings()
        models_value = settings["knowledge_models"]
        types_value = settings["knowledge_file_types"] or DEFAULT_FILE_TYPES
        max_mb = settings["knowledge_max_size_mb"]
        return {
            "enabled": settings["knowledge_enabled"],
            "models": {name.strip() for name in models_value.replace(" ", ",").split(",") if name.strip()},
            "file_types": {name.strip().lstrip(".").lower() for name in types_value.replace(" ", ",").split(",")
                           if name.strip()},
            "max_bytes": max_mb * 1024 * 1024,
        }

    @api.model
    def _model_indexed(self, res_model, settings):
        if not res_model:
            return False
        if settings["models"]:
            return res_model in settings["models"]
        return not res_model.startswith(EXCLUDED_PREFIXES)

    @api.model
    def _queue_attachments(self, attachments, settings=None):
        """Queue (or drop) the documents of ``attachments`` per Settings; answers the queued documents.

        Binary field values (``res_field``) and URL attachments are never indexed; a file over the size
        limit gets a failed document saying so.
        """
        settings = settings or self._index_settings()
        if not settings["enabled"]:
            return self.browse()
        existing = {document.attachment_id.id: document
                    for document in self.search([("attachment_id", "in", attachments.ids)])}
        queued, dropped = self.browse(), self.browse()
        for attachment in attachments.sudo():
            kind = file_type(attachment.name, attachment.mimetype)
            document = existing.get(attachment.id, self.browse())
            if attachment.res_field or attachment.type != "binary" or kind not in settings["file_types"] \
                    or not self._model_indexed(attachment.res_model, settings):
                dropped |= document
                continue
            values = {"name": attachment.name, "res_model": attachment.res_model, "res_id": attachment.res_id,
                      "file_type": kind, "file_size": attachment.file_size, "state": "queued", "error": False,
                      "attempts": 0}
            if attachment.file_size > settings["max_bytes"]:
                values.update(state="failed", error=_("The file is larger than the %s MB limit of Settings.",
                                                      settings["max_bytes"] // (1024 * 1024)), chunk_count=0)
            if document:
                document._clear_chunks()
                document.write(dict(values, started_at=False, finished_at=False))
            else:
                document = self.create(dict(values, attachment_id=attachment.id))
            queued |= document.filtered(lambda doc: doc.state == "queued")
        dropped.unlink()
        if queued:
            self._job_trigger()
        return queued

    @api.model
    def action_queue_all(self):
        """Queue every attachment Settings include that is not indexed yet (Settings button)."""
        settings = self._index_settings()
        Attachment = self.env["ir.attachment"].sudo().with_context(active_test=False)
        indexed = self.search([]).mapped("attachment_id").ids
        attachments = Attachment.search([("res_field", "=", False), ("type", "=", "binary"),
                                         ("res_model", "!=", False), ("id", "not in", indexed)])
        return len(self._queue_attachments(attachments, settings))
