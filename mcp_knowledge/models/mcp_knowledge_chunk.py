"""A passage of an indexed document, with its full-text vector (``tsv``) and embedding kept by SQL.

``tsv`` and ``embedding`` (``real[]``, see ``mcp.knowledge.embedding``) are not ORM fields. ``tsv`` is
written by :meth:`_write_vectors` with the text-search
configuration of the document's language, and searched through a GIN index. The trigram index
(``pg_trgm``) on ``content`` serves the fuzzy search when the extension is available.
"""
import logging

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class McpKnowledgeChunk(models.Model):
    _name = "mcp.knowledge.chunk"
    _description = "MCP knowledge chunk"
    _order = "document_id, sequence"
    _log_access = False

    document_id = fields.Many2one("mcp.knowledge.document", required=True, ondelete="cascade", index=True)
    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="cascade", index=True)
    res_model = fields.Char(index=True)
    res_id = fields.Integer()
    sequence = fields.Integer(required=True)
    page = fields.Integer(help="Page of the document the chunk starts on (1 for files without pages).")
    char_offset = fields.Integer(string="Offset", help="Position of the chunk in the extracted text, in characters.")
    content = fields.Text(required=True)
    ts_config = fields.Char(string="Text search configuration", required=True)

    def init(self):
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE mcp_knowledge_chunk ADD COLUMN IF NOT EXISTS tsv tsvector"))
        cr.execute(SQL("ALTER TABLE mcp_knowledge_chunk ADD COLUMN IF NOT EXISTS embedding real[]"))
        cr.execute(SQL("CREATE INDEX IF NOT EXISTS mcp_knowledge_chunk_tsv_idx ON mcp_knowledge_chunk USING gin (tsv)"))
        cr.execute(SQL("CREATE INDEX IF NOT EXISTS mcp_knowledge_chunk_record_idx "
                       "ON mcp_knowledge_chunk (res_model, res_id)"))
        if self._ensure_trigram_extension():
            cr.execute(SQL("CREATE INDEX IF NOT EXISTS mcp_knowledge_chunk_trgm_idx "
                           "ON mcp_knowledge_chunk USING gin (content gin_trgm_ops)"))

    @api.model
    def _ensure_trigram_extension(self):
        """Create ``pg_trgm`` when it is missing and may be created; whether it is available now."""
        if self._trigram_available():
            return True
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except psycopg2.Error as exc:
            _logger.warning("pg_trgm cannot be created (%s): fuzzy knowledge search is off.", exc)
            return False
        return True

    @api.model
    def _trigram_available(self):
        self.env.cr.execute(SQL("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
        return bool(self.env.cr.rowcount)

    @api.model
    def _write_vectors(self, document_ids):
        """Compute ``tsv`` of the chunks of these documents with each chunk's text-search configuration."""
        self.env.cr.execute(SQL(
            "UPDATE mcp_knowledge_chunk SET tsv = to_tsvector(ts_config::regconfig, content) "
            "WHERE document_id = ANY(%s)", list(document_ids)))
