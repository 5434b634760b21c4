"""Semantic search: chunk embeddings from the provider chosen in Settings, and nearest chunks to a query.

Vectors are stored in ``mcp_knowledge_chunk.embedding`` (``real[]``, kept by SQL) and compared by a dot
product in SQL over the chunks that have one: exact (no approximate index), linear in the number of
chunks.
"""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.tools import SQL

from ..lib.embeddings import EmbeddingError, embed

BATCH = 64
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"


class McpKnowledgeEmbedding(models.AbstractModel):
    _name = "mcp.knowledge.embedding"
    _description = "MCP knowledge embeddings"

    @api.model
    def _provider(self):
        """``(provider, model)`` of Settings, or ``(None, None)`` when semantic search is off."""
        settings = self.env["mcp.server"]._settings()
        provider_id = settings["knowledge_embedding_provider_id"]
        provider = self.env["mcp.ai.provider"].sudo().browse(provider_id).exists() if provider_id else None
        if not provider or not provider.active:
            return None, None
        return provider, settings["knowledge_embedding_model"] or DEFAULT_EMBEDDING_MODEL

    @api.model
    def _embed(self, texts):
        """Unit vectors of ``texts``; raises :class:`EmbeddingError` (also when no provider is set)."""
        provider, model = self._provider()
        if not provider:
            raise EmbeddingError(_("no embedding provider is chosen in Settings"))
        return embed(provider.kind, provider.api_key, provider.base_url, model, texts, provider.timeout or 60)

    @api.model
    def _embed_chunks(self, document):
        """Store the vectors of a document's chunks (when a provider is set); raises :class:`EmbeddingError`."""
        if not self._provider()[0]:
            return
        chunks = self.env["mcp.knowledge.chunk"].sudo().search([("document_id", "=", document.id)])
        for start in range(0, len(chunks), BATCH):
            batch = chunks[start:start + BATCH]
            vectors = self._embed(batch.mapped("content"))
            for chunk, vector in zip(batch, vectors, strict=True):
                self.env.cr.execute(SQL("UPDATE mcp_knowledge_chunk SET embedding = %s::real[] WHERE id = %s",
                                        vector, chunk.id))

    @api.model
    def _query_vector(self, query):
        try:
            return self._embed([query])[0]
        except EmbeddingError as exc:
            raise ToolError(_("Semantic search is not available: %s. Use mode keyword or fuzzy.", exc)) from None

    @api.model
    def _semantic_candidates(self, vector, filters, limit, offset):
        """``[(chunk id, attachment id, res_model, res_id, cosine similarity)]``, nearest first."""
        self.env.cr.execute(SQL(
            "SELECT c.id, c.attachment_id, c.res_model, c.res_id, "
            "(SELECT sum(a * b) FROM unnest(c.embedding, %s::real[]) AS pair(a, b)) AS score "
            "FROM mcp_knowledge_chunk c WHERE c.embedding IS NOT NULL AND %s "
            "ORDER BY score DESC, c.id LIMIT %s OFFSET %s", vector, filters, limit, offset))
        return self.env.cr.fetchall()
