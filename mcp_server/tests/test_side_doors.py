"""Adversarial tests of the side doors: reports, attachments, prompts, activity users, exports, bad input.

Each kind is tested with the example that was found and a second case of the same kind on another model.
"""
import base64
import csv
import io
import json

import openpyxl

from odoo import Command
from odoo.tests import tagged

from .common import McpCase

PARTNER_CARD = """<t t-name="mcp_side_doors.partner_card"><t t-call="web.html_container"><t t-foreach="docs" t-as="o">
<t t-call="web.external_layout"><div class="page"><h2 t-field="o.name"/><p>Company: <span t-field="o.parent_id"/></p>
<p>Salesperson: <span t-field="o.user_id"/></p>
<p t-foreach="o.company_id.partner_id.bank_ids" t-as="bank">Pay to <span t-field="bank.acc_number"/></p>
</div></t></t></t></t>"""
CATEGORY_SHEET = """<t t-name="mcp_side_doors.category_sheet"><t t-call="web.html_container">
<t t-foreach="docs" t-as="o"><div class="page"><h2 t-field="o.name"/>
<ul><li t-foreach="o.partner_ids" t-as="p"><span t-field="p.name"/></li></ul>
</div></t></t></t>"""
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


@tagged("post_install", "-at_install")
class TestSideDoors(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        for key, arch, model, name in (
                ("mcp_side_doors.partner_card", PARTNER_CARD, "res.partner", "Partner card"),
                ("mcp_side_doors.category_sheet", CATEGORY_SHEET, "res.partner.category", "Tag sheet")):
            env["ir.ui.view"].create({"name": key, "key": key, "type": "qweb", "arch": arch})
            env["ir.actions.report"].create({"name": name, "model": model, "report_type": "qweb-pdf",
                                             "report_name": key})
        env["res.partner.bank"].create({"acc_number": "BE71 0961 2345 6769", "partner_id": cls.company_a.partner_id.id})
        cls.shared = env["res.partner"].create({"name": "Shared Partner", "is_company": True})
        cls.alice.user_id = cls.user_b
        cls.profile_people = cls._make_profile("MCP test people", "full", {
            "res.partner": {"ops": "read,write", "domain": "[('is_company', '=', False)]"}})
        cls.key_people, cls.secret_people = cls._make_key("people key", cls.user_a, cls.profile_people)
        cls.profile_sales = cls._make_profile("MCP test partners and users", "full", {
            "res.partner": {"ops": "read,write"}, "res.users": {"ops": "read"}})
        cls.key_sales, cls.secret_sales = cls._make_key("sales key", cls.user_a, cls.profile_sales)

    def key(self, name, rules, scope="full"):
        profile = self._make_profile("MCP test %s" % name, scope, rules)
        return self._make_key(name, self.user_a, profile)

    def texts(self, value):
        return json.dumps(value, ensure_ascii=False)

    def exports(self):
        return self.env["mcp.export"].sudo().search_count([])

    def rendered(self, result):
        self.assertFalse(result["isError"], result)
        [blob] = [c["resource"]["blob"] for c in result["content"] if c["type"] == "resource"]
        return base64.b64decode(blob).decode()

    # ------------------------------------------------------------------
    # 4. Reports print only records the key may read in full
    # ------------------------------------------------------------------
    def test_report_refused_when_it_prints_related_records_out_of_reach(self):
        card = {"report": "mcp_side_doors.partner_card", "ids": [self.alice.id]}
        before = self.exports()
        # Alice is within the persons-only domain, but the card prints her company and her salesperson.
        text = self.assertDenied(self.secret_people, self.key_people, "render_report", card,
                                 "res.partner (records outside its domain)", "res.users (not granted)")
        self.assertNotIn("Acme", text)
        self.assertNotIn("Bob", text)
        # Every partner may be read, but not the salesperson's user.
        self.assertDenied(self.secret_full, self.key_full, "render_report", card, "res.users (not granted)")
        self.assertEqual(self.exports(), before, "a refused report is not kept")
        # Granted in full: the card prints them (the letterhead of the user's own company is not counted).
        html = self.rendered(self.call_tool(self.secret_sales, "render_report", card))
        self.assertIn("Acme Corp", html)
        self.assertIn("Bob MCP", html)
        self.assertIn("BE71 0961 2345 6769", html, "the letterhead's bank account is not counted")
        # A card without related records needs nothing more than the partner grant.
        self.assertFalse(self.call_tool(self.secret_full, "render_report", dict(card, ids=[self.acme.id]))["isError"])

    def test_report_on_another_model_refused_for_restricted_related_records(self):
        vip = self.env["res.partner.category"].create({"name": "VIP", "partner_ids": [
            Command.set([self.acme.id, self.alice.id])]})
        sheet = {"report": "mcp_side_doors.category_sheet", "ids": [vip.id]}
        _key, secret = self.key("tags and companies", {
            "res.partner.category": {"ops": "read"},
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]"}})
        text = self.assertDenied(secret, _key, "render_report", sheet, "res.partner (records outside its domain)")
        self.assertNotIn("Alice", text)
        _key, secret = self.key("tags and partner names", {
            "res.partner.category": {"ops": "read"}, "res.partner": {"ops": "read", "fields": ["name"]}})
        self.assertDenied(secret, _key, "render_report", sheet, "res.partner (granted with a field list)")
        _key, secret = self.key("tags only", {"res.partner.category": {"ops": "read"}})
        self.assertDenied(secret, _key, "render_report", sheet, "res.partner (not granted)")
        _key, secret = self.key("tags and partners", {
            "res.partner.category": {"ops": "read"}, "res.partner": {"ops": "read"}})
        self.assertIn("Alice Acmeworker", self.rendered(self.call_tool(secret, "render_report", sheet)))
        # The reports resource offers no report on a model read with a field list.
        _key, secret = self.key("partner names", {"res.partner": {"ops": "read", "fields": ["name"]}})
        contents = self.rpc(secret, "resources/read", {"uri": "odoo://reports"})["contents"]
        self.assertNotIn("mcp_side_doors.partner_card", contents[0]["text"])

    # ------------------------------------------------------------------
    # 5. Attachments follow the rule of the record they belong to
    # ------------------------------------------------------------------
    def test_chatter_document_of_a_record_read_with_a_field_list(self):
        # The PDF that "Send by email" keeps in the chatter: an attachment of the record.
        message = self.acme.message_post(body="Your invoice", attachments=[("INV-0001.pdf", b"%PDF-1.4 total 999")])
        attachment = message.attachment_ids
        self.assertEqual((attachment.res_model, attachment.res_id), ("res.partner", self.acme.id))
        arguments = {"attachment_id": attachment.id}
        # Acme is within the scoped key's domain, but it reads res.partner with a field list.
        self.assertDenied(self.secret_scoped, self.key_scoped, "read_attachment", arguments,
                          "field list", "ir.attachment")
        self.assertEqual(base64.b64decode(self.tool_ok(self.secret_full, "read_attachment", arguments)["base64"]),
                         b"%PDF-1.4 total 999")
        # A binary field's own attachment follows the field's rule, as the read tool does.
        self.acme.image_1920 = PIXEL
        image = self.env["ir.attachment"].search([("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id),
                                                  ("res_field", "=", "image_1920")])
        _key, secret = self.key("names and images", {"res.partner": {"ops": "read", "fields": ["name", "image_1920"]}})
        self.assertTrue(self.tool_ok(secret, "read_attachment", {"attachment_id": image.id})["base64"])
        self.assertDenied(secret, _key, "read_attachment", arguments, "field list")
        # Outside the domain: refused, without saying whose document it is.
        text = self.assertDenied(self.secret_people, self.key_people, "read_attachment", arguments)
        self.assertNotIn("res.partner", text)
        # Granted explicitly: readable, within the grant's domain.
        _key, secret = self.key("attachments", {
            "res.partner": {"ops": "read", "fields": ["name"]},
            "ir.attachment": {"ops": "read", "domain": "[('mimetype', '=', 'application/pdf')]"}})
        self.assertEqual(self.tool_ok(secret, "read_attachment", arguments)["name"], "INV-0001.pdf")
        note = self.env["ir.attachment"].create({"name": "n.txt", "raw": b"x", "mimetype": "text/plain",
                                                 "res_model": "res.partner", "res_id": self.acme.id})
        self.assertDenied(secret, _key, "read_attachment", {"attachment_id": note.id})

    def test_documents_of_users_and_messages(self):
        contract = self.env["ir.attachment"].create({
            "name": "contract.txt", "raw": b"salary 9000", "mimetype": "text/plain",
            "res_model": "res.users", "res_id": self.user_b.id})
        _key, secret = self.key("user logins", {"res.users": {"ops": "read", "fields": ["login"]}})
        self.assertDenied(secret, _key, "read_attachment", {"attachment_id": contract.id}, "res.users")
        self.assertEqual(self.tool_ok(self.secret_sales, "read_attachment", {"attachment_id": contract.id})["text"],
                         "salary 9000")
        # A file attached to a message itself follows the rule of mail.message.
        message = self.acme.message_post(body="Files")
        memo = self.env["ir.attachment"].create({"name": "memo.txt", "raw": b"memo", "mimetype": "text/plain",
                                                 "res_model": "mail.message", "res_id": message.id})
        _key, secret = self.key("message dates", {"mail.message": {"ops": "read", "fields": ["date"]}})
        self.assertDenied(secret, _key, "read_attachment", {"attachment_id": memo.id}, "mail.message")
        _key, secret = self.key("messages", {"mail.message": {"ops": "read"}})
        self.assertEqual(self.tool_ok(secret, "read_attachment", {"attachment_id": memo.id})["text"], "memo")

    # ------------------------------------------------------------------
    # 6. Prompts read through the record tools' policy
    # ------------------------------------------------------------------
    def chatter(self, secret, model, record_id):
        prompt = self.rpc(secret, "prompts/get", {"name": "summarize_record", "arguments": {
            "model": model, "record_id": str(record_id)}})
        return "\n".join(m["content"].get("text", "") for m in prompt["messages"] if m["content"]["type"] == "text")

    def test_summarize_record_hides_authors_and_bodies_the_key_may_not_read(self):
        self.acme.message_post(body="Secret plan B", author_id=self.alice.id, message_type="comment",
                               subtype_xmlid="mail.mt_note")
        _key, secret = self.key("companies and chatter", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]"}, "mail.message": {"ops": "read"}})
        text = self.chatter(secret, "res.partner", self.acme.id)
        self.assertIn("Secret plan B", text)
        self.assertIn("partner #%s:" % self.alice.id, text)
        self.assertNotIn("Alice", text)
        _key, secret = self.key("companies and message dates", {
            "res.partner": {"ops": "read"},
            "mail.message": {"ops": "read", "fields": ["date", "author_id", "model", "res_id"]}})
        text = self.chatter(secret, "res.partner", self.acme.id)
        self.assertIn("Alice Acmeworker", text)
        self.assertNotIn("Secret plan B", text)
        self.assertIn("Secret plan B", self.chatter(self.key("all chatter", {
            "res.partner": {"ops": "read"}, "mail.message": {"ops": "read"}})[1], "res.partner", self.acme.id))
        self.assertNotIn("Secret plan B", self.chatter(self.secret_full, "res.partner", self.acme.id))

    def test_summarize_channel_hides_authors_the_key_may_not_read(self):
        channel = self.env["discuss.channel"].create({
            "name": "MCP ops", "channel_type": "channel",
            "channel_member_ids": [Command.create({"partner_id": self.user_a.partner_id.id})]})
        channel.message_post(body="Deploy at noon", author_id=self.beta.id, message_type="comment",
                             subtype_xmlid="mail.mt_comment")
        _key, secret = self.key("channels", {"discuss.channel": {"ops": "read"}, "mail.message": {"ops": "read"},
                                             "res.partner": {"ops": "read", "domain": "[('is_company', '=', False)]"}})
        text = self.chatter(secret, "discuss.channel", channel.id)
        self.assertIn("Deploy at noon", text)
        self.assertIn("partner #%s:" % self.beta.id, text)
        self.assertNotIn("Beta", text)
        _key, secret = self.key("channels without messages", {"discuss.channel": {"ops": "read"}})
        self.assertNotIn("Deploy", self.chatter(secret, "discuss.channel", channel.id))

    # ------------------------------------------------------------------
    # 11. Activities name only the users the key may read
    # ------------------------------------------------------------------
    def test_activities_label_users_the_key_may_not_read_by_id(self):
        schedule = {"model": "res.partner", "id": self.shared.id, "summary": "Call back"}
        result = self.tool_ok(self.secret_full, "schedule_activity", dict(schedule, user=self.user_b.id))
        self.assertEqual(result["user"], "user #%s" % self.user_b.id)
        self.tool_ok(self.secret_full, "schedule_activity", dict(schedule, summary="Mine"))
        rows = self.tool_ok(self.secret_full, "list_activities", {"model": "res.partner", "id": self.shared.id})
        self.assertEqual(sorted(row["user"] for row in rows["activities"]), ["Ann MCP", "user #%s" % self.user_b.id])
        self.assertNotIn("Bob", self.texts(rows))
        # Names and logins are looked up only among the users the key may read, literally.
        for user in ("Bob MCP", "mcp_user_b"):
            self.tool_error(self.secret_full, "schedule_activity", dict(schedule, user=user), "user's id")
        self.assertEqual(self.tool_ok(self.secret_full, "schedule_activity", dict(schedule, user="mcp_user_a"))[
            "user"], "Ann MCP", "the key's own user is always known")
        _key, secret = self.key("own user", {"res.partner": {"ops": "read,write"},
                                             "res.users": {"ops": "read", "domain": "[('login', '=', 'mcp_user_a')]"}})
        for user in ("Bob MCP", "%", "B%"):
            self.tool_error(secret, "schedule_activity", dict(schedule, user=user), "No single user")
        self.assertEqual(self.tool_ok(secret, "schedule_activity", dict(schedule, user="ann mcp"))["user"], "Ann MCP")
        self.assertEqual(self.tool_ok(self.secret_sales, "schedule_activity", dict(schedule, user="bob mcp"))["user"],
                         "Bob MCP")
        self.tool_error(self.secret_sales, "schedule_activity", dict(schedule, user="B%"), "No single user")
        rows = self.tool_ok(self.secret_sales, "list_activities", {"model": "res.partner", "id": self.shared.id})
        self.assertIn("Bob MCP", self.texts(rows))

    # ------------------------------------------------------------------
    # Exports: no cell runs as a formula
    # ------------------------------------------------------------------
    def test_export_cells_never_run_as_formulas(self):
        values = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "plain"]
        partners = self.env["res.partner"].create([{"name": v, "company_id": self.company_a.id} for v in values])
        arguments = {"model": "res.partner", "domain": [["id", "in", partners.ids]], "fields": ["name"],
                     "order": "id"}
        result = self.tool_ok(self.secret_full, "export_records", dict(arguments, format="csv"))
        content = base64.b64decode(self.env["mcp.export"].browse(result["export_id"]).data).decode("utf-8-sig")
        cells = [row[0] for row in csv.reader(io.StringIO(content))][1:]
        self.assertEqual(cells, ["'" + v for v in values[:5]] + ["plain"])
        result = self.tool_ok(self.secret_full, "export_records", dict(arguments, format="xlsx"))
        data = base64.b64decode(self.env["mcp.export"].browse(result["export_id"]).data)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        cells = [sheet.cell(row=row, column=1) for row in range(2, 2 + len(values))]
        self.assertEqual([cell.value for cell in cells], values, "kept exactly, as text")
        self.assertEqual({cell.data_type for cell in cells}, {"s"})

    # ------------------------------------------------------------------
    # Bad input answers a tool error, never an internal error
    # ------------------------------------------------------------------
    def test_deeply_nested_domains_are_tool_errors(self):
        # Within the transport's nesting limit (64 levels for the whole body), beyond the domain's own (32).
        nested = ["id", ">", 0]
        for _level in range(20):
            nested = ["parent_id", "any", [nested]]
        for domain in ("[" * 3000, "(" * 3000, '[["parent_id", "any", ' * 600 + "[]" + "]]" * 600, [nested]):
            text = self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": domain},
                                   "domain")
            self.assertTrue("nest" in text or "syntax" in text, text)
        self.tool_error(self.secret_full, "search_count", {"model": "res.partner", "domain": "[" * 3000}, "levels")

    def test_objects_in_aggregate_having_are_tool_errors(self):
        base = {"model": "res.partner", "groupby": ["is_company"], "measures": ["__count"]}
        for having, fragment in (([{"__count": 1}], "[measure, operator, number]"),
                                 ([["__count", ">", {"a": 1}]], "must be a number"),
                                 ([["__count", {"op": ">"}, 1]], "not supported"),
                                 ([["__count", ">", [1, 2]]], "must be a number")):
            self.tool_error(self.secret_full, "aggregate", dict(base, having=having), "having", fragment)
        response = self.mcp(self.secret_full, "tools/call", {"name": "aggregate", "arguments": dict(
            base, having={"__count": {">": 1}})})
        self.assertEqual(response.status_code, 200)
        payload = response.json()
        self.assertNotEqual(payload.get("error", {}).get("code"), -32603, response.text)
        self.assertIn("having", response.text)
        groups = self.tool_ok(self.secret_full, "aggregate", dict(base, having=[["__count", ">", 0]]))["groups"]
        self.assertTrue(groups)
