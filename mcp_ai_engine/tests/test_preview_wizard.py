"""The preview wizard: rendered prompts for a chosen record, and the answer without writing anything."""
from odoo.tests import tagged

from .common import AiCase


@tagged("post_install", "-at_install")
class TestPreviewWizard(AiCase):

    def open_wizard(self, action):
        result = action.action_ai_preview()
        return self.env[result["res_model"]].with_context(result["context"]).create(
            {"record_ref": "res.partner,%s" % self.partner.id})

    def test_rendered_prompts(self):
        wizard = self.open_wizard(self.make_action())
        self.assertEqual(wizard.prompt, "Summarise Acme Corp (contact@acme.example) for %s." % self.env.user.name)
        self.assertEqual(wizard.system_prompt, "You are a careful assistant of %s." % self.env.company.name)
        self.assertFalse(wizard.render_error)
        self.assertFalse(self.server.requests, "rendering asks nothing of the model")

    def test_run_shows_the_answer_and_writes_nothing(self):
        messages = len(self.partner.message_ids)
        wizard = self.open_wizard(self.make_action())
        result = wizard.action_run()
        self.assertEqual((result["res_model"], result["res_id"], result["target"]), (wizard._name, wizard.id, "new"))
        self.assertEqual(wizard.answer, "Acme is a loyal customer.")
        self.assertEqual((wizard.tokens_in, wizard.tokens_out), (12, 7))
        self.assertEqual(len(self.partner.message_ids), messages)
        self.assertFalse(self.env["mcp.ai.job"].search([]))
        log = self.env["mcp.ai.call.log"].search([], limit=1)
        self.assertEqual((log.origin, log.res_id, log.status), ("preview", self.partner.id, "success"))

    def test_errors_are_shown(self):
        wizard = self.open_wizard(self.make_action(ai_prompt="{{ record._cr }}"))
        self.assertIn("not allowed", wizard.render_error)
        wizard.action_run()
        self.assertFalse(self.server.requests)
        self.assertTrue(wizard.answer_error)
        wizard = self.open_wizard(self.make_action())
        self.server.script[:] = ["garbage"]
        wizard.action_run()
        self.assertIn("could not be read", wizard.answer_error)
        self.assertFalse(wizard.answer)
