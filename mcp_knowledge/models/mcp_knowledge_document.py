"""One indexed attachment: its status, extracted text and chunks; a kind of the shared job runner.

Lifecycle: an attachment of an indexed model and file type is ``queued`` when it is created or its
content changes (``ir.attachment`` hooks, which wake the cron); the runner (``mcp.job.mixin``, cron
every 15 minutes and on demand) reads it, one document per transaction: ``done`` (indexed, with its
chunks) or ``failed`` with the reason. The Re-index button reads documents at once. Deleting the
attachment deletes the document and its chunks (cascade); a document whose record was archived or
deleted is dropped by the cron.

The index is read as superuser, whatever record rules say: MCP Administrators see the documents' status;
their text and chunks are for Settings administrators only (field groups, chunk access rights).
"""
import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.chunking import chunk_text
from ..lib.embeddings import EmbeddingError
from ..lib.extraction import ExtractionError, extract_text

_logger = logging.getLogger(__name__)


class McpKnowledgeDocument(models.Model):
    _name = "mcp.knowledge.document"
    _inherit = ["mcp.job.mixin"]
    _description = "MCP knowledge document"
    _order = "id desc"
    _job_cron_xmlid = "mcp_knowledge.ir_cron_index_documents"

    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="cascade", index=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    res_model = fields.Char(string="Attached to model", index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Attached to record", model_field="res_model", readonly=True)
    file_type = fields.Char(readonly=True)
    file_size = fields.Integer(string="Size (bytes)", readonly=True)
    state = fields.Selection(selection=[("queued", "Queued"), ("running", "Indexing"), ("done", "Indexed"),
                                        ("failed", "Failed"), ("cancelled", "Cancelled")])
    user_id = fields.Many2one(default=SUPERUSER_ID)
    chunk_count = fields.Integer(string="Chunks", readonly=True)
    indexed_at = fields.Datetime(string="Last indexed", readonly=True)
    ts_config = fields.Char(string="Language", readonly=True,
                            help="PostgreSQL text-search configuration the document was indexed with.")
    # The content of documents of any record: only for those who may read every record (Settings admins).
    text = fields.Text(string="Extracted text", readonly=True, prefetch=False, groups="base.group_system")
    chunk_ids = fields.One2many("mcp.knowledge.chunk", "document_id", readonly=True, groups="base.group_system")

    _sql_constraints = [("attachment_unique", "unique(attachment_id)", "An attachment is indexed once.")]

    def action_reindex(self):
        """Re-read the selected documents now (button)."""
        self.sudo().write({"state": "queued", "error": False})
        self._index_documents()
        return True

    @api.model
    def action_index_queued(self, limit=200):
        """Index up to ``limit`` queued documents now, in this transaction; answers how many were processed."""
        if not self.env.user.has_group("mcp_server.group_mcp_admin"):
            return 0
        documents = self.sudo().search([("state", "=", "queued")], limit=limit, order="id")
        documents._index_documents()
        return len(documents)

    @api.model
    def _cron_index_queue(self):
        """Cron: drop documents of archived or deleted records, then run the queue (shared job runner)."""
        self._drop_unreachable()
        return self._cron_run()

    def _run_job(self):
        """Index this document (the runner's unit of work); an unreadable file fails with the reason."""
        try:
            self.sudo()._index_one()
        except ExtractionError as exc:
            raise UserError(str(exc)) from None

    def _job_failed(self, message):
        super()._job_failed(message)
        self._clear_chunks()
        self.write({"chunk_count": 0, "text": False, "indexed_at": fields.Datetime.now()})

    def _index_documents(self):
        """Index every document of ``self`` now, each in a savepoint; failures are recorded with their reason.

        Runs as superuser: the index is technical data, read only through the access filter of the tools.
        """
        for document in self.sudo():
            try:
                with self.env.cr.savepoint():
                    document._run_job()
            except UserError as exc:
                document._job_failed(exc.args[0])
            except Exception as exc:  # a damaged file must not stop the others: record why
                _logger.warning("Indexing attachment %s failed", document.attachment_id.id, exc_info=True)
                document._job_failed(_("Unexpected error: %s", exc))

    def _index_one(self):
        Language = self.env["mcp.knowledge.language"]
        ts_config = Language._config_for_record(self.res_model, self.res_id, Language._default_config())
        attachment = self.attachment_id
        text = extract_text(self.env["ir.attachment"], attachment.raw or b"", self.file_type)
        self._clear_chunks()
        chunks = chunk_text(text)
        self.env["mcp.knowledge.chunk"].create([{
            "document_id": self.id, "attachment_id": attachment.id, "res_model": self.res_model,
            "res_id": self.res_id, "sequence": sequence, "page": chunk["page"], "char_offset": chunk["offset"],
            "content": chunk["content"], "ts_config": ts_config,
        } for sequence, chunk in enumerate(chunks)])
        self.env["mcp.knowledge.chunk"]._write_vectors(self.ids)
        try:
            self.env["mcp.knowledge.embedding"]._embed_chunks(self)
            error = False
        except EmbeddingError as exc:  # keyword and fuzzy search still work: index, and say why semantic won't
            error = _("Indexed without embeddings (semantic search skips it): %s", exc)
        self.write({"state": "done", "error": error, "chunk_count": len(chunks), "text": text,
                    "ts_config": ts_config, "indexed_at": fields.Datetime.now(), "progress": 100.0,
                    "finished_at": fields.Datetime.now()})

    def _clear_chunks(self):
        self.env["mcp.knowledge.chunk"].flush_model()
        self.env.cr.execute(SQL("DELETE FROM mcp_knowledge_chunk WHERE document_id = ANY(%s)", self.ids))
        self.env["mcp.knowledge.chunk"].invalidate_model()

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
