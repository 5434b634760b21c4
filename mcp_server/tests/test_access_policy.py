"""Adversarial tests of the access policy (default deny): no value outside the policy may leak out."""
import json
from types import SimpleNamespace
from unittest.mock import patch

from odoo.exceptions import MissingError
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
        # country_code is country_id.code: with no res.country rule it follows the res.partner grant.
        row = self.tool_ok(self.secret_full, "read", {
            "model": "res.partner", "ids": [self.acme.id], "fields": ["country_code"]})["records"][0]
        self.assertEqual(row["country_code"], "BE")
        self.assertEqual(self.tool_ok(self.secret_full, "search_count", {
            "model": "res.partner", "domain": [["country_code", "=", "BE"], ["id", "=", self.acme.id]]})["count"], 1)
        schema = self.tool_ok(self.secret_full, "describe_model", {"model": "res.partner"})
        self.assertIn("country_code", schema["fields"])
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
        # The answer says the names are withheld, and for which models.
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": [["id", "=", self.acme.id]], "fields": ["country_id", "company_id"]})
        self.assertIn("Values of res.company, res.country come as ids without names", found["notice"])
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": [["id", "=", self.alice.id]], "fields": ["name", "parent_id"]})
        self.assertNotIn("notice", found)
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
        # A plain attachment of a record in scope is readable by a key that reads the record without a field list.
        note = self.env["ir.attachment"].create({
            "name": "note.txt", "raw": b"hello", "mimetype": "text/plain",
            "res_model": "res.partner", "res_id": self.acme.id})
        self.assertEqual(self.tool_ok(self.secret_full, "read_attachment", {"attachment_id": note.id})["text"],
                         "hello")
        self.assertDenied(self.secret_scoped, self.key_scoped, "read_attachment", {"attachment_id": note.id},
                          "field list")
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


