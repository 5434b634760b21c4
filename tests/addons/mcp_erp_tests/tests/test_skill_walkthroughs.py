"""The shipped skills followed call by call, with the arguments their SKILL.md shows, on real sales,
invoicing and CRM data: what the instructions tell an agent to do must work on this server."""
import datetime

from odoo import Command, fields
from odoo.addons.mcp_server.lib.skills import SKILLS
from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests import new_test_user, tagged

MODERN_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
               "io.modelcontextprotocol/clientCapabilities": {}}


@tagged("post_install", "-at_install")
class TestSkillWalkthroughs(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = env.ref("base.main_company")
        cls.clerk = new_test_user(
            env, login="mcp_order_clerk", name="Olga Clerk", tz="UTC",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,account.group_account_invoice,"
                   "mcp_server.group_mcp_user",
            company_id=company.id, company_ids=[Command.set(company.ids)])
        cls.customer = env["res.partner"].create({"name": "Walkthrough Interiors", "is_company": True})
        cls.desk = env["product.product"].create({"name": "Walkthrough Desk", "list_price": 250.0, "type": "consu",
                                                  "invoice_policy": "order"})
        profile = cls._make_profile("MCP test order to cash", "read_write", {
            "sale.order": {"ops": "read,create,write"},
            "sale.order.line": {"ops": "read,create,write"},
            "sale.advance.payment.inv": {"ops": "read,create,write"},
            "account.move": {"ops": "read,write"},
            "res.partner": {"ops": "read"},
            "product.product": {"ops": "read"},
            "crm.lead": {"ops": "read,write"},
            "crm.stage": {"ops": "read"},
        })
        methods = {"sale.order": "action_confirm", "sale.advance.payment.inv": "create_invoices",
                   "account.move": "action_post"}
        for rule in profile.rule_ids:
            rule.allowed_methods = methods.get(rule.model_name, False)
        cls.key, cls.secret = cls._make_key("order to cash key", cls.clerk, profile)

    def ok(self, name, arguments):
        result = self.tool_ok(self.secret, name, arguments)
        self.env.invalidate_all()
        return result

    def test_the_key_is_offered_the_skills_its_profile_covers(self):
        response = self.http("POST", self.secret, self.message("skills/list", {"_meta": MODERN_META}), {
            "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "skills/list"})
        names = [entry["frontmatter"]["name"] for entry in response.json()["result"]["skills"]]
        expected = [s.name for s in SKILLS if set(s.models) <= {
            "sale.order", "account.move", "res.partner", "product.product", "crm.lead"}]
        self.assertEqual(names, expected)
        self.assertIn("quote-to-cash", names)
        self.assertIn("overdue-invoice-follow-up", names)
        self.assertIn("pipeline-review", names)

    def test_quote_to_cash_then_overdue_follow_up(self):
        # Quote to cash, steps 1 to 5.
        [(partner_id, _name)] = [(p["id"], p["name"]) for p in self.ok("name_search", {
            "model": "res.partner", "name": "Walkthrough Interiors"})["results"]]
        [product] = self.ok("name_search", {"model": "product.product", "name": "Walkthrough Desk",
                                            "domain": "[('sale_ok', '=', True)]"})["results"]
        order_id = self.ok("create", {"model": "sale.order", "values": {
            "partner_id": partner_id, "order_line": [{"product_id": product["id"], "product_uom_qty": 3}]}})["id"]
        [order] = self.ok("read", {"model": "sale.order", "ids": [order_id], "fields": [
            "name", "state", "amount_untaxed", "amount_total", "currency_id"]})["records"]
        self.assertEqual((order["state"], order["amount_untaxed"]), ("draft", 750.0))
        self.ok("call_method", {"model": "sale.order", "ids": [order_id], "method": "action_confirm"})
        [order] = self.ok("read", {"model": "sale.order", "ids": [order_id],
                                   "fields": ["name", "state", "invoice_status", "invoice_ids"]})["records"]
        self.assertEqual((order["state"], order["invoice_status"]), ("sale", "to invoice"))
        wizard_id = self.ok("create", {"model": "sale.advance.payment.inv", "values": {
            "advance_payment_method": "delivered", "sale_order_ids": [order_id]}})["id"]
        self.ok("call_method", {"model": "sale.advance.payment.inv", "ids": [wizard_id], "method": "create_invoices"})
        [invoice] = self.ok("search_read", {"model": "account.move", "domain": "[('invoice_origin', '=', '%s'), "
                                            "('move_type', '=', 'out_invoice')]" % order["name"], "fields": [
            "name", "state", "amount_total", "invoice_date_due"]})["records"]
        self.assertEqual(invoice["state"], "draft")
        self.ok("call_method", {"model": "account.move", "ids": [invoice["id"]], "method": "action_post"})
        [invoice] = self.ok("search_read", {"model": "account.move", "domain": "[('id', '=', %s)]" % invoice["id"],
                                            "fields": ["name", "payment_state", "amount_residual",
                                                       "invoice_date_due"]})["records"]
        self.assertEqual(invoice["payment_state"], "not_paid")
        self.assertEqual(invoice["amount_residual"], self.env["account.move"].browse(invoice["id"]).amount_total)

        # Overdue invoices, seen from a day after the due date: steps 1, 2 and 4.
        today = fields.Date.from_string(invoice["invoice_date_due"]) + datetime.timedelta(days=1)
        domain = ("[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), ('payment_state', 'in', "
                  "['not_paid', 'partial']), ('invoice_date_due', '<', '%s')]" % today)
        overdue = self.ok("search_read", {"model": "account.move", "domain": domain, "fields": [
            "name", "partner_id", "invoice_date_due", "amount_residual", "currency_id"],
            "order": "invoice_date_due", "limit": 50})["records"]
        self.assertIn(invoice["id"], [row["id"] for row in overdue])
        ranking = self.ok("aggregate", {"model": "account.move", "domain": domain,
                                        "groupby": ["partner_id", "currency_id"],
                                        "measures": ["amount_residual:sum", "__count"],
                                        "order": "amount_residual:sum desc", "limit": 10})
        self.assertIn("Walkthrough Interiors", str(ranking))
        self.ok("post_message", {"model": "account.move", "id": invoice["id"],
                                 "body": "Reminder call planned, 12 days overdue.", "message_type": "note"})
        self.ok("schedule_activity", {"model": "account.move", "id": invoice["id"],
                                      "summary": "Call about overdue invoice", "date_deadline": str(today),
                                      "user": "mcp_order_clerk"})
        move = self.env["account.move"].browse(invoice["id"])
        self.assertEqual(move.activity_ids.summary, "Call about overdue invoice")
        self.assertIn("Reminder call planned", move.message_ids[0].body)

    def test_pipeline_review_calls(self):
        self.env["crm.lead"].create({"name": "Walkthrough deal", "type": "opportunity", "expected_revenue": 900,
                                     "partner_id": self.customer.id, "user_id": self.clerk.id})
        domain = "[('type', '=', 'opportunity')]"
        by_stage = self.ok("aggregate", {"model": "crm.lead", "domain": domain, "groupby": ["stage_id", "user_id"],
                                         "measures": ["expected_revenue:sum", "__count"]})
        mine = [g for g in by_stage["groups"] if g["user_id"]["id"] == self.clerk.id]
        self.assertEqual([(g["expected_revenue:sum"], g["__count"]) for g in mine], [(900.0, 1)])
        self.assertEqual(mine[0]["stage_id"]["name"], self.env["crm.lead"].search([("name", "=", "Walkthrough deal")])
                         .stage_id.name, "stage names show with read access to crm.stage")
        funnel = self.ok("funnel", {"model": "crm.lead", "domain": domain, "stage_field": "stage_id"})
        self.assertTrue(funnel)
        later = fields.Date.to_string(fields.Date.today() + datetime.timedelta(days=1))
        stale = self.ok("search_read", {"model": "crm.lead", "domain": "[('type', '=', 'opportunity'), "
                                        "('date_last_stage_update', '<', '%s')]" % later, "fields": [
            "name", "partner_id", "stage_id", "user_id", "expected_revenue", "date_last_stage_update"],
            "order": "expected_revenue desc", "limit": 20})["records"]
        self.assertIn("Walkthrough deal", [row["name"] for row in stale])

    def test_month_end_checks_calls(self):
        today = fields.Date.today()
        first, last = today.replace(day=1), today.replace(day=28)
        draft = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "invoice_date": first, "date": first,
            "invoice_line_ids": [Command.create({"product_id": self.desk.id, "quantity": 2, "price_unit": 100})]})
        drafts = "[('state', '=', 'draft'), ('date', '<=', '%s')]" % last
        by_type = self.ok("aggregate", {"model": "account.move", "domain": drafts,
                                        "groupby": ["move_type", "journal_id"],
                                        "measures": ["__count", "amount_total:sum"]})
        self.assertIn("out_invoice", [group["move_type"] for group in by_type["groups"]])
        oldest = self.ok("search_read", {"model": "account.move", "domain": drafts, "fields": [
            "name", "move_type", "partner_id", "date", "amount_total", "currency_id"],
            "order": "date", "limit": 20})["records"]
        self.assertIn(draft.id, [row["id"] for row in oldest])
        self.ok("aggregate", {"model": "account.move", "domain": (
            "[('state', '=', 'posted'), ('move_type', 'in', ['out_invoice', 'out_refund', 'in_invoice', "
            "'in_refund']), ('invoice_date', '>=', '%s'), ('invoice_date', '<=', '%s')]" % (first, last)),
            "groupby": ["move_type", "currency_id"], "measures": ["__count", "amount_untaxed:sum", "amount_total:sum"]})
        self.ok("search_count", {"model": "account.move",
                                 "domain": "[('move_type', '=', 'in_invoice'), ('invoice_date', '=', False)]"})
        self.ok("aggregate", {"model": "account.move", "domain": (
            "[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), ('payment_state', 'in', "
            "['not_paid', 'partial']), ('invoice_date_due', '<=', '%s')]" % last),
            "groupby": ["invoice_date_due:month", "currency_id"], "measures": ["amount_residual:sum", "__count"]})
        draft.action_post()
        previous_last = first - datetime.timedelta(days=1)
        compared = self.ok("compare_periods", {
            "model": "account.move", "domain": "[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
            "date_field": "invoice_date", "measures": ["amount_untaxed_signed:sum"],
            "period_a": {"from": str(previous_last.replace(day=1)), "to": str(previous_last)},
            "period_b": {"from": str(first), "to": str(last)}})
        self.assertIn("200", str(compared))
