"""Adversarial tests of the access policy (default deny): no value outside the policy may leak out."""
import json

from odoo.tests import tagged

from .common import McpCase


@tagged("post_install", "-at_install")
class TestAccessPolicy(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.belgium = cls.env.ref("base.be")
        cls.acme.country_id = cls.belgium
        # Persons only, every field: the companies they belong to are out of reach.
        cls.profile_people = cls._make_profile("MCP test people", "full", {
            "res.partner": {"ops": "read,write", "domain": "[('is_company', '=', False)]"},
        })
        cls.key_people, cls.secret_people = cls._make_key("people key", cls.user_a, cls.profile_people)

    def texts(self, structured):
        return json.dumps(structured, ensure_ascii=False)

    # ------------------------------------------------------------------
    # Fields: read, filter, sort, group
    # ------------------------------------------------------------------
    def test_forbidden_field_in_fields(self):
        for tool, arguments in (
            ("search_read", {"model": "res.partner", "fields": ["name", "email"]}),
            ("read", {"model": "res.partner", "ids": [self.acme.id], "fields": ["email"]}),
            ("describe_model", {"model": "res.partner", "fields": ["email"]}),
        ):
            text = self.assertDenied(self.secret_scoped, self.key_scoped, tool, arguments, "email")
            self.assertNotIn("contact@acme.example", text)

    def test_forbidden_field_in_domain(self):
        for tool in ("search_read", "search_count"):
            self.assertDenied(self.secret_scoped, self.key_scoped, tool, {
                "model": "res.partner", "domain": [["email", "ilike", "acme"]]}, "email", "filter")
        self.assertDenied(self.secret_scoped, self.key_scoped, "name_search", {
            "model": "res.partner", "name": "Acme", "domain": [["email", "=like", "c%"]]}, "email")
        # Negations and nested operators are checked too.
        self.assertDenied(self.secret_scoped, self.key_scoped, "search_count", {
            "model": "res.partner", "domain": ["!", "|", ["name", "=", "x"], ["email", "=", "y"]]}, "email")

    def test_forbidden_field_in_order(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "search_read", {
            "model": "res.partner", "order": "name, email desc"}, "email", "sort")
        self.tool_error(self.secret_scoped, "search_read", {"model": "res.partner", "order": "name; DROP TABLE x"},
                        "Invalid order")

    def test_forbidden_field_in_groupby(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "aggregate", {
            "model": "res.partner", "groupby": ["email"]}, "email")

    def test_display_name_search_does_not_reach_other_fields(self):
        # Odoo's partner name search also matches emails: with a field allowlist only the name is matched.
        found = self.tool_ok(self.secret_scoped, "search_read", {
            "model": "res.partner", "domain": [["display_name", "ilike", "contact@acme"]]})
        self.assertEqual(found["records"], [])
        found = self.tool_ok(self.secret_scoped, "name_search", {"model": "res.partner", "name": "contact@acme"})
        self.assertEqual(found["results"], [])
        found = self.tool_ok(self.secret_scoped, "name_search", {"model": "res.partner", "name": "Acme"})
        self.assertEqual([r["id"] for r in found["results"]], [self.acme.id])

    # ------------------------------------------------------------------
    # Dotted paths and any
    # ------------------------------------------------------------------
    def test_dotted_path_to_forbidden_field(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "search_read", {
            "model": "res.partner", "domain": [["child_ids.email", "ilike", "alice"]]}, "email")
        self.assertDenied(self.secret_scoped, self.key_scoped, "search_count", {
            "model": "res.partner", "domain": [["parent_id.email", "=", "contact@acme.example"]]}, "email")

    def test_any_operator_to_forbidden_field(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "search_count", {
            "model": "res.partner", "domain": [["child_ids", "any", [["email", "ilike", "alice"]]]]}, "email")
        self.assertDenied(self.secret_scoped, self.key_scoped, "search_count", {
            "model": "res.partner",
            "domain": "[('child_ids', 'not any', [('parent_id.email', '!=', False)])]"}, "email")

    def test_dotted_path_does_not_reach_records_outside_the_domain(self):
        # Alice (a person) is outside the companies-only domain: Acme must not be found through her.
        arguments = {"model": "res.partner", "domain": [["child_ids.name", "ilike", "Alice"]]}
        self.assertEqual(self.tool_ok(self.secret_scoped, "search_count", arguments)["count"], 0)
        self.assertEqual(self.tool_ok(self.secret_scoped, "search_read", arguments)["records"], [])
        arguments["domain"] = [["child_ids", "any", [["name", "=", "Alice Acmeworker"]]]]
        self.assertEqual(self.tool_ok(self.secret_scoped, "search_count", arguments)["count"], 0)
        # Same question, a key that may see persons: found.
        self.assertEqual(self.tool_ok(self.secret_full, "search_count", arguments)["count"], 1)
        # And the other way round: persons of a company the people key may not see.
        self.assertEqual(self.tool_ok(self.secret_people, "search_count", {
            "model": "res.partner", "domain": [["parent_id.name", "=", "Acme Corp"]]})["count"], 0)

    def test_dotted_path_to_model_not_in_policy(self):
        self.assertDenied(self.secret_full, self.key_full, "search_count", {
            "model": "res.partner", "domain": [["country_id.code", "=", "BE"]]}, "res.country")
        self.assertDenied(self.secret_full, self.key_full, "search_read", {
            "model": "res.partner", "domain": [["user_ids.login", "=", "admin"]]}, "res.users")

    # ------------------------------------------------------------------
    # Related fields and relational values
    # ------------------------------------------------------------------
    def test_related_field_reaching_model_not_in_policy(self):
        # country_code is country_id.code: res.country is not in the full profile.
        self.assertDenied(self.secret_full, self.key_full, "read", {
            "model": "res.partner", "ids": [self.acme.id], "fields": ["country_code"]}, "country_code")
        self.assertDenied(self.secret_full, self.key_full, "search_count", {
            "model": "res.partner", "domain": [["country_code", "=", "BE"]]}, "country_code")
        schema = self.tool_ok(self.secret_full, "describe_model", {"model": "res.partner"})
        self.assertNotIn("country_code", schema["fields"])
        self.assertIn("email", schema["fields"])

    def test_related_field_reaching_records_outside_the_domain(self):
        # parent_name is parent_id.name: the parents (companies) are outside the people key's domain.
        self.assertDenied(self.secret_people, self.key_people, "read", {
            "model": "res.partner", "ids": [self.alice.id], "fields": ["parent_name"]}, "parent_name")
        self.assertDenied(self.secret_people, self.key_people, "search_count", {
            "model": "res.partner", "domain": [["parent_name", "ilike", "Acme"]]}, "parent_name")

    def test_many2one_label_only_when_readable(self):
        row = self.tool_ok(self.secret_full, "read", {
            "model": "res.partner", "ids": [self.acme.id], "fields": ["country_id", "company_id"]})["records"][0]
        self.assertEqual(row["country_id"], {"id": self.belgium.id}, "res.country is not in the policy")
        self.assertEqual(row["company_id"], {"id": self.company_a.id})
        row = self.tool_ok(self.secret_people, "read", {
            "model": "res.partner", "ids": [self.alice.id], "fields": ["parent_id", "commercial_partner_id"]}
        )["records"][0]
        self.assertEqual(row["parent_id"], {"id": self.acme.id}, "Acme is outside the people key's domain")
        self.assertNotIn("Acme", self.texts(row))
        row = self.tool_ok(self.secret_full, "read", {
            "model": "res.partner", "ids": [self.alice.id], "fields": ["parent_id"]})["records"][0]
        self.assertEqual(row["parent_id"], {"id": self.acme.id, "name": "Acme Corp"})

    def test_name_filters_and_sorting_on_hidden_relations(self):
        self.assertDenied(self.secret_people, self.key_people, "search_count", {
            "model": "res.partner", "domain": [["parent_id", "ilike", "Acme"]]}, "by id")
        self.assertDenied(self.secret_people, self.key_people, "search_read", {
            "model": "res.partner", "order": "parent_id"}, "parent_id")
        self.assertDenied(self.secret_full, self.key_full, "search_read", {
            "model": "res.partner", "order": "country_id desc"}, "country_id")
        # By id it works.
        self.assertEqual(self.tool_ok(self.secret_people, "search_count", {
            "model": "res.partner", "domain": [["parent_id", "=", self.acme.id]]})["count"], 1)

    # ------------------------------------------------------------------
    # Records outside the domain
    # ------------------------------------------------------------------
    def test_ids_outside_the_domain(self):
        text = self.assertDenied(self.secret_scoped, self.key_scoped, "read", {
            "model": "res.partner", "ids": [self.acme.id, self.alice.id]}, str(self.alice.id))
        self.assertNotIn("Alice", text)
        self.assertNotIn(str(self.acme.id) + ",", text)
        # A missing id gets the same answer as an id outside the domain.
        missing = self.assertDenied(self.secret_scoped, self.key_scoped, "read", {
            "model": "res.partner", "ids": [999999]})
        self.assertEqual(missing.replace("999999", "X"), text.replace(str(self.alice.id), "X"))
        search = self.tool_ok(self.secret_scoped, "search_read", {
            "model": "res.partner", "domain": [["id", "in", [self.acme.id, self.alice.id]]], "fields": ["name"]})
        self.assertEqual([r["id"] for r in search["records"]], [self.acme.id])
        self.assertEqual(self.tool_ok(self.secret_scoped, "search_count", {
            "model": "res.partner", "domain": [["id", "=", self.alice.id]]})["count"], 0)

    def test_write_moving_a_record_out_of_the_domain_is_refused(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "write", {
            "model": "res.partner", "ids": [self.acme.id], "values": {"is_company": False, "city": "Namur"}},
            "outside")
        self.acme.invalidate_recordset()
        self.assertTrue(self.acme.is_company)
        self.assertEqual(self.acme.city, "Liège", "nothing of the refused write may stay")
        # Inside the domain a write works.
        self.tool_ok(self.secret_scoped, "write", {
            "model": "res.partner", "ids": [self.acme.id], "values": {"city": "Namur"}})
        self.acme.invalidate_recordset()
        self.assertEqual(self.acme.city, "Namur")

    def test_write_outside_the_domain_or_allowlist_is_refused(self):
        city = self.alice.city
        self.assertDenied(self.secret_scoped, self.key_scoped, "write", {
            "model": "res.partner", "ids": [self.alice.id], "values": {"city": "Paris"}}, str(self.alice.id))
        self.assertDenied(self.secret_scoped, self.key_scoped, "write", {
            "model": "res.partner", "ids": [self.acme.id], "values": {"email": "pwned@evil.example"}}, "email")
        self.env.invalidate_all()
        self.assertEqual(self.alice.city, city)
        self.assertNotEqual(city, "Paris")
        self.assertEqual(self.acme.email, "contact@acme.example")

    def test_create_outside_the_domain_is_refused(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "create", {
            "model": "res.partner", "values": {"name": "Solo Person", "is_company": False}}, "outside")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Solo Person")]))
        created = self.tool_ok(self.secret_scoped, "create", {
            "model": "res.partner", "values": {"name": "Solo Company", "is_company": True}})
        self.assertEqual(self.env["res.partner"].browse(created["id"]).name, "Solo Company")

    def test_unlink_outside_the_domain_is_refused(self):
        self.assertDenied(self.secret_scoped, self.key_scoped, "unlink", {
            "model": "res.partner", "ids": [self.alice.id]}, str(self.alice.id))
        self.assertTrue(self.alice.exists())

    # ------------------------------------------------------------------
    # Models and operations
    # ------------------------------------------------------------------
    def test_models_not_listed(self):
        for tool, arguments in (
            ("search_read", {"model": "res.users", "fields": ["login"]}),
            ("read", {"model": "res.users", "ids": [self.user_a.id]}),
            ("search_count", {"model": "res.country"}),
            ("name_search", {"model": "res.users", "name": "admin"}),
            ("describe_model", {"model": "ir.config_parameter"}),
            ("create", {"model": "res.users", "values": {"name": "Evil", "login": "evil"}}),
            ("write", {"model": "res.users", "ids": [self.user_a.id], "values": {"name": "Evil"}}),
            ("unlink", {"model": "res.users", "ids": [self.user_a.id]}),
        ):
            self.assertDenied(self.secret_full, self.key_full, tool, arguments, "not allowed")
        self.assertEqual(self.user_a.name, "Ann MCP")
        models = self.tool_ok(self.secret_full, "list_models")["models"]
        self.assertEqual({m["model"] for m in models}, {"res.partner", "res.partner.category"})

    def test_operation_not_allowed_on_listed_model(self):
        tag = self.env["res.partner.category"].create({"name": "Prospect"})
        self.assertDenied(self.secret_full, self.key_full, "write", {
            "model": "res.partner.category", "ids": [tag.id], "values": {"name": "Hacked"}},
            "Operation 'write' on 'res.partner.category' is not allowed")
        self.assertDenied(self.secret_full, self.key_full, "unlink", {
            "model": "res.partner.category", "ids": [tag.id]}, "unlink")
        tag.invalidate_recordset()
        self.assertEqual(tag.name, "Prospect")

    def test_read_only_scope_hides_and_refuses_writes(self):
        names = self.tool_names(self.secret_read)
        self.assertTrue({"search_read", "read", "list_models"} <= names)
        self.assertFalse({"create", "write", "unlink"} & names)
        self.assertDenied(self.secret_read, self.key_read, "create", {
            "model": "res.partner", "values": {"name": "Sneaky"}}, "not available")
        self.assertDenied(self.secret_read, self.key_read, "unlink", {
            "model": "res.partner", "ids": [self.acme.id]}, "not available")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Sneaky")]))
        self.assertTrue(self.acme.exists())
        models = self.tool_ok(self.secret_read, "list_models")["models"]
        self.assertEqual(models[0]["operations"], ["read"])

    def test_key_without_profile_reaches_nothing(self):
        catalog = self.env["mcp.tool.registry"]._catalog()
        names = self.tool_names(self.secret_none)
        self.assertTrue(names, "tools needing no model operation stay listed")
        self.assertEqual([name for name in names if catalog[name].operation is not None], [])
        self.assertFalse({"list_models", "search_read", "read", "create"} & names)
        result = self.call_tool(self.secret_none, "list_models")
        if not result["isError"]:
            self.assertEqual(result["structuredContent"]["models"], [])
        self.assertDenied(self.secret_none, self.key_none, "search_read", {"model": "res.partner"})
        resources = self.rpc(self.secret_none, "resources/list")["resources"]
        self.assertFalse([r for r in resources if r["uri"].startswith("odoo://model/")])
        error = self.rpc_error(self.secret_none, "resources/read", {
            "uri": "odoo://record/res.partner/%s" % self.acme.id})
        self.assertEqual(error["code"], -32002)
        completion = self.rpc(self.secret_none, "completion/complete", {
            "ref": {"type": "ref/prompt", "name": "explore_model"}, "argument": {"name": "model", "value": "res"}})
        self.assertEqual(completion["completion"]["values"], [])

    # ------------------------------------------------------------------
    # Odoo's own rules and companies
    # ------------------------------------------------------------------
    def test_odoo_record_rules_still_apply(self):
        # User B (company B) has the same full profile, yet cannot see company A's partners.
        found = self.tool_ok(self.secret_b, "search_read", {
            "model": "res.partner", "domain": [["name", "in", ["Acme Corp", "Beta Industries"]]], "fields": ["name"]})
        self.assertEqual([r["name"] for r in found["records"]], ["Beta Industries"])
        self.assertEqual(self.tool_ok(self.secret_b, "search_count", {
            "model": "res.partner", "domain": [["id", "=", self.acme.id]]})["count"], 0)
        self.assertDenied(self.secret_b, self.key_b, "read", {"model": "res.partner", "ids": [self.acme.id]})
        found = self.tool_ok(self.secret_b, "name_search", {"model": "res.partner", "name": "Acme"})
        self.assertEqual(found["results"], [])
        # User B is a plain employee: Odoo's access rights refuse the write even though the profile allows it.
        self.assertDenied(self.secret_b, self.key_b, "write", {
            "model": "res.partner", "ids": [self.beta.id], "values": {"city": "Gent"}})
        self.beta.invalidate_recordset()
        self.assertFalse(self.beta.city)

    def test_companies_outside_the_users_companies_are_refused(self):
        for context in ({"allowed_company_ids": [self.company_a.id]}, {"company_id": self.company_a.id},
                        {"allowed_company_ids": [self.company_b.id, self.company_a.id]}):
            self.assertDenied(self.secret_b, self.key_b, "search_read", {
                "model": "res.partner", "domain": [["id", "=", self.acme.id]], "context": context},
                str(self.company_a.id))
        found = self.tool_ok(self.secret_b, "search_count", {
            "model": "res.partner", "domain": [["id", "=", self.beta.id]],
            "context": {"allowed_company_ids": [self.company_b.id]}})
        self.assertEqual(found["count"], 1)

    # ------------------------------------------------------------------
    # Other tools reaching the same data
    # ------------------------------------------------------------------
    def test_attachment_of_a_forbidden_binary_field(self):
        # image_1920 is not in the scoped key's allowlist: its attachment must not be readable either.
        self.acme.image_1920 = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
        attachment = self.env["ir.attachment"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id), ("res_field", "=", "image_1920")])
        self.assertTrue(attachment)
        self.assertDenied(self.secret_scoped, self.key_scoped, "read_attachment", {"attachment_id": attachment.id})
        # A plain attachment of a record in scope is readable.
        note = self.env["ir.attachment"].create({
            "name": "note.txt", "raw": b"hello", "mimetype": "text/plain",
            "res_model": "res.partner", "res_id": self.acme.id})
        self.assertEqual(self.tool_ok(self.secret_scoped, "read_attachment", {"attachment_id": note.id})["text"],
                         "hello")
        # ... but not one of a record outside the domain.
        note.res_id = self.alice.id
        self.assertDenied(self.secret_scoped, self.key_scoped, "read_attachment", {"attachment_id": note.id})

    def test_report_on_a_model_with_a_field_allowlist(self):
        # A report prints whatever its template shows, beyond the fields the key may read.
        admin = self.env.ref("base.user_admin")
        profile = self._make_profile("MCP test modules", "read_only", {
            "ir.module.module": {"ops": "read", "fields": ["name"]}})
        _key, secret = self._make_key("module names", admin, profile)
        module = self.env["ir.module.module"].search([("name", "=", "base")])
        result = self.call_tool(secret, "render_report", {"report": "base.report_irmodulereference",
                                                          "ids": module.ids})
        self.assertTrue(result["isError"], "the report would show fields outside the allowlist")
        self.assertEqual(self.last_audit(_key).status, "denied")

    def test_aggregate_order_does_not_reveal_hidden_names(self):
        zeta, alpha = self.env["res.partner"].create([
            {"name": "Zeta Holding", "is_company": True}, {"name": "Alpha Holding", "is_company": True}])
        self.env["res.partner"].create([{"name": "Zed Worker", "parent_id": zeta.id},
                                        {"name": "Al Worker", "parent_id": alpha.id}])
        arguments = {"model": "res.partner", "groupby": ["parent_id"],
                     "domain": [["name", "in", ["Zed Worker", "Al Worker"]]]}
        groups = self.tool_ok(self.secret_people, "aggregate", arguments)["groups"]
        self.assertEqual({g["parent_id"]["id"] for g in groups}, {zeta.id, alpha.id})
        self.assertNotIn("Holding", self.texts(groups))
        # Sorting the groups by the companies' names would reveal their alphabetical order.
        self.assertDenied(self.secret_people, self.key_people, "aggregate", dict(arguments, order="parent_id asc"),
                          "parent_id")
        groups = self.tool_ok(self.secret_people, "aggregate", dict(arguments, order="__count desc"))["groups"]
        self.assertEqual(len(groups), 2)