@tagged("post_install", "-at_install")
class TestFieldSideDoors(McpCase):
    """Computed, related, delegated and secret fields, name resolution, ordering and existence checks:
    none of them may carry what the profile refuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.profile_people = cls._make_profile("MCP test persons only", "full", {
            "res.partner": {"ops": "read,write", "domain": "[('is_company', '=', False)]"},
        })
        cls.key_people, cls.secret_people = cls._make_key("persons key", cls.user_a, cls.profile_people)
        cls.alice.write({"street": "1 Rue Secrète", "city": "Liège"})

    def texts(self, structured):
        return json.dumps(structured, ensure_ascii=False)

    def key_for(self, rules, user=None, scope="full"):
        self._profiles = getattr(self, "_profiles", 0) + 1
        profile = self._make_profile("MCP test %s %s" % (", ".join(rules), self._profiles), scope, rules)
        return self._make_key("key %s" % profile.id, user or self.user_a, profile)

    # ------------------------------------------------------------------
    # 7. display_name and computed fields
    # ------------------------------------------------------------------
    def test_computed_fields_do_not_carry_the_company_outside_the_domain(self):
        carol = self.env["res.partner"].create({"name": "Carol Helper", "parent_id": self.alice.id})
        computed = ["display_name", "complete_name", "commercial_company_name", "contact_address"]
        result = self.tool_ok(self.secret_people, "read", {
            "model": "res.partner", "ids": [self.alice.id], "fields": ["name", *computed]})
        self.assertEqual(result["records"], [{"id": self.alice.id, "name": "Alice Acmeworker"}])
        self.assertEqual(set(result["failed_fields"]), set(computed))
        self.assertIn("complete_name", result["failed_fields"]["display_name"])
        self.assertNotIn("Acme Corp", self.texts(result))
        # Default fields and relational labels use the record's own name.
        result = self.tool_ok(self.secret_people, "read", {"model": "res.partner", "ids": [self.alice.id]})
        self.assertNotIn("Acme Corp", self.texts(result))
        row = self.tool_ok(self.secret_people, "read", {
            "model": "res.partner", "ids": [carol.id], "fields": ["parent_id"]})["records"][0]
        self.assertEqual(row["parent_id"], {"id": self.alice.id, "name": "Alice Acmeworker"})
        # Neither a search oracle: display_name matches the own name only, the computed fields are refused.
        self.assertEqual(self.tool_ok(self.secret_people, "search_count", {
            "model": "res.partner", "domain": [["display_name", "ilike", "Acme Corp"]]})["count"], 0)
        self.assertEqual(self.tool_ok(self.secret_people, "name_search", {
            "model": "res.partner", "name": "Acme Corp"})["results"], [])
        self.assertEqual(self.tool_ok(self.secret_people, "name_search", {"model": "res.partner", "name": "Alice"})[
            "results"], [{"id": self.alice.id, "name": "Alice Acmeworker"}])
        for name in ("commercial_company_name", "complete_name"):
            self.assertDenied(self.secret_people, self.key_people, "search_count", {
                "model": "res.partner", "domain": [[name, "ilike", "Acme"]]}, name, "parent_id")
        self.assertDenied(self.secret_people, self.key_people, "search_read", {
            "model": "res.partner", "order": "complete_name"}, "complete_name")
        # A key without the domain reads the full name.
        row = self.tool_ok(self.secret_full, "read", {
            "model": "res.partner", "ids": [self.alice.id], "fields": ["display_name"]})["records"][0]
        self.assertEqual(row["display_name"], "Acme Corp, Alice Acmeworker")

    def test_computed_name_of_a_tag_does_not_carry_its_parent(self):
        Category = self.env["res.partner.category"]
        parent = Category.create({"name": "Secret Parent"})
        kid = Category.create({"name": "Kid", "parent_id": parent.id})
        _key, secret = self.key_for({"res.partner.category": {"ops": "read", "domain": "[('parent_id', '!=', False)]"}})
        result = self.tool_ok(secret, "read", {
            "model": "res.partner.category", "ids": [kid.id], "fields": ["name", "display_name"]})
        self.assertEqual(result["records"], [{"id": kid.id, "name": "Kid"}])
        self.assertIn("display_name", result["failed_fields"])
        self.assertNotIn("Secret", self.texts(result))
        self.assertEqual(self.tool_ok(secret, "search_count", {
            "model": "res.partner.category", "domain": [["display_name", "ilike", "Secret Parent"]]})["count"], 0)
        schema = self.tool_ok(secret, "describe_model", {"model": "res.partner.category"})
        self.assertNotIn("display_name", schema["fields"])
        # The same tag through a key allowed every tag: the full name.
        row = self.tool_ok(self.secret_full, "read", {
            "model": "res.partner.category", "ids": [kid.id], "fields": ["display_name"]})["records"][0]
        self.assertEqual(row["display_name"], "Secret Parent / Kid")

    def test_display_name_of_a_product_needs_its_reference(self):
        if "product.product" not in self.env:
            self.skipTest("product is not installed")
        template = self.env["product.template"].create({"name": "Desk Organizer", "default_code": "FURN_0001"})
        variant = template.product_variant_id
        _key, secret = self.key_for({"product.product": {"ops": "read", "fields": ["name", "list_price"]}},
                                    self.admin)
        result = self.tool_ok(secret, "read", {
            "model": "product.product", "ids": variant.ids, "fields": ["name", "display_name"]})
        self.assertEqual(result["records"], [{"id": variant.id, "name": "Desk Organizer"}])
        self.assertIn("default_code", result["failed_fields"]["display_name"])
        self.assertNotIn("FURN_0001", self.texts(result))

    def test_totals_of_own_lines_stay_readable_under_a_domain(self):
        # amount_total is computed from the order's lines, whose own amounts depend on their order (order_id):
        # the same record, not any order, so a key limited to some orders still reads it.
        if "sale.order" not in self.env:
            self.skipTest("sale is not installed")
        customer = self.env["res.partner"].create({"name": "Totals Customer"})
        order = self.env["sale.order"].create({"partner_id": customer.id})
        _key, secret = self.key_for({"sale.order": {"ops": "read", "domain": "[('partner_id.name', '=', "
                                                                     "'Totals Customer')]"}}, self.admin)
        result = self.tool_ok(secret, "read", {"model": "sale.order", "ids": order.ids,
                                               "fields": ["amount_total", "amount_untaxed", "invoice_status"]})
        self.assertFalse(result.get("failed_fields"), result)
        self.assertEqual(result["records"][0]["amount_total"], 0.0)

    # ------------------------------------------------------------------
    # 8. Related and delegated (_inherits) fields
    # ------------------------------------------------------------------
    def test_delegated_fields_of_users_follow_the_partner_rule(self):
        self.user_b.partner_id.write({"email": "bob@private.example", "phone": "+32 2 222 22 22", "street": "2 Hidden"})
        key, secret = self.key_for({"res.users": {"ops": "read,write"},
                                    "res.partner": {"ops": "read", "fields": ["name"]}}, self.admin)
        for name in ("email", "phone", "street"):
            text = self.assertDenied(secret, key, "read", {"model": "res.users", "ids": self.user_b.ids,
                                                           "fields": [name]}, name, "res.partner", "_inherits")
            self.assertNotIn("private", text)
        self.assertDenied(secret, key, "search_count", {
            "model": "res.users", "domain": [["email", "=", "bob@private.example"]]}, "email", "res.partner")
        self.assertDenied(secret, key, "search_read", {"model": "res.users", "order": "email"}, "email")
        row = self.tool_ok(secret, "read", {"model": "res.users", "ids": self.user_b.ids,
                                            "fields": ["name", "login"]})["records"][0]
        self.assertEqual((row["name"], row["login"]), ("Bob MCP", "mcp_user_b"))
        # Writing a delegated field writes the partner: it needs write on res.partner.
        self.assertDenied(secret, key, "write", {"model": "res.users", "ids": self.user_b.ids,
                                                 "values": {"name": "Renamed"}}, "name", "grant write on res.partner")
        self.user_b.invalidate_recordset()
        self.assertEqual(self.user_b.name, "Bob MCP")
        # Without a res.partner rule, the delegated fields follow the res.users grant.
        _key, secret = self.key_for({"res.users": {"ops": "read,write"}}, self.admin)
        row = self.tool_ok(secret, "read", {"model": "res.users", "ids": self.user_b.ids,
                                            "fields": ["email"]})["records"][0]
        self.assertEqual(row["email"], "bob@private.example")
        self.tool_ok(secret, "write", {"model": "res.users", "ids": self.user_b.ids, "values": {"name": "Bob Renamed"}})
        self.user_b.invalidate_recordset()
        self.assertEqual(self.user_b.name, "Bob Renamed")

    def test_related_fields_follow_the_other_models_rule(self):
        self.company_a.partner_id.email = "ceo@company-a.example"
        key, secret = self.key_for({
            "res.company": {"ops": "read,write"},
            "res.partner": {"ops": "read", "fields": ["name", "country_id", "country_code"]},
            "res.country": {"ops": "read", "fields": ["name"]},
        }, self.admin)
        text = self.assertDenied(secret, key, "read", {"model": "res.company", "ids": self.company_a.ids,
                                                       "fields": ["email"]}, "email", "res.partner", "partner_id.email")
        self.assertNotIn("ceo@", text)
        self.assertDenied(secret, key, "read", {"model": "res.partner", "ids": [self.acme.id],
                                                "fields": ["country_code"]}, "country_code", "res.country")
        self.assertDenied(secret, key, "search_count", {"model": "res.partner",
                                                        "domain": [["country_code", "=", "BE"]]}, "country_code")
        self.assertEqual(self.tool_ok(secret, "read", {"model": "res.company", "ids": self.company_a.ids,
                                                       "fields": ["name"]})["records"][0]["name"],
                         "MCP Test Company A")
        self.assertDenied(secret, key, "write", {"model": "res.company", "ids": self.company_a.ids,
                                                 "values": {"name": "Renamed"}}, "name", "res.partner")
        self.company_a.invalidate_recordset()
        self.assertEqual(self.company_a.name, "MCP Test Company A")

    def test_product_variant_follows_the_template_rule(self):
        if "product.product" not in self.env:
            self.skipTest("product is not installed")
        template = self.env["product.template"].create({"name": "Desk Organizer", "list_price": 5.1})
        variant = template.product_variant_id
        key, secret = self.key_for({"product.product": {"ops": "read,write"},
                                    "product.template": {"ops": "read", "fields": ["name"]}}, self.admin)
        arguments = {"model": "product.product", "ids": variant.ids, "fields": ["list_price"]}
        self.assertDenied(secret, key, "read", arguments, "list_price", "product.template", "_inherits")
        self.assertEqual(self.tool_ok(secret, "read", {"model": "product.product", "ids": variant.ids,
                                                       "fields": ["name"]})["records"][0]["name"], "Desk Organizer")
        self.assertDenied(secret, key, "write", {"model": "product.product", "ids": variant.ids,
                                                 "values": {"name": "Renamed"}}, "grant write on product.template")
        template.invalidate_recordset()
        self.assertEqual(template.name, "Desk Organizer")
        # A key granting only product.product reads the name of its template (issue of the ERP tasks).
        _key, secret = self.key_for({"product.product": {"ops": "read"}}, self.admin, scope="read_only")
        self.assertEqual(self.tool_ok(secret, "read", {"model": "product.product", "ids": variant.ids,
                                                       "fields": ["name"]})["records"][0]["name"], "Desk Organizer")

    # ------------------------------------------------------------------
    # 10. Capability tokens and secrets
    # ------------------------------------------------------------------
    def test_access_tokens_are_never_readable_unless_named(self):
        attachment = self.env["ir.attachment"].create({
            "name": "quote.txt", "raw": b"quote", "res_model": "res.partner", "res_id": self.acme.id})
        token = attachment.generate_access_token()[0]
        key, secret = self.key_for({"ir.attachment": {"ops": "read"}}, scope="read_only")
        self.assertDenied(secret, key, "read", {"model": "ir.attachment", "ids": attachment.ids,
                                                "fields": ["access_token"]}, "access_token", "secret")
        for arguments in ({"model": "ir.attachment", "domain": [["access_token", "=", token]]},
                          {"model": "ir.attachment", "order": "access_token"}):
            self.assertDenied(secret, key, "search_read", arguments, "access_token")
        self.assertDenied(secret, key, "aggregate", {"model": "ir.attachment", "groupby": ["access_token"]},
                          "access_token")
        everything = self.tool_ok(secret, "read", {"model": "ir.attachment", "ids": attachment.ids})
        schema = self.tool_ok(secret, "describe_model", {"model": "ir.attachment"})
        self.assertNotIn(token, self.texts(everything) + self.texts(schema))
        self.assertNotIn("access_token", schema["fields"])
        # A rule that names the field explicitly lets it through.
        _key, secret = self.key_for({"ir.attachment": {"ops": "read", "fields": ["name", "access_token"]}},
                                    scope="read_only")
        row = self.tool_ok(secret, "read", {"model": "ir.attachment", "ids": attachment.ids,
                                            "fields": ["access_token"]})["records"][0]
        self.assertEqual(row["access_token"], token)

    def test_passwords_and_system_fields_are_secrets(self):
        key, secret = self.key_for({"res.users": {"ops": "read,write"}, "res.partner": {"ops": "read"},
                                    "ir.mail_server": {"ops": "read"}}, self.admin)
        for name in ("password", "new_password"):
            self.assertDenied(secret, key, "read", {"model": "res.users", "ids": self.user_b.ids, "fields": [name]},
                              name, "secret")
        self.assertDenied(secret, key, "write", {"model": "res.users", "ids": self.user_b.ids,
                                                 "values": {"password": "owned-by-an-agent"}}, "password")
        self.assertDenied(secret, key, "search_count", {
            "model": "res.partner", "domain": [["user_ids.password", "!=", False]]}, "password")
        # smtp_pass and smtp_user are for base.group_system only.
        for name in ("smtp_pass", "smtp_user"):
            self.assertDenied(secret, key, "read", {"model": "ir.mail_server", "ids": [1], "fields": [name]},
                              name, "secret")
        schema = self.tool_ok(secret, "describe_model", {"model": "ir.mail_server"})
        self.assertFalse({"smtp_pass", "smtp_user"} & set(schema["fields"]))

    def test_sale_order_access_token(self):
        if "sale.order" not in self.env:
            self.skipTest("sale is not installed")
        customer = self.env["res.partner"].create({"name": "Portal Customer"})
        order = self.env["sale.order"].create({"partner_id": customer.id})
        order._portal_ensure_token()
        key, secret = self.key_for({"sale.order": {"ops": "read"}}, self.admin, scope="read_only")
        self.assertDenied(secret, key, "read", {"model": "sale.order", "ids": order.ids, "fields": ["access_token"]},
                          "access_token")
        everything = self.tool_ok(secret, "read", {"model": "sale.order", "ids": order.ids})
        self.assertNotIn(order.access_token, self.texts(everything))

    # ------------------------------------------------------------------
    # 11. Name resolution of relational values
    # ------------------------------------------------------------------
    def test_relational_names_resolve_only_among_readable_records(self):
        dry = {"model": "res.partner", "ids": [self.alice.id], "dry_run": True}
        for name in ("%", "Acme Corp", "Acme%"):
            report = self.tool_ok(self.secret_people, "write", dict(dry, values={"parent_id": name}))
            self.assertFalse(report["would_succeed"])
            self.assertIn("no res.partner named", report["error"])
            self.assertNotIn("Acme Corp (id", report["error"])
            self.assertNotIn("Beta", report["error"])
        twins = self.env["res.partner"].create([{"name": "Sam Twin"}, {"name": "Sam Twin"},
                                                {"name": "Sam Twin", "is_company": True}])
        report = self.tool_ok(self.secret_people, "write", dict(dry, values={"parent_id": "Sam Twin"}))
        self.assertIn("matches several", report["error"])
        self.assertIn("id %s" % twins[0].id, report["error"])
        self.assertIn("id %s" % twins[1].id, report["error"])
        self.assertNotIn("id %s" % twins[2].id, report["error"], "the company is outside the key's domain")

    def test_wildcards_in_names_are_literal(self):
        Category = self.env["res.partner.category"]
        exact, other = Category.create([{"name": "A_B"}, {"name": "AxB"}])
        Category.create({"name": "Hidden Tag"})
        _key, secret = self.key_for({
            "res.partner": {"ops": "read,write"},
            "res.partner.category": {"ops": "read", "domain": "[('name', 'not ilike', 'Hidden')]"}})
        self.tool_ok(secret, "write", {"model": "res.partner", "ids": [self.acme.id],
                                       "values": {"category_id": ["A_B"]}})
        self.assertEqual(self.acme.category_id, exact)
        for name in ("A%", "%", "_xB", "Hidden Tag", "Hidden%"):
            text = self.tool_error(secret, "write", {"model": "res.partner", "ids": [self.acme.id],
                                                     "values": {"category_id": [name]}}, "no res.partner.category")
            self.assertNotIn("(id", text)
        self.assertEqual(self.acme.category_id, exact)
        self.assertTrue(other)

    # ------------------------------------------------------------------
    # 12. Ordering and existence oracles, Odoo's error texts
    # ------------------------------------------------------------------
    def test_sorting_by_a_many2one_needs_its_sort_fields(self):
        key, secret = self.key_for({"res.users": {"ops": "read"}, "res.partner": {"ops": "read", "fields": ["email"]}})
        self.assertDenied(secret, key, "search_read", {"model": "res.users", "fields": ["login"],
                                                       "order": "partner_id asc"}, "partner_id", "complete_name")
        key, secret = self.key_for({"res.partner": {"ops": "read"}, "res.country": {"ops": "read", "fields": ["code"]}})
        self.assertDenied(secret, key, "search_read", {"model": "res.partner", "order": "country_id"}, "country_id")
        _key, secret = self.key_for({"res.partner": {"ops": "read"}, "res.country": {"ops": "read"}})
        self.tool_ok(secret, "search_read", {"model": "res.partner", "order": "country_id", "fields": ["name"]})

    def test_default_order_uses_only_readable_fields(self):
        Partner = self.env["res.partner"]
        zeta, alpha = Partner.create([{"name": "Zeta Holding", "is_company": True},
                                      {"name": "Alpha Holding", "is_company": True}])
        zed = Partner.create({"name": "Zed Worker", "parent_id": alpha.id})
        al = Partner.create({"name": "Al Worker", "parent_id": zeta.id})
        arguments = {"model": "res.partner", "domain": [["id", "in", [zed.id, al.id]]], "fields": ["name"]}
        # The default order (complete_name) sorts persons by their company's name: the persons key sorts by id.
        found = self.tool_ok(self.secret_full, "search_read", arguments)["records"]
        self.assertEqual([r["id"] for r in found], [zed.id, al.id])
        found = self.tool_ok(self.secret_people, "search_read", arguments)["records"]
        self.assertEqual([r["id"] for r in found], [al.id, zed.id])
        # Users sort by name then login; a key that may not read names sorts by login only.
        users = self.env["res.users"].create([{"name": "Aaa MCP", "login": "zz_mcp_first"},
                                              {"name": "Zzz MCP", "login": "aa_mcp_second"}])
        _key, secret = self.key_for({"res.users": {"ops": "read"}, "res.partner": {"ops": "read", "fields": ["email"]}})
        found = self.tool_ok(secret, "search_read", {"model": "res.users", "domain": [["id", "in", users.ids]],
                                                     "fields": ["login"]})["records"]
        self.assertEqual([r["login"] for r in found], ["aa_mcp_second", "zz_mcp_first"])

    def test_funnel_orders_hidden_stages_by_id(self):
        Partner = self.env["res.partner"]
        zeta, alpha = Partner.create([{"name": "Zeta Funnel", "is_company": True},
                                      {"name": "Alpha Funnel", "is_company": True}])
        Partner.create([{"name": "Zed Lead", "parent_id": zeta.id}, {"name": "Al Lead", "parent_id": alpha.id}])
        arguments = {"model": "res.partner", "stage_field": "parent_id",
                     "domain": [["parent_id", "in", [zeta.id, alpha.id]]]}
        stages = self.tool_ok(self.secret_full, "funnel", arguments)["stages"]
        self.assertEqual([s["stage"] for s in stages], [alpha.id, zeta.id], "a key that reads names sorts by name")
        stages = self.tool_ok(self.secret_people, "funnel", arguments)["stages"]
        self.assertEqual([s["stage"] for s in stages], [zeta.id, alpha.id])
        self.assertNotIn("Funnel", self.texts(stages))
        # Countries are not in the full profile: their names do not order the stages either.
        switzerland, sweden = self.env.ref("base.ch"), self.env.ref("base.se")
        Partner.create([{"name": "Swiss Lead", "country_id": switzerland.id},
                        {"name": "Swedish Lead", "country_id": sweden.id}])
        stages = self.tool_ok(self.secret_full, "funnel", {
            "model": "res.partner", "stage_field": "country_id",
            "domain": [["name", "in", ["Swiss Lead", "Swedish Lead"]]]})["stages"]
        self.assertEqual([s["stage"] for s in stages], sorted([switzerland.id, sweden.id]))

    def test_existence_checks_follow_record_rules(self):
        # Company B and its partner Beta exist, but user A's record rules hide them: same answer as a missing id.
        for field, hidden in (("company_id", self.company_b.id), ("parent_id", self.beta.id)):
            answers = []
            for value in (hidden, 999999):
                text = self.tool_error(self.secret_full, "write", {
                    "model": "res.partner", "ids": [self.alice.id], "values": {field: value}})
                answers.append(text.replace(str(value), "N"))
            self.assertEqual(answers[0], answers[1])
            self.assertNotIn("Beta", answers[0])
            self.assertNotIn("Company B", answers[0])
        row = self.tool_ok(self.secret_full, "read", {"model": "res.partner", "ids": [self.acme.id],
                                                      "fields": ["company_id"]})["records"][0]
        self.assertEqual(row["company_id"], {"id": self.company_a.id})

    def test_odoo_error_texts_name_no_records(self):
        # A user of the debug-mode group, in a debug session (?debug=1), gets record names in Odoo's access errors.
        self.user_a.groups_id += self.env.ref("base.group_no_one")
        debug_request = SimpleNamespace(session=SimpleNamespace(debug="1"))
        with patch("odoo.addons.base.models.res_users.request", debug_request):
            error = self.env["ir.rule"].with_user(self.user_a)._make_access_error("read", self.beta)
        self.assertIn("Beta Industries", error.args[0])
        registry = self.env["mcp.tool.registry"]
        message, status = registry._failure(error)
        self.assertEqual(status, "denied")
        self.assertNotIn("Beta Industries", message)
        self.assertIn("res.partner", message)
        missing = self.env["res.partner"].browse(999999)
        try:
            missing.name  # noqa: B018 - raises MissingError
        except MissingError as exc:
            message, _status = registry._failure(exc)
        self.assertNotIn("999999", message)


@tagged("post_install", "-at_install")
class TestHierarchyOperators(McpCase):
    """child_of and parent_of follow the parent field of every record of a hierarchy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile_names = cls._make_profile("MCP test names only", "full", {
            "res.partner": {"ops": "read", "fields": ["name", "email"]},
        })
        cls.key_names, cls.secret_names = cls._make_key("names key", cls.user_a, cls.profile_names)
        cls.profile_people = cls._make_profile("MCP test people only", "full", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', False)]"},
        })
        cls.key_people, cls.secret_people = cls._make_key("people key", cls.user_a, cls.profile_people)

    def test_child_of_needs_the_parent_field(self):
        # parent_id is outside the field list: who belongs to Acme must not be found through child_of.
        for operator, ids in (("child_of", [self.acme.id]), ("parent_of", [self.alice.id])):
            text = self.assertDenied(self.secret_names, self.key_names, "search_read", {
                "model": "res.partner", "fields": ["name"], "domain": [["id", operator, ids]]}, "parent_id", "filter")
            self.assertNotIn("Alice", text)
        # A key that may filter by parent_id finds them.
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "fields": ["name"], "domain": [["id", "child_of", [self.acme.id]]]})
        self.assertEqual({r["id"] for r in found["records"]}, {self.acme.id, self.alice.id})

    def test_hierarchy_walk_through_records_outside_the_domain(self):
        # The people key may not see companies: parent_of would walk from Alice up to Acme.
        self.assertDenied(self.secret_people, self.key_people, "search_count", {
            "model": "res.partner", "domain": [["id", "parent_of", [self.alice.id]]]}, "hierarchy", "filter by id")
        self.assertDenied(self.secret_people, self.key_people, "search_count", {
            "model": "res.partner", "domain": [["parent_id.id", "child_of", [self.acme.id]]]}, "hierarchy")
        # Plain id filters stay available.
        found = self.tool_ok(self.secret_people, "search_count", {
            "model": "res.partner", "domain": [["id", "in", [self.alice.id, self.acme.id]]]})
        self.assertEqual(found["count"], 1)
