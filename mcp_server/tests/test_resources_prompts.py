"""Resources, resource templates, prompts, completion and logging/setLevel."""
import json

from odoo.tests import tagged

from .common import McpCase


@tagged("post_install", "-at_install")
class TestResourcesPrompts(McpCase):

    def read_resource(self, secret, uri):
        contents = self.rpc(secret, "resources/read", {"uri": uri})["contents"]
        self.assertEqual((len(contents), contents[0]["uri"], contents[0]["mimeType"]),
                         (1, uri, "application/json"))
        return json.loads(contents[0]["text"])

    def test_resources_list_and_templates(self):
        uris = {r["uri"] for r in self.rpc(self.secret_full, "resources/list")["resources"]}
        self.assertIn("odoo://context", uris)
        self.assertIn("odoo://model/res.partner/schema", uris)
        self.assertIn("odoo://model/res.partner.category/schema", uris)
        self.assertFalse([uri for uri in uris if uri.startswith("odoo://model/res.users")])
        scoped = {r["uri"] for r in self.rpc(self.secret_scoped, "resources/list")["resources"]}
        self.assertNotIn("odoo://model/res.partner.category/schema", scoped)
        templates = {t["uriTemplate"] for t in self.rpc(self.secret_full, "resources/templates/list")[
            "resourceTemplates"]}
        self.assertTrue({"odoo://model/{model}/schema", "odoo://record/{model}/{id}"} <= templates)

    def test_read_context(self):
        context = self.read_resource(self.secret_full, "odoo://context")
        self.assertEqual(context["user"], {"id": self.user_a.id, "name": "Ann MCP", "login": "mcp_user_a"})
        self.assertEqual(context["company"]["name"], "MCP Test Company A")
        self.assertEqual(context["timezone"], "Europe/Brussels")
        self.assertEqual(context["currency"], self.company_a.currency_id.name)
        other = self.read_resource(self.secret_b, "odoo://context")
        self.assertEqual((other["user"]["login"], other["company"]["name"]), ("mcp_user_b", "MCP Test Company B"))

    def test_read_schema_and_record(self):
        schema = self.read_resource(self.secret_full, "odoo://model/res.partner/schema")
        self.assertEqual(schema["model"], "res.partner")
        self.assertIn("email", schema["fields"])
        scoped = self.read_resource(self.secret_scoped, "odoo://model/res.partner/schema")
        self.assertNotIn("email", scoped["fields"])
        record = self.read_resource(self.secret_full, "odoo://record/res.partner/%s" % self.acme.id)
        self.assertEqual((record["id"], record["name"], record["email"]),
                         (self.acme.id, "Acme Corp", "contact@acme.example"))
        record = self.read_resource(self.secret_scoped, "odoo://record/res.partner/%s" % self.acme.id)
        self.assertNotIn("email", record)

    def test_resource_not_found_is_32002(self):
        for secret, uri in (
            (self.secret_scoped, "odoo://record/res.partner/%s" % self.alice.id),  # outside the domain
            (self.secret_b, "odoo://record/res.partner/%s" % self.acme.id),  # Odoo record rules
            (self.secret_full, "odoo://record/res.partner/999999"),
            (self.secret_full, "odoo://record/res.users/%s" % self.user_a.id),
            (self.secret_full, "odoo://model/res.users/schema"),
            (self.secret_full, "odoo://model/no.such.model/schema"),
            (self.secret_full, "https://example.com/"),
        ):
            error = self.rpc_error(secret, "resources/read", {"uri": uri})
            self.assertEqual(error["code"], -32002, uri)
            self.assertEqual(error["data"], {"uri": uri})
        self.assertEqual(self.last_audit(self.key_full).status, "protocol_error")
        error = self.rpc_error(self.secret_full, "resources/read", {})
        self.assertEqual(error["code"], -32602)

    def test_prompts(self):
        prompts = {p["name"]: p for p in self.rpc(self.secret_full, "prompts/list")["prompts"]}
        self.assertEqual([a["name"] for a in prompts["explore_model"]["arguments"]], ["model"])
        self.assertEqual([a["name"] for a in prompts["summarize_record"]["arguments"]], ["model", "record_id"])

        prompt = self.rpc(self.secret_full, "prompts/get", {"name": "explore_model",
                                                            "arguments": {"model": "res.partner"}})
        text = prompt["messages"][0]["content"]["text"]
        self.assertEqual(prompt["messages"][0]["role"], "user")
        self.assertIn("res.partner", text)
        self.assertIn("odoo://model/res.partner/schema", text)

        prompt = self.rpc(self.secret_full, "prompts/get", {"name": "summarize_record", "arguments": {
            "model": "res.partner", "record_id": str(self.acme.id)}})
        resource = prompt["messages"][1]["content"]["resource"]
        self.assertEqual(resource["uri"], "odoo://record/res.partner/%s" % self.acme.id)
        self.assertIn("Acme Corp", resource["text"])

        for params in (
            {"name": "explore_model", "arguments": {"model": "res.users"}},
            {"name": "explore_model", "arguments": {}},
            {"name": "summarize_record", "arguments": {"model": "res.partner", "record_id": "abc"}},
            {"name": "summarize_record", "arguments": {"model": "res.partner", "record_id": self.alice.id}},
            {"name": "no_such_prompt"},
        ):
            secret = self.secret_scoped if params.get("arguments", {}).get("record_id") == self.alice.id \
                else self.secret_full
            error = self.rpc_error(secret, "prompts/get", params)
            self.assertEqual(error["code"], -32602, params)
        # The scoped key may not summarise a record outside its domain, and learns nothing of it.
        error = self.rpc_error(self.secret_scoped, "prompts/get", {"name": "summarize_record", "arguments": {
            "model": "res.partner", "record_id": self.alice.id}})
        self.assertNotIn("Alice", json.dumps(error))

    def test_completion(self):
        def complete(secret, value, name="model"):
            return self.rpc(secret, "completion/complete", {
                "ref": {"type": "ref/prompt", "name": "explore_model"},
                "argument": {"name": name, "value": value}})["completion"]

        self.assertEqual(complete(self.secret_full, "res.partner.c")["values"], ["res.partner.category"])
        completion = complete(self.secret_full, "RES")
        self.assertEqual((completion["values"], completion["total"], completion["hasMore"]),
                         (["res.partner", "res.partner.category"], 2, False))
        self.assertEqual(complete(self.secret_full, "categ")["values"], ["res.partner.category"])
        self.assertEqual(complete(self.secret_scoped, "")["values"], ["res.partner"])
        self.assertEqual(complete(self.secret_full, "x", name="record_id")["values"], [])
        error = self.rpc_error(self.secret_full, "completion/complete", {"ref": "x", "argument": []})
        self.assertEqual(error["code"], -32602)

    def test_logging_set_level(self):
        session_id = self.session_id(self.secret_full)
        self.assertEqual(self.rpc(self.secret_full, "logging/setLevel", {"level": "debug"}), {})
        session = self.env["mcp.session"].search([("name", "=", session_id)])
        self.assertEqual(session.log_level, "debug")
        error = self.rpc_error(self.secret_full, "logging/setLevel", {"level": "verbose"})
        self.assertEqual(error["code"], -32602)
        self.assertIn("warning", error["message"])
        session.invalidate_recordset()
        self.assertEqual(session.log_level, "debug")
