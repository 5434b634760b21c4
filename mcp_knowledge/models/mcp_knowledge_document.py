"""One indexed attachment: its status, extracted text and chunks.

Lifecycle: an attachment of an indexed model and file type is ``queued`` when it is created or its
content changes (``ir.attachment`` hooks); the cron (every 15 minutes) or the re-index button reads
it (``indexed``, with its chunks) or says why it could not (``failed`` with a reason). Deleting the
attachment deletes the document and its chunks (cascade); a document whose record was archived or
deleted is dropped by the cron.
"""
import logging

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib.chunking import chunk_text
from ..lib.extraction import ExtractionError, extract_text

_logger = logging.getLogger(__name__)

STATES = [("queued", "Queued"), ("indexed", "Indexed"), ("failed", "Failed")]


class McpKnowledgeDocument(models.Model):
    _name = "mcp.knowledge.document"
    _description = "MCP knowledge document"
    _order = "id desc"

    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="cascade", index=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    res_model = fields.Char(string="Attached to model", index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Attached to record", model_field="res_model", readonly=True)
    file_type = fields.Char(readonly=True)
    file_size = fields.Integer(string="Size (bytes)", readonly=True)
    state = fields.Selection(STATES, required=True, default="queued", index=True, readonly=True)
    error = fields.Text(readonly=True)
    chunk_count = fields.Integer(string="Chunks", readonly=True)
    indexed_at = fields.Datetime(string="Last indexed", readonly=True)
    ts_config = fields.Char(string="Language", readonly=True,
                            help="PostgreSQL text-search configuration the document was indexed with.")
    text = fields.Text(string="Extracted text", readonly=True, prefetch=False)
    chunk_ids = fields.One2many("mcp.knowledge.chunk", "document_id", readonly=True)

    _sql_constraints = [("attachment_unique", "unique(attachment_id)", "An attachment is indexed once.")]

    def action_reindex(self):
        """Re-read the selected documents now (button)."""
        self.write({"state": "queued", "error": False})
        self._index_documents()
        return True

    @api.model
    def action_index_queued(self, limit=200):
        """Index up to ``limit`` queued documents now; answers how many were processed."""
        if not self.env.user.has_group("mcp_server.group_mcp_admin"):
            return 0
        documents = self.search([("state", "=", "queued")], limit=limit, order="id")
        documents._index_documents()
        return len(documents)

    @api.model
    def _cron_index_queue(self, batch=50, max_batches=40):
        """Cron: drop documents of archived or deleted records, then index the queue batch by batch,
        committing after each batch (a failing document is marked failed, never blocks the queue)."""
        self._drop_unreachable()
        for _batch in range(max_batches):
            documents = self.search([("state", "=", "queued")], limit=batch, order="id")
            if not documents:
                break
            documents._index_documents()
            self.env.cr.commit()

    def _index_documents(self):
        """Extract, chunk and store every document of ``self``; failures are recorded with their reason.

        Runs as superuser: the index is technical data, read only through the access filter of the tools.
        """
        documents = self.sudo()
        Language = documents.env["mcp.knowledge.language"]
        default_config = Language._default_config()
        indexed = documents.browse()
        for document in documents:
            try:
                with self.env.cr.savepoint():
                    document._index_one(Language._config_for_record(
                        document.res_model, document.res_id, default_config))
                indexed |= document
            except ExtractionError as exc:
                document._fail(str(exc))
            except Exception as exc:  # a damaged file must not stop the queue: record why
                _logger.warning("Indexing attachment %s failed", document.attachment_id.id, exc_info=True)
                document._fail(_("Unexpected error: %s", exc))
        documents.env["mcp.knowledge.chunk"]._write_vectors(indexed.ids)

    def _index_one(self, ts_config):
        attachment = self.attachment_id.sudo()
        text = extract_text(self.env["ir.attachment"], attachment.raw or b"", self.file_type)
        self.env.cr.execute(SQL("DELETE FROM mcp_knowledge_chunk WHERE document_id = %s", self.id))
        chunks = chunk_text(text)
        self.env["mcp.knowledge.chunk"].create([{
            "document_id": self.id, "attachment_id": attachment.id, "res_model": self.res_model,
            "res_id": self.res_id, "sequence": sequence, "page": chunk["page"], "char_offset": chunk["offset"],
            "content": chunk["content"], "ts_config": ts_config,
        } for sequence, chunk in enumerate(chunks)])
        self.write({"state": "indexed", "error": False, "chunk_count": len(chunks), "text": text,
                    "ts_config": ts_config, "indexed_at": fields.Datetime.now()})

    def _fail(self, reason):
        self.env.cr.execute(SQL("DELETE FROM mcp_knowledge_chunk WHERE document_id = %s", self.id))
        self.write({"state": "failed", "error": reason, "chunk_count": 0, "text": False,
                    "indexed_at": fields.Datetime.now()})

    @api.model
    def _drop_unreachable(self):
        """Delete the documents (and chunks) of records that were deleted or archived."""
        for res_model in set(self.search([("res_model", "!=", False)]).mapped("res_model")):
            documents = self.search([("res_model", "=", res_model)])
            if res_model not in self.env:
                documents.unlink()
                continue
            active = set(self.env[res_model].sudo().search([("id", "in", documents.mapped("res_id"))]).ids)
            self.browse([document.id for document in documents if document.res_id not in active]).unlink()
