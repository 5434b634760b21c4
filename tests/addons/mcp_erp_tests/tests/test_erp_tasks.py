"""Sales and CRM tasks done in one call each, as a new user would try them."""
import datetime

from odoo import Command
from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestErpTasks(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.seller = new_test_user(
            env, login="mcp_seller", name="Sam Seller", tz="America/New_York",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,mcp_server.group_mcp_user",
            company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])
        cls.azure = env["res.partner"].create({"name": "Azure Interior", "is_company": True})
        cls.desk = env["product.product"].create({"name": "Office Desk", "list_price": 250.0, "type": "consu"})
        cls.chair = env["product.product"].create({"name": "Office Chair", "list_price": 80.0, "type": "consu"})
        cls.lead = env["crm.lead"].create({"name": "Azure: new offices", "partner_id": cls.azure.id,
                                           "company_id": cls.company_a.id})
        cls.tag_design = env["crm.tag"].create({"name": "Design"})
        cls.tag_urgent = env["crm.tag"].create({"name": "Urgent"})
        cls.profile_sales = cls._make_profile("MCP test sales", "read_write", {
            "sale.order": {"ops": "read,create,write"},
            "sale.order.line": {"ops": "read,create,write"},
            "product.product": {"ops": "read"},
            "res.partner": {"ops": "read"},
            "crm.lead": {"ops": "read,write"},
            "crm.tag": {"ops": "read"},
        })
        cls.profile_sales.rule_ids.filtered(lambda r: r.model_name == "sale.order").allowed_methods = "action_confirm"
        cls.key_sales, cls.secret_sales = cls._make_key("sales key", cls.seller, cls.profile_sales)

    def ok(self, name, arguments):
        result = self.tool_ok(self.secret_sales, name, arguments)
        self.env.invalidate_all()
        return result

    def test_quotation_with_its_lines_in_one_call(self):
        created = self.ok("create", {"model": "sale.order", "values": {
            "partner_id": "Azure Interior",
            "order_line": [{"product_id": "Office Desk", "product_uom_qty": 2}]}})
        order = self.env["sale.order"].browse(created["id"])
        self.assertEqual(order.partner_id, self.azure)
        self.assertEqual([(line.product_id, line.product_uom_qty) for line in order.order_line], [(self.desk, 2)])
        self.assertEqual(order.amount_untaxed, 500.0)
        # Odoo's own commands work too, and lines can be added and updated later.
        self.ok("write", {"model": "sale.order", "ids": [order.id], "values": {"order_line": [
            [0, 0, {"product_id": self.chair.id, "product_uom_qty": 4}],
            [1, order.order_line[0].id, {"product_uom_qty": 3}]]}})
        self.assertEqual(sorted((line.product_id.name, line.product_uom_qty) for line in order.order_line),
                         [("Office Chair", 4), ("Office Desk", 3)])
        # The line model's rule applies inside the order: lines may not be deleted with this key.
        self.assertDenied(self.secret_sales, self.key_sales, "write", {"model": "sale.order", "ids": [order.id],
                                                                       "values": {"order_line": {"delete": [
                                                                           order.order_line[0].id]}}},
                          "order_line, line 1", "unlink", "sale.order.line")
        self.assertEqual(len(order.order_line), 2)

    def test_dry_run_shows_the_quotation_lines(self):
        report = self.ok("create", {"model": "sale.order", "dry_run": True, "values": {
            "partner_id": self.azure.id, "order_line": {"create": [{"product_id": "Office Chair",
                                                                     "product_uom_qty": 5}]}}})
        lines = report["changes"][0]["lines"]["order_line"]
        self.assertEqual([(line["product_id"]["name"], line["product_uom_qty"]) for line in lines],
                         [("Office Chair", 5.0)])
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.azure.id)]))

    def test_tag_added_to_a_lead(self):
        self.lead.tag_ids = self.tag_urgent
        self.ok("write", {"model": "crm.lead", "ids": [self.lead.id], "values": {"tag_ids": [[4, self.tag_design.id]]}})
        self.assertEqual(self.lead.tag_ids, self.tag_urgent | self.tag_design)
        self.ok("write", {"model": "crm.lead", "ids": [self.lead.id], "values": {"tag_ids": {"remove": ["Urgent"]}}})
        self.assertEqual(self.lead.tag_ids, self.tag_design)

    def test_order_confirmed_with_the_button_describe_model_lists(self):
        described = self.ok("describe_model", {"model": "sale.order", "fields": ["state"]})
        confirm = next(button for button in described["buttons"] if button["method"] == "action_confirm")
        self.assertEqual(confirm["label"], "Confirm")
        self.assertIn("state", confirm["invisible"])
        self.assertEqual({button["method"] for button in described["buttons"]}, {"action_confirm"})
        order = self.env["sale.order"].create({"partner_id": self.azure.id, "company_id": self.company_a.id,
                                               "order_line": [
            Command.create({"product_id": self.desk.id, "product_uom_qty": 1})]})
        self.ok("call_method", {"model": "sale.order", "ids": [order.id], "method": "action_confirm"})
        self.assertEqual(order.state, "sale")
        self.assertDenied(self.secret_sales, self.key_sales, "call_method", {
            "model": "sale.order", "ids": [order.id], "method": "action_cancel"}, "not allowed")

    def test_orders_in_january_for_a_user_in_new_york(self):
        moments = ["2025-01-01T03:00:00", "2025-02-01T02:00:00", "2025-01-15T12:00:00"]
        orders = self.env["sale.order"].create([{"partner_id": self.azure.id, "company_id": self.company_a.id}
                                                for _moment in moments])
        for order, moment in zip(orders, moments, strict=True):
            self.env.cr.execute(SQL("UPDATE sale_order SET date_order = %s WHERE id = %s",
                                    datetime.datetime.fromisoformat(moment), order.id))
        self.env.invalidate_all()
        series = self.ok("timeseries", {"model": "sale.order", "date_field": "date_order", "granularity": "month",
                                        "date_from": "2025-01-01", "date_to": "2025-01-31"})
        self.assertEqual((series["series"][0]["value"], series["total"], series["timezone"]),
                         (2, 2, "America/New_York"))

    def two_currency_orders(self):
        """One order in the company's currency (one desk) and one in euros (two desks); returns the euro amount."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.assertNotEqual(self.company_a.currency_id, eur)
        pricelist = self.env["product.pricelist"].create({"name": "Euro list", "currency_id": eur.id,
                                                          "company_id": self.company_a.id})
        orders = self.env["sale.order"]
        for pricelist_id, quantity in ((False, 1), (pricelist.id, 2)):
            orders |= orders.with_company(self.company_a).create({
                "partner_id": self.azure.id, "pricelist_id": pricelist_id, "company_id": self.company_a.id,
                "order_line": [Command.create({"product_id": self.desk.id, "product_uom_qty": quantity})]})
        self.assertEqual(orders.currency_id, self.company_a.currency_id | eur)
        return orders.filtered(lambda order: order.currency_id == eur).amount_untaxed

    def test_portal_sections_never_add_up_currencies(self):
        in_euros = self.two_currency_orders()
        kpi = {"type": "kpi", "title": "Revenue", "model": "sale.order", "measure": "amount_untaxed:sum",
               "domain": [["partner_id", "=", self.azure.id]]}
        eur = self.env.ref("base.EUR")
        in_eur = dict(kpi, domain=[["partner_id", "=", self.azure.id], ["currency_id", "=", eur.id]])
        page = self.env["mcp.portal.page"].browse(self.ok("create_portal_page", {"title": "Sales", "sections": [
            kpi, in_eur]})["id"])
        mixed, euros = self.env["mcp.portal.evaluator"]._evaluate(page, {})["sections"]
        self.assertIn("several currencies", mixed["error"])
        self.assertEqual(euros["value"], in_euros)
        self.assertIn("\u20ac", euros["text"])

    def test_money_is_never_summed_across_currencies(self):
        in_euros = self.two_currency_orders()
        company_currency, eur = self.company_a.currency_id, self.env.ref("base.EUR")
        totals = self.ok("aggregate", {"model": "sale.order", "measures": ["amount_untaxed:sum"],
                                       "domain": [["partner_id", "=", self.azure.id]]})
        self.assertIsNone(totals["currency"])
        self.assertEqual({g["currency"]: g["amount_untaxed:sum"] for g in totals["groups"]},
                         {company_currency.name: 250.0, "EUR": in_euros})
        one = self.ok("aggregate", {"model": "sale.order", "measures": ["amount_untaxed:sum"],
                                    "domain": [["partner_id", "=", self.azure.id], ["currency_id", "=", eur.id]]})
        self.assertEqual((one["currency"], one["groups"][0]["amount_untaxed:sum"]), ("EUR", in_euros))
