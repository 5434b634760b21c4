"""The index's lifecycle: queued on create and change, indexed by the cron, failures with a reason,
Settings limits, and chunks removed with their attachment or record."""
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .files import pdf_bytes


@tagged("post_install", "-at_install")
class TestIndexing(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Document = cls.env["mcp.knowledge.document"]
        cls.Document.search([]).unlink()  # only this class's documents (rolled back after)
        cls.partner = cls.env["res.partner"].create({"name": "Azure Interior Test", "is_company": True})
        cls.env["ir.config_parameter"].set_param("mcp_knowledge.enabled", "True")

    def attach(self, name, data, mimetype=None, record=None):
        record = record or self.partner
        values = {"name": name, "raw": data, "res_model": record._name, "res_id": record.id}
        if mimetype:
            values["mimetype"] = mimetype
        return self.env["ir.attachment"].create(values)

    def document(self, attachment):
        return self.Document.search([("attachment_id", "=", attachment.id)])

    def chunk_count(self, attachment):
        return self.env["mcp.knowledge.chunk"].search_count([("attachment_id", "=", attachment.id)])

    def test_queue_then_cron_indexes(self):
        attachment = self.attach("contract.pdf", pdf_bytes([["Late payment interest is 12 percent."], ["Page two."]]))
        document = self.document(attachment)
        self.assertEqual((document.state, document.file_type, document.res_id), ("queued", "pdf", self.partner.id))
        document._index_documents()
        self.assertEqual(document.state, "done")
        self.assertEqual(document.ts_config, "english")
        self.assertGreaterEqual(document.chunk_count, 1)
        self.assertEqual(self.chunk_count(attachment), document.chunk_count)
        self.assertIn("12 percent", document.text)
        self.assertTrue(document.indexed_at)
        # A change of content queues the document again, and its old chunks go.
        attachment.raw = b"New terms."
        self.assertEqual(document.state, "queued")
        self.assertEqual(self.chunk_count(attachment), 0)

    def test_index_content_is_for_settings_administrators_only(self):
        # The index is built as superuser: an MCP Administrator who may not read every record must not read
        # documents' text through the ORM (/web/dataset/call_kw), whatever the record rules hide from them.
        secret = self.env["res.partner"].create({"name": "Hidden Co", "is_company": True})
        document = self.document(self.attach("payroll.txt", b"Salary of the director: 250000.", record=secret))
        document._index_documents()
        mcp_admin = new_test_user(self.env, login="mcp_admin_not_system",
                                  groups="base.group_user,mcp_server.group_mcp_admin")
        with self.assertRaises(AccessError):
            self.env["mcp.knowledge.chunk"].with_user(mcp_admin).search_read([], ["content"])
        with self.assertRaises(AccessError):
            document.with_user(mcp_admin).read(["text"])
        with self.assertRaises(AccessError):
            document.with_user(mcp_admin).read(["chunk_ids"])
        self.assertEqual(document.with_user(mcp_admin).read(["state"])[0]["state"], "done", "status stays visible")
        form = self.Document.with_user(mcp_admin).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("chunk_ids", form)
        self.assertNotIn('name="text"', form)
        system = new_test_user(self.env, login="mcp_system_admin", groups="base.group_user,base.group_system")
        self.assertIn("250000", document.with_user(system).text)
        self.assertTrue(self.env["mcp.knowledge.chunk"].with_user(system).search([("document_id", "=", document.id)]))

    def test_language_of_the_record(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        client = self.env["res.partner"].create({"name": "Client français", "lang": "fr_FR"})
        document = self.document(self.attach("contrat.txt", "Les pénalités de retard s'appliquent.".encode(),
                                             record=client))
        document._index_documents()
        self.assertEqual(document.ts_config, "french")

    def test_failures_are_listed_with_their_reason(self):
        broken = self.document(self.attach("broken.pdf", b"%PDF-1.4 garbage", "application/pdf"))
        empty = self.document(self.attach("empty.txt", b"   "))
        (broken | empty)._index_documents()
        self.assertEqual(broken.state, "failed")
        self.assertEqual(empty.state, "failed")
        self.assertIn("no text found", empty.error)
        self.assertTrue(broken.error)

    def test_settings_limits(self):
        self.env["ir.config_parameter"].set_param("mcp_knowledge.max_size_mb", "1")
        big = self.document(self.attach("big.txt", b"word " * 300000))
        self.assertEqual(big.state, "failed")
        self.assertIn("1 MB", big.error)
        self.assertFalse(self.document(self.attach("photo.png", b"\x89PNG\r\n", "image/png")))
        self.env["ir.config_parameter"].set_param("mcp_knowledge.file_types", "pdf")
        self.assertFalse(self.document(self.attach("notes.txt", b"hello")))
        self.env["ir.config_parameter"].set_param("mcp_knowledge.models", "sale.order")
        self.assertFalse(self.document(self.attach("c.pdf", pdf_bytes([["x"]]))))
        self.env["ir.config_parameter"].set_param("mcp_knowledge.enabled", "False")
        self.env["ir.config_parameter"].set_param("mcp_knowledge.models", "")
        self.assertFalse(self.document(self.attach("d.pdf", pdf_bytes([["x"]]))))
        # Settings' button queues what is not indexed yet once indexing is on again.
        self.env["ir.config_parameter"].set_param("mcp_knowledge.enabled", "True")
        self.env["ir.config_parameter"].set_param("mcp_knowledge.file_types", "pdf,txt")
        self.assertGreaterEqual(self.Document.action_queue_all(), 2)
        self.assertEqual(self.document(self.env["ir.attachment"].search([("name", "=", "d.pdf")])).state, "queued")

    def test_deletion_and_archiving_remove_chunks(self):
        attachment = self.attach("manual.txt", b"Descaling the machine every month.")
        document = self.document(attachment)
        document._index_documents()
        self.assertEqual(self.chunk_count(attachment), 1)
        attachment.unlink()
        self.assertFalse(document.exists())
        self.assertFalse(self.env["mcp.knowledge.chunk"].search([("document_id", "=", document.id)]))

        other = self.env["res.partner"].create({"name": "Archived soon"})
        document = self.document(self.attach("old.txt", b"Obsolete price list.", record=other))
        document._index_documents()
        other.action_archive()
        self.Document._drop_unreachable()
        self.assertFalse(document.exists())

    def test_buttons_of_an_mcp_administrator(self):
        manager = new_test_user(self.env, login="knowledge_admin", groups="base.group_user,mcp_server.group_mcp_admin")
        document = self.document(self.attach("note.txt", b"First version."))
        self.assertEqual(self.Document.with_user(manager).action_index_queued(), 1)
        self.assertEqual((document.state, document.chunk_count), ("done", 1))
        document.write({"state": "failed", "error": "old error"})
        document.with_user(manager).action_reindex()
        self.assertEqual((document.state, document.error), ("done", False))
        # Anybody else indexes nothing.
        self.attach("other.txt", b"Second file.")
        user = new_test_user(self.env, login="knowledge_user", groups="base.group_user")
        self.assertEqual(self.Document.with_user(user).action_index_queued(), 0)
