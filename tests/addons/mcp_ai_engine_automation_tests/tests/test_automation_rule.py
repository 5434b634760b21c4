"""mcp_ai_engine needs no dependency on base_automation: its action is an ordinary server action."""
from odoo.addons.mcp_ai_engine.tests.common import AiCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAutomationRule(AiCase):

    def test_rule_queues_the_action_for_the_user_who_saved(self):
        rule = self.env["base.automation"].create({
            "name": "Assess new contacts",
            "model_id": self.env["ir.model"]._get_id("res.partner"),
            "trigger": "on_create_or_write",
            "filter_domain": "[('is_company', '=', True)]",
        })
        action = self.make_action(usage="base_automation", base_automation_id=rule.id,
                                  ai_prompt="Assess {{ record.name }}.")
        self.assertEqual(rule.action_server_ids, action)
        partner = self.env["res.partner"].with_user(self.user).create({"name": "Omega Ltd", "is_company": True})
        self.env["res.partner"].with_user(self.user).create({"name": "Not a company"})
        job = self.env["mcp.ai.job"].search([("action_id", "=", action.id)])
        self.assertEqual((job.res_id, job.user_id, job.state), (partner.id, self.user, "queued"))
        self.assertFalse(self.server.requests, "saving the record does not wait for the model")
        job._process()
        self.assertEqual(job.state, "done")
        self.assertIn("Acme is a loyal customer.", partner.message_ids[:1].body)
        self.assertEqual(self.server.requests[0][2]["messages"][1]["content"], "Assess Omega Ltd.")
        [payload] = self.notifications(self.user)
        self.assertEqual(payload["button"]["action"]["res_id"], partner.id)
