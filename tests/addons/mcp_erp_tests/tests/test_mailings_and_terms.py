"""Email Marketing and CRM installed: mailings staged as drafts, business terms on CRM records."""
import ast

from odoo import Command
from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestMailingsAndTerms(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_a.groups_id = [Command.link(env.ref("mass_mailing.group_mass_mailing_user").id),
                                Command.link(env.ref("sales_team.group_sale_salesman_all_leads").id)]
        cls.profile_marketing = cls._make_profile("MCP test marketing", "read_write", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]"},
            "mail.template": {"ops": "read"},
            "mailing.mailing": {"ops": "read,create"},
            "crm.lead": {"ops": "read"},
            "crm.stage": {"ops": "read"},
        })
        cls.key_marketing, cls.secret_marketing = cls._make_key("marketing key", cls.user_a, cls.profile_marketing)
        cls.template = env["mail.template"].create({
            "name": "News", "model_id": env["ir.model"]._get_id("res.partner"), "subject": "News for {{ object.name }}",
            "body_html": '<p>Hello <t t-out="object.name"/></p>'})

    def test_stage_mass_mailing_creates_a_draft_within_the_keys_reach(self):
        self.assertIn("stage_mass_mailing", self.tool_names(self.secret_marketing))
        self.assertNotIn("stage_mass_mailing", self.tool_names(self.secret_full))
        result = self.tool_ok(self.secret_marketing, "stage_mass_mailing", {
            "template": self.template.id, "domain": [["name", "ilike", "a"]]})
        mailing = self.env["mailing.mailing"].browse(result["mailing_id"])
        self.assertEqual((mailing.state, mailing.subject, mailing.mailing_model_id.model, mailing.create_uid),
                         ("draft", "News for {{ object.name }}", "res.partner", self.user_a))
        # The key's record domain (companies only) is part of the mailing's audience: Alice is not in it.
        audience = self.env["res.partner"].with_user(self.user_a).search(ast.literal_eval(mailing.mailing_domain))
        self.assertIn(self.acme, audience)
        self.assertNotIn(self.alice, audience)
        self.assertEqual(result["recipients"], len(audience))
        self.assertFalse(self.env["mail.mail"].search([("mailing_id", "=", mailing.id)]))

    def test_default_terms_of_crm_and_invoicing(self):
        Term = self.env["mcp.vocabulary.term"]
        Term.search([("company_id", "=", False)]).unlink()
        Term._create_default_terms()
        self.assertEqual(set(Term.search([("company_id", "=", False)]).mapped("term")),
                         {"company", "customer", "vendor", "unpaid invoice", "open deal"})
        won = self.env["crm.stage"].create({"name": "Won (test)", "is_won": True})
        stage = self.env["crm.stage"].create({"name": "Qualified (test)"})
        open_lead = self.env["crm.lead"].create({"name": "Open one", "type": "opportunity", "stage_id": stage.id,
                                                 "company_id": self.company_a.id})
        won_lead = self.env["crm.lead"].create({"name": "Won one", "type": "opportunity", "stage_id": won.id,
                                                "company_id": self.company_a.id})
        resolved = self.tool_ok(self.secret_marketing, "resolve_term", {"term": "Open Opportunity"})
        self.assertEqual((resolved["term"], resolved["model"]), ("open deal", "crm.lead"))
        found = self.tool_ok(self.secret_marketing, "search_read", {
            "model": "crm.lead", "domain": resolved["applied_domain"], "fields": ["name"]})["records"]
        names = [row["name"] for row in found]
        self.assertIn(open_lead.name, names)
        self.assertNotIn(won_lead.name, names)
        # Invoicing's customer rank: a partner becomes a customer once sold to.
        self.acme.customer_rank = 1
        resolved = self.tool_ok(self.secret_marketing, "resolve_term", {"term": "client"})
        found = self.tool_ok(self.secret_marketing, "search_read", {
            "model": "res.partner", "domain": resolved["applied_domain"], "fields": ["name"]})["records"]
        self.assertIn("Acme Corp", [row["name"] for row in found])
        self.assertNotIn("Beta Industries", [row["name"] for row in found])
