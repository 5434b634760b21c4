"""Semantic and hybrid search_knowledge against a local server speaking OpenAI's embeddings API,
called through the real openai SDK (the provider configured in mcp_ai_engine)."""
from odoo.addons.mcp_server.tests.common import McpCase

from .fake_embeddings import FakeEmbeddingServer


class TestSemanticSearch(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeEmbeddingServer().__enter__()
        cls.addClassCleanup(cls.fake.__exit__, None, None, None)
        env = cls.env
        provider = env["mcp.ai.provider"].create({
            "name": "Fake OpenAI", "kind": "openai", "base_url": cls.fake.base_url, "api_key": "sk-fake-test",
            "model": "gpt-test"})
        params = env["ir.config_parameter"]
        params.set_param("mcp_knowledge.enabled", "True")
        params.set_param("mcp_knowledge.embedding_provider_id", str(provider.id))
        params.set_param("mcp_knowledge.embedding_model", "text-embedding-fake")
        env["mcp.knowledge.document"].search([]).unlink()
        Attachment = env["ir.attachment"]
        cls.contract = Attachment.create({
            "name": "acme-terms.txt", "res_model": "res.partner", "res_id": cls.acme.id,
            "raw": b"Late payment of invoices bears interest of twelve percent."})
        cls.manual = Attachment.create({
            "name": "acme-manual.txt", "res_model": "res.partner", "res_id": cls.acme.id,
            "raw": b"Descaling the coffee machine every month keeps the warranty valid."})
        cls.private = Attachment.create({
            "name": "alice-note.txt", "res_model": "res.partner", "res_id": cls.alice.id,
            "raw": b"Alice asked about late payment interest on her expenses."})
        env["mcp.knowledge.document"].search([("state", "=", "queued")])._index_documents()
        cls.profile_companies = cls._make_profile("MCP semantic companies", "read_only", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]"}})
        cls.key_companies, cls.secret_companies = cls._make_key("semantic companies", cls.user_a,
                                                                cls.profile_companies)

    def names(self, secret, **arguments):
        answer = self.tool_ok(secret, "search_knowledge", arguments)
        return [result["attachment"]["name"] for result in answer["results"]]

    def test_chunks_are_embedded_through_the_sdk(self):
        request = self.fake.requests[0]
        self.assertEqual(request["path"], "/v1/embeddings")
        self.assertEqual(request["authorization"], "Bearer sk-fake-test")
        self.assertEqual(request["body"]["model"], "text-embedding-fake")
        self.env.cr.execute("SELECT count(*) FROM mcp_knowledge_chunk WHERE embedding IS NOT NULL")
        self.assertEqual(self.env.cr.fetchone()[0], 3)

    def test_semantic_finds_meaning_without_shared_words(self):
        self.assertEqual(self.names(self.secret_full, query="tardy settlement fee", mode="keyword"), [])
        found = self.names(self.secret_full, query="tardy settlement fee", mode="semantic", limit=2)
        self.assertEqual(set(found), {"acme-terms.txt", "alice-note.txt"})
        # The key's domain applies as in every mode.
        self.assertEqual(self.names(self.secret_companies, query="tardy settlement fee", mode="semantic",
                                    limit=1), ["acme-terms.txt"])

    def test_hybrid_fuses_keyword_and_semantic_ranks(self):
        answer = self.tool_ok(self.secret_companies, "search_knowledge", {
            "query": "coffee machine descaling", "mode": "hybrid", "limit": 2})
        self.assertEqual(answer["results"][0]["attachment"]["name"], "acme-manual.txt")
        # Best in both lists: 1/61 + 1/61.
        self.assertAlmostEqual(answer["results"][0]["score"], round(2 / 61, 4), places=4)

    def test_hybrid_score_does_not_count_passages_out_of_reach(self):
        # alice-note (outside the key's domain) ranks above acme-terms in both lists for the full key: the
        # score of acme-terms for the narrowed key must not tell that better passages exist elsewhere.
        full = self.tool_ok(self.secret_full, "search_knowledge", {
            "query": "late payment interest", "mode": "hybrid", "limit": 3})
        self.assertEqual(full["results"][0]["attachment"]["name"], "alice-note.txt")
        narrowed = self.tool_ok(self.secret_companies, "search_knowledge", {
            "query": "late payment interest", "mode": "hybrid", "limit": 1})
        self.assertEqual(narrowed["results"][0]["attachment"]["name"], "acme-terms.txt")
        self.assertAlmostEqual(narrowed["results"][0]["score"], round(2 / 61, 4), places=4)

    def test_semantic_without_a_provider_says_so(self):
        self.env["ir.config_parameter"].set_param("mcp_knowledge.embedding_provider_id", "")
        self.tool_error(self.secret_full, "search_knowledge", {"query": "late", "mode": "semantic"},
                        "Semantic search is not available")
