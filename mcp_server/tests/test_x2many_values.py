"""x2many writes: Odoo's commands, the explicit object form, plain lists (set), nested lines under the policy."""
from odoo.tests import tagged

from .common import McpCase


@tagged("post_install", "-at_install")
class TestX2manyValues(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tag = cls.env["res.partner.category"]
        cls.tag_design = Tag.create({"name": "Design"})
        cls.tag_vip = Tag.create({"name": "Key account"})
        cls.tag_old = Tag.create({"name": "Dormant"})
        cls.profile_lines = cls._make_profile("MCP test lines", "full", {
            "res.partner": {"ops": "read,create,write"},
            "res.partner.category": {"ops": "read"},
            "res.partner.bank": {"ops": "read,create,write", "fields": ["acc_number", "partner_id", "bank_id"]},
        })
        cls.key_lines, cls.secret_lines = cls._make_key("lines key", cls.user_a, cls.profile_lines)

    def tool_ok(self, *args):
        result = super().tool_ok(*args)
        self.env.invalidate_all()  # the request wrote through its own environment
        return result

    def write(self, secret, record, values, **extra):
        return self.tool_ok(secret, "write", dict(extra, model=record._name, ids=record.ids, values=values))

    def test_tags_added_and_removed_one_at_a_time(self):
        self.acme.category_id = self.tag_old
        # "Add the tag Design": Odoo's link command, by id, and the object form, by name.
        self.write(self.secret_full, self.acme, {"category_id": [[4, self.tag_design.id]]})
        self.assertEqual(self.acme.category_id, self.tag_old | self.tag_design)
        self.write(self.secret_full, self.acme, {"category_id": {"add": ["Key account"], "remove": ["Dormant"]}})
        self.assertEqual(self.acme.category_id, self.tag_design | self.tag_vip)
        self.write(self.secret_full, self.acme, {"category_id": [[3, self.tag_design.id]]})
        self.assertEqual(self.acme.category_id, self.tag_vip)
        # A plain list keeps Odoo's meaning: it replaces the set.
        self.write(self.secret_full, self.acme, {"category_id": ["Dormant", self.tag_design.id]})
        self.assertEqual(self.acme.category_id, self.tag_old | self.tag_design)
        self.write(self.secret_full, self.acme, {"category_id": {"set": [self.tag_vip.id]}})
        self.assertEqual(self.acme.category_id, self.tag_vip)
        self.write(self.secret_full, self.acme, {"category_id": [[6, 0, ["Design"]], [5]]})
        self.assertFalse(self.acme.category_id)

    def test_descriptions_say_a_plain_list_replaces(self):
        tools = {tool["name"]: tool for tool in self.rpc(self.secret_full, "tools/list")["tools"]}
        for name in ("create", "write", "batch"):
            self.assertIn("plain list", tools[name]["description"], name)
            self.assertIn('"add"', tools[name]["description"], name)
        self.assertIn("REPLACES", tools["write"]["inputSchema"]["properties"]["values"]["description"])

    def test_names_in_commands_are_resolved_and_ambiguity_listed(self):
        self.env["res.partner.category"].create({"name": "Design studio"})
        self.write(self.secret_full, self.acme, {"category_id": {"add": ["Design"]}})  # exact name wins
        self.assertEqual(self.acme.category_id, self.tag_design)
        self.env["res.partner.category"].create({"name": "design"})
        text = self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id],
                                                           "values": {"category_id": {"add": ["Design"]}}},
                               "several", "give the id")
        self.assertIn("(id %s)" % self.tag_design.id, text)
        text = self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id], "values": {
            "child_ids": {"create": [{"name": "Kid", "category_id": ["Design"]}]}}}, "child_ids, line 1", "several")
        self.assertIn("(id %s)" % self.tag_design.id, text)
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id], "values": {
            "category_id": {"append": [1]}}}, "append", "add, ", "remove")
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id], "values": {
            "category_id": [[1, self.tag_design.id]]}}, "incomplete")
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id], "values": {
            "category_id": "Design"}}, "takes a list")

    def test_one2many_lines_created_updated_and_deleted_in_one_call(self):
        created = self.tool_ok(self.secret_full, "create", {"model": "res.partner", "values": {
            "name": "Gamma SA", "is_company": True, "category_id": {"add": ["Design"]},
            "child_ids": [{"name": "Gil Gamma", "email": "gil@gamma.example", "category_id": ["Key account"]},
                          {"name": "Gia Gamma"}]}})
        gamma = self.env["res.partner"].browse(created["id"])
        self.assertEqual(sorted(gamma.child_ids.mapped("name")), ["Gia Gamma", "Gil Gamma"])
        gil = gamma.child_ids.filtered(lambda p: p.name == "Gil Gamma")
        self.assertEqual(gil.category_id, self.tag_vip)
        gia = gamma.child_ids - gil
        self.write(self.secret_full, gamma, {"child_ids": {
            "update": [{"id": gil.id, "email": "gil@gamma.test"}], "create": [{"name": "Gus Gamma"}],
            "remove": [gia.id]}})
        self.assertEqual(gil.email, "gil@gamma.test")
        self.assertEqual(sorted(gamma.child_ids.mapped("name")), ["Gil Gamma", "Gus Gamma"])
        self.assertFalse(gia.parent_id)
        # A line of another record cannot be updated through this one.
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [gamma.id], "values": {
            "child_ids": [[1, self.alice.id, {"name": "Hijacked"}]]}}, "is not a line of")
        self.assertEqual(self.alice.name, "Alice Acmeworker")
        # A nested value is converted like a top-level one: bad lines say which line and why.
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [gamma.id], "values": {
            "child_ids": {"create": [{"name": "Ok"}, {"nmae": "typo"}]}}}, "child_ids, line 2", "nmae")
        self.assertEqual(len(gamma.child_ids), 2)

    def test_policy_applies_to_the_line_model(self):
        partner = self.env["res.partner"].create({"name": "Lines Ltd", "is_company": True})
        # Operation on the line model: bank accounts may be created; tags may not.
        self.write(self.secret_lines, partner, {"bank_ids": [{"acc_number": "BE71 0961 2345 6769"}]})
        self.assertEqual(partner.bank_ids.acc_number, "BE71 0961 2345 6769")
        self.assertDenied(self.secret_lines, self.key_lines, "write", {
            "model": "res.partner", "ids": [partner.id], "values": {"category_id": {"create": [{"name": "New"}]}}},
            "category_id, line 1", "create", "res.partner.category")
        # Field allowlist on the line model.
        self.assertDenied(self.secret_lines, self.key_lines, "write", {
            "model": "res.partner", "ids": [partner.id], "values": {"bank_ids": {"update": [
                {"id": partner.bank_ids.id, "allow_out_payment": True}]}}}, "allow_out_payment", "res.partner.bank")
        # Deleting a line needs unlink on the line model.
        self.assertDenied(self.secret_lines, self.key_lines, "write", {
            "model": "res.partner", "ids": [partner.id], "values": {"bank_ids": [[2, partner.bank_ids.id]]}},
            "unlink", "res.partner.bank")
        for emptied in (None, [], [[5]]):  # emptying the lines deletes them (they cannot exist alone)
            self.assertDenied(self.secret_lines, self.key_lines, "write", {
                "model": "res.partner", "ids": [partner.id], "values": {"bank_ids": emptied}}, "unlink")
        self.assertEqual(len(partner.bank_ids), 1)
        # Record domain on the line model: the scoped key reaches companies only, so a contact line is refused.
        company = self.env["res.partner"].create({"name": "Scoped Co", "is_company": True})
        self.assertDenied(self.secret_scoped, self.key_scoped, "write", {
            "model": "res.partner", "ids": [company.id], "values": {"child_ids": {"create": [{"name": "A person"}]}}},
            "outside the records")
        self.assertFalse(company.child_ids)
        self.write(self.secret_scoped, company, {"child_ids": {"create": [{"name": "Sub Co", "is_company": True}]}})
        self.assertEqual(company.child_ids.name, "Sub Co")

    def test_dry_run_shows_the_lines(self):
        report = self.tool_ok(self.secret_full, "create", {"model": "res.partner", "dry_run": True, "values": {
            "name": "Delta NV", "is_company": True, "child_ids": [{"name": "Dirk Delta", "email": "d@delta.example"}],
            "category_id": {"add": ["Design"]}}})
        self.assertTrue(report["would_succeed"])
        change = report["changes"][0]
        self.assertEqual([(line["display_name"], line["email"]) for line in change["lines"]["child_ids"]],
                         [("Delta NV, Dirk Delta", "d@delta.example")])
        self.assertEqual(change["lines"]["category_id"][0]["display_name"], "Design")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Delta NV")]))
        report = self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id],
                                                          "dry_run": True, "values": {"child_ids": {"update": [
                                                              {"id": self.alice.id, "city": "Namur"}]}}})
        lines = report["changes"][-1]["lines"]["child_ids"]
        self.assertEqual([(line["id"], line["city"]) for line in lines], [(self.alice.id, "Namur")])
        self.alice.invalidate_recordset()
        self.assertNotEqual(self.alice.city, "Namur")
