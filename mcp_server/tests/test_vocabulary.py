"""Business vocabulary: terms per company, resolve_term, odoo://vocabulary, completion and the find_by_term prompt."""
import json

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import McpCase


@tagged("post_install", "-at_install")
class TestVocabulary(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Term = cls.env["mcp.vocabulary.term"]
        partner_model = cls.env["ir.model"]._get_id("res.partner")
        cls.customer_a = Term.create({
            "term": "Customer", "synonyms": "client, buyer", "model_id": partner_model,
            "domain": "[('is_company', '=', True)]", "description": "Companies we sell to",
            "company_id": cls.company_a.id})
        cls.customer_b = Term.create({
            "term": "customer", "model_id": partner_model, "domain": "[('email', 'ilike', 'beta')]",
            "company_id": cls.company_b.id})
        cls.mailable = Term.create({
            "term": "reachable contact", "model_id": partner_model, "domain": "[('email', '!=', False)]",
            "company_id": cls.company_a.id})
        cls.user_term = Term.create({
            "term": "colleague", "model_id": cls.env["ir.model"]._get_id("res.users"),
            "domain": "[('share', '=', False)]", "company_id": False})

    def test_resolve_term_follows_the_users_company(self):
        resolved = self.tool_ok(self.secret_full, "resolve_term", {"term": "  CLIENT "})
        self.assertEqual((resolved["term"], resolved["matched"], resolved["model"], resolved["domain"],
                          resolved["description"], resolved["company"]),
                         ("Customer", "client", "res.partner", [["is_company", "=", True]], "Companies we sell to",
                          "MCP Test Company A"))
        self.assertEqual(resolved["applied_domain"], [["is_company", "=", True]])
        # The same word in company B means what company B's administrators defined.
        other = self.tool_ok(self.secret_b, "resolve_term", {"term": "customer"})
        self.assertEqual((other["domain"], other["company"]), ([["email", "ilike", "beta"]], "MCP Test Company B"))
        ids = self.tool_ok(self.secret_b, "search_read", {
            "model": "res.partner", "domain": other["applied_domain"], "fields": ["name"]})["records"]
        self.assertEqual([row["name"] for row in ids], ["Beta Industries"])

    def test_default_terms_of_installed_models(self):
        resolved = self.tool_ok(self.secret_full, "resolve_term", {"term": "organisation"})
        self.assertEqual((resolved["term"], resolved["domain"]), ("company", [["is_company", "=", True]]))
        self.assertNotIn("company", resolved)  # shared by every company

    def test_unknown_term_suggests_close_ones(self):
        text = self.tool_error(self.secret_full, "resolve_term", {"term": "custmer"}, "Unknown business term")
        self.assertIn("customer", text)
        # A term on a model the profile does not allow is not offered at all.
        self.tool_error(self.secret_full, "resolve_term", {"term": "colleague"}, "Unknown business term")

    def test_term_domain_outside_the_policy_is_denied(self):
        # The scoped profile may not read partners' e-mail: a term filtering on it is refused, naming the field.
        self.assertDenied(self.secret_scoped, self.key_scoped, "resolve_term", {"term": "reachable contact"},
                          "email")
        # Its record domain is added to what the key applies.
        resolved = self.tool_ok(self.secret_scoped, "resolve_term", {"term": "customer"})
        self.assertEqual(resolved["applied_domain"], ["&", ["is_company", "=", True], ["is_company", "=", True]])

    def test_domain_is_validated(self):
        with self.assertRaises(ValidationError):
            self.customer_a.domain = "[('no_such_field', '=', 1)]"
        with self.assertRaises(ValidationError):
            self.customer_a.domain = "[('name', '=', __import__('os'))]"

    def test_vocabulary_resource_and_completion(self):
        terms = self.read_vocabulary(self.secret_full)
        self.assertIn(("Customer", "MCP Test Company A"), terms)
        self.assertNotIn(("customer", "MCP Test Company B"), terms)
        self.assertNotIn(("colleague", None), terms)
        self.assertIn(("company", None), terms)
        self.assertIn(("customer", "MCP Test Company B"), self.read_vocabulary(self.secret_b))
        # A term filtering on a field the key may not read is left out.
        self.assertIn(("reachable contact", "MCP Test Company A"), terms)
        self.assertNotIn(("reachable contact", "MCP Test Company A"), self.read_vocabulary(self.secret_scoped))
        completion = self.rpc(self.secret_full, "completion/complete", {
            "ref": {"type": "ref/prompt", "name": "find_by_term"}, "argument": {"name": "term", "value": "CO"}})
        values = completion["completion"]["values"]
        self.assertEqual(values[0], "company")  # terms starting with the text first
        self.assertIn("reachable contact", values)
        self.assertNotIn("colleague", values)  # its model is not allowed for this key

    def read_vocabulary(self, secret):
        contents = self.rpc(secret, "resources/read", {"uri": "odoo://vocabulary"})["contents"]
        return {(term["term"], term.get("company")) for term in json.loads(contents[0]["text"])}

    def test_find_by_term_prompt(self):
        prompt = self.rpc(self.secret_full, "prompts/get", {"name": "find_by_term", "arguments": {"term": "buyer"}})
        text = prompt["messages"][0]["content"]["text"]
        self.assertIn("res.partner", text)
        self.assertIn('[["is_company", "=", true]]', text)
        self.assertIn("resolve_term", text)

    def test_record_rule_limits_terms_to_the_users_companies(self):
        visible = self.env["mcp.vocabulary.term"].with_user(self.user_a).search([])
        self.assertIn(self.customer_a, visible)
        self.assertIn(self.user_term, visible)
        self.assertNotIn(self.customer_b, visible)

    def test_administrators_edit_terms_in_the_form(self):
        admin = self.env["res.users"].create({
            "name": "Vocabulary admin", "login": "mcp_vocabulary_admin", "company_id": self.company_a.id,
            "company_ids": [(6, 0, self.company_a.ids)],
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id, self.env.ref("mcp_server.group_mcp_admin").id])]})
        with Form(self.env["mcp.vocabulary.term"].with_user(admin)) as form:
            form.term = "prospect"
            form.model_id = self.env["ir.model"]._get("res.partner")
            form.domain = "[('is_company', '=', True), ('customer_rank', '=', 0)]" if "customer_rank" in \
                self.env["res.partner"]._fields else "[('is_company', '=', True)]"
        term = form.record
        self.assertEqual((term.company_id, term.model_name), (self.company_a, "res.partner"))
        # MCP Users read terms but do not edit them.
        with self.assertRaises(AccessError):
            term.with_user(self.user_a).write({"term": "lead"})
