"""reindex_knowledge through /mcp: who gets it, what it touches, and the same work as a task (Tasks extension),
a get_job job, or a call answered at once."""
from odoo import Command
from odoo.addons.mcp_server.tests.common import McpCase
from odoo.addons.mcp_server.tests.tasks_common import TasksMixin
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReindexKnowledge(TasksMixin, McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param("mcp_knowledge.enabled", "True")
        cls.Document = env["mcp.knowledge.document"]
        cls.Document.search([]).unlink()  # only this class's documents (rolled back after)
        Attachment = env["ir.attachment"]
        cls.terms = Attachment.create({"name": "terms.txt", "raw": b"Delivery within ten days.",
                                       "res_model": "res.partner", "res_id": cls.acme.id})
        cls.broken = Attachment.create({"name": "broken.pdf", "raw": b"%PDF-1.4 garbage", "mimetype": "application/pdf",
                                        "res_model": "res.partner", "res_id": cls.acme.id})
        cls.private = Attachment.create({"name": "alice.txt", "raw": b"Alice's private notes.",
                                         "res_model": "res.partner", "res_id": cls.alice.id})
        cls.Document.search([])._index_documents()
        cls.admin = new_test_user(env, login="mcp_reindex_admin", name="Index Admin",
                                  groups="base.group_user,base.group_partner_manager,mcp_server.group_mcp_admin",
                                  company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])
        cls.profile_companies = cls._make_profile("MCP reindex companies", "read_write", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]"}})
        cls.key_admin, cls.secret_admin = cls._make_key("reindex admin", cls.admin, cls.profile_companies)

    def document(self, attachment):
        return self.Document.search([("attachment_id", "=", attachment.id)])

    def make_terms_stale(self):
        """Change the indexed text behind the index's back (as a restore of an old backup would)."""
        self.env.cr.execute("UPDATE mcp_knowledge_document SET text = 'stale' WHERE attachment_id = %s",
                            [self.terms.id])
        self.Document.invalidate_model()

    def test_for_mcp_administrators_when_the_index_is_on(self):
        self.assertIn("reindex_knowledge", self.tool_names(self.secret_admin))
        self.assertNotIn("reindex_knowledge", self.tool_names(self.secret_full), "an MCP user does not get it")
        self.env["ir.config_parameter"].set_param("mcp_knowledge.enabled", "False")
        self.registry.clear_cache()
        self.assertNotIn("reindex_knowledge", self.tool_names(self.secret_admin))

    def test_answered_at_once_without_the_extension(self):
        self.make_terms_stale()
        answer = self.modern_tool(self.secret_admin, "reindex_knowledge", {"model": "res.partner"}, tasks=False)
        self.assertEqual(answer["resultType"], "complete")
        structured = answer["structuredContent"]
        # Alice is not a company: the key may not read her file, which stays as it was.
        self.assertEqual((structured["documents"], structured["indexed"], structured["failed"]), (2, 1, 1))
        self.assertEqual(structured["failures"][0]["attachment_id"], self.broken.id)
        self.assertTrue(structured["failures"][0]["error"])
        self.assertEqual(self.document(self.terms).text, "Delivery within ten days.")
        self.assertFalse(self.env["mcp.job"].sudo().search([("tool", "=", "reindex_knowledge")]))

    def test_a_declaring_client_follows_a_task_to_the_counts(self):
        private_indexed_at = self.document(self.private).indexed_at
        created = self.modern_tool(self.secret_admin, "reindex_knowledge", {"only_failed": True})
        self.assertEqual((created["resultType"], created["status"]), ("task", "working"))
        job = self.job_of(created["taskId"])
        self.assertEqual((job.tool, job.state), ("reindex_knowledge", "queued"))
        self.assertEqual(self.task(self.secret_admin, created["taskId"])["status"], "working")
        job._run()
        done = self.task(self.secret_admin, created["taskId"])
        self.assertEqual(done["status"], "completed")
        self.assertFalse(done["result"]["isError"])
        self.assertEqual(done["result"]["structuredContent"]["documents"], 1)
        self.assertEqual(done["result"]["structuredContent"]["failures"][0]["name"], "broken.pdf")
        self.assertEqual(self.document(self.private).indexed_at, private_indexed_at)
        # get_job shows the same job to the same key.
        self.assertEqual(self.tool_ok(self.secret_admin, "get_job", {"job_id": job.id})["status"], "done")

    def test_cancelled_task_leaves_the_index_as_it_was(self):
        created = self.modern_tool(self.secret_admin, "reindex_knowledge", {"attachment_ids": [self.terms.id]})
        self.modern(self.secret_admin, "tasks/cancel", {"taskId": created["taskId"]})
        self.assertEqual(self.task(self.secret_admin, created["taskId"])["status"], "cancelled")
        self.assertEqual(self.document(self.terms).state, "done")

    def test_background_job_for_clients_without_the_extension(self):
        answer = self.modern_tool(self.secret_admin, "reindex_knowledge", {"background": True}, tasks=False)
        job = self.env["mcp.job"].sudo().browse(answer["structuredContent"]["job_id"])
        self.assertFalse(job.task_id)
        self.assertIn("get_job", answer["content"][0]["text"])
        job._run()
        status = self.tool_ok(self.secret_admin, "get_job", {"job_id": job.id})
        self.assertEqual(status["result"]["documents"], 2)

    def test_paging_and_bad_arguments(self):
        first = self.tool_ok(self.secret_admin, "reindex_knowledge", {"model": "res.partner", "limit": 1})
        self.assertEqual((first["documents"], first["has_more"], first["next_offset"]), (1, True, 1))
        self.tool_error(self.secret_admin, "reindex_knowledge", {"record": self.acme.id}, "Give the model")
        self.tool_error(self.secret_admin, "reindex_knowledge", {"model": "hr.nothing"})
