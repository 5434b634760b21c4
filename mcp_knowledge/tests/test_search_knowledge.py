"""search_knowledge through /mcp: ranking, fuzzy matching, access per key, deletion, read_attachment
paging, and the answer_from_documents prompt."""
import base64
from unittest.mock import patch

from odoo.addons.mcp_server.tests.common import McpCase

from ..models import mcp_knowledge_search
from .files import pdf_bytes

CONTRACT_PAGES = [
    ["Master services agreement between Example Company and Acme Corp.",
     "The supplier installs and maintains the office furniture."],
    ["Late payment: invoices unpaid after thirty days bear interest of twelve percent per year,",
     "plus a fixed recovery indemnity of forty euros."],
]


class TestSearchKnowledge(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param("mcp_knowledge.enabled", "True")
        env["mcp.knowledge.document"].search([]).unlink()  # only this class's documents (rolled back after)
        Attachment = env["ir.attachment"]
        cls.contract = Attachment.create({
            "name": "acme-contract.pdf", "raw": pdf_bytes(CONTRACT_PAGES), "mimetype": "application/pdf",
            "res_model": "res.partner", "res_id": cls.acme.id})
        cls.brochure = Attachment.create({
            "name": "furniture-brochure.txt", "res_model": "res.partner", "res_id": cls.acme.id,
            "raw": b"Office furniture catalogue. Payment by card is accepted. Interest-free instalments."})
        cls.private = Attachment.create({
            "name": "alice-salary-review.txt", "res_model": "res.partner", "res_id": cls.alice.id,
            "raw": b"Salary review of Alice: late payment of her expenses is settled by the accountant."})
        cls.other_company = Attachment.create({
            "name": "beta-contract.txt", "res_model": "res.partner", "res_id": cls.beta.id,
            "raw": b"Beta Industries contract: late payment interest of five percent."})
        env["mcp.knowledge.document"].search([("state", "=", "queued")])._index_documents()
        cls.profile_companies = cls._make_profile("MCP test companies documents", "read_only", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]"}})
        cls.key_companies, cls.secret_companies = cls._make_key("companies key", cls.user_a, cls.profile_companies)

    def search(self, secret, **arguments):
        return self.tool_ok(secret, "search_knowledge", arguments)

    def names(self, answer):
        return [result["attachment"]["name"] for result in answer["results"]]

    def test_distinctive_phrase_ranks_its_document_first(self):
        answer = self.search(self.secret_full, query="late payment interest")
        self.assertEqual(answer["mode"], "keyword")
        first = answer["results"][0]
        self.assertEqual(first["attachment"], {"id": self.contract.id, "name": "acme-contract.pdf",
                                               "mimetype": "application/pdf"})
        self.assertEqual(first["record"], {"model": "res.partner", "id": self.acme.id, "display_name": "Acme Corp"})
        self.assertEqual(first["page"], 2)
        self.assertIn("**interest**", first["snippet"])
        self.assertGreater(first["score"], 0)
        # Stemming: "catalogues" finds "catalogue"; a model filter keeps to that model's documents.
        self.assertEqual(self.names(self.search(self.secret_full, query="catalogues", model="res.partner")),
                         ["furniture-brochure.txt"])
        # Nothing has every word: passages with any of them are answered, and the answer says so.
        answer = self.search(self.secret_full, query="indemnity zeppelin")
        self.assertEqual((answer["match"], self.names(answer)), ("any word", ["acme-contract.pdf"]))
        record_only = self.search(self.secret_full, query="payment", model="res.partner", record=self.alice.id)
        self.assertEqual(self.names(record_only), ["alice-salary-review.txt"])

    def test_fuzzy_finds_a_misspelt_word(self):
        self.assertEqual(self.search(self.secret_full, query="indemnitty")["results"], [])
        answer = self.search(self.secret_full, query="indemnitty", mode="fuzzy")
        self.assertEqual(self.names(answer)[0], "acme-contract.pdf")
        self.assertIn("**indemnity**", answer["results"][0]["snippet"])

    def test_keys_with_different_domains_see_different_documents(self):
        everything = set(self.names(self.search(self.secret_full, query="late payment")))
        # The beta document belongs to company B, which user A may not read (Odoo's rules).
        self.assertEqual(everything, {"acme-contract.pdf", "alice-salary-review.txt"})
        companies = self.names(self.search(self.secret_companies, query="late payment"))
        self.assertEqual(companies, ["acme-contract.pdf"])
        fuzzy = self.names(self.search(self.secret_companies, query="salary revew", mode="fuzzy"))
        self.assertNotIn("alice-salary-review.txt", fuzzy)
        # A key whose profile reads partners with a field list reads no document of theirs.
        self.assertEqual(self.search(self.secret_scoped, query="late payment")["results"], [])
        # A key of a user of company B sees company B's document only.
        self.assertEqual(self.names(self.search(self.secret_b, query="late payment")), ["beta-contract.txt"])

    def test_filter_pages_through_forbidden_candidates(self):
        # Many private documents rank before the one the key may read: it is still found.
        for index in range(60):
            self.env["ir.attachment"].create({
                "name": "private-%s.txt" % index, "res_model": "res.partner", "res_id": self.alice.id,
                "raw": b"Warranty warranty warranty terms number %d." % index})
        self.env["ir.attachment"].create({"name": "acme-warranty.txt", "res_model": "res.partner",
                                          "res_id": self.acme.id, "raw": b"One warranty clause."})
        self.env["mcp.knowledge.document"].search([("state", "=", "queued")])._index_documents()
        answer = self.search(self.secret_companies, query="warranty", limit=1)
        self.assertEqual(self.names(answer), ["acme-warranty.txt"])
        self.assertEqual(len(self.search(self.secret_full, query="warranty", limit=5)["results"]), 5)

    def test_broad_words_rank_a_capped_set_and_say_so(self):
        self.assertNotIn("note", self.search(self.secret_full, query="payment"))
        with patch.object(mcp_knowledge_search, "RANK_CAP", 2):
            answer = self.search(self.secret_full, query="payment")
        self.assertIn("more than 2 passages", answer["note"])
        self.assertTrue(answer["results"])

    def test_deleted_attachment_disappears(self):
        self.assertIn("acme-contract.pdf", self.names(self.search(self.secret_full, query="indemnity")))
        self.contract.unlink()
        self.assertEqual(self.search(self.secret_full, query="indemnity")["results"], [])

    def test_read_attachment_pages_through_the_extracted_text(self):
        hit = self.search(self.secret_full, query="recovery indemnity")["results"][0]
        page = self.tool_ok(self.secret_full, "read_attachment", {
            "attachment_id": self.contract.id, "offset": hit["offset"], "length": 60})
        self.assertEqual(page["page"], 2)
        self.assertTrue(page["text"].startswith("Late payment"))
        self.assertEqual(len(page["text"]), 60)
        self.assertEqual(page["next_offset"], hit["offset"] + 60)
        rest = self.tool_ok(self.secret_full, "read_attachment", {
            "attachment_id": self.contract.id, "offset": page["next_offset"]})
        self.assertIn("forty euros", rest["text"])
        self.assertIsNone(rest["next_offset"])
        # Without offset/length the file itself, as before.
        whole = self.tool_ok(self.secret_full, "read_attachment", {"attachment_id": self.contract.id})
        self.assertTrue(base64.b64decode(whole["base64"]).startswith(b"%PDF-"))
        self.assertDenied(self.secret_companies, self.key_companies, "read_attachment",
                          {"attachment_id": self.private.id, "offset": 0})

    def test_answer_from_documents_prompt(self):
        prompts = {p["name"]: p for p in self.rpc(self.secret_full, "prompts/list")["prompts"]}
        self.assertIn("answer_from_documents", prompts)
        # The prompt shows this addon's icon (SEP-973).
        self.assertEqual([icon["src"].partition("//")[2].partition("/")[2] for icon in prompts[
            "answer_from_documents"]["icons"]], ["mcp_knowledge/static/description/icon.png"])
        prompt = self.rpc(self.secret_full, "prompts/get", {
            "name": "answer_from_documents", "arguments": {"question": "What is the late payment interest?"}})
        text = prompt["messages"][0]["content"]["text"]
        self.assertIn("What is the late payment interest?", text)
        self.assertIn("search_knowledge", text)
        self.assertIn("read_attachment", text)
        error = self.rpc_error(self.secret_full, "prompts/get", {"name": "answer_from_documents", "arguments": {}})
        self.assertEqual(error["code"], -32602)
        # A key that may not call search_knowledge is not offered the prompt that tells to call it.
        self.profile_full.tool_ids = self.env["mcp.tool"].search([("name", "=", "search_read")])
        prompts = {p["name"] for p in self.rpc(self.secret_full, "prompts/list")["prompts"]}
        self.assertNotIn("answer_from_documents", prompts)
        error = self.rpc_error(self.secret_full, "prompts/get", {
            "name": "answer_from_documents", "arguments": {"question": "What is the late payment interest?"}})
        self.assertIn("answer_from_documents", error["message"])
