"""The Skills extension: which skills a key is offered, their entries, SKILL.md resources and prompts."""
import hashlib
import re
from unittest.mock import patch

import yaml

from odoo.tests import tagged

from ..lib import skills as skills_lib
from ..lib.skills import SKILLS, Skill
from .common import McpCase

MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "skills-tests", "version": "1"}}
NAMED = {"resources/read": "uri", "prompts/get": "name"}
ONBOARDING_URI = "skill://new-customer-onboarding/SKILL.md"


def skill_file(name, models, tools):
    return ("---\nname: %s\ndescription: A test skill.\nmetadata:\n  odoo-models: %s\n  odoo-tools: %s\n---\n"
            "# Test\n" % (name, models, tools)).encode()


@tagged("post_install", "-at_install")
class TestSkills(McpCase):

    def modern(self, secret, method, params=None):
        """The decoded JSON-RPC answer of one stateless (2026-07-28) request."""
        params = dict(params or {}, _meta=META)
        headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method}
        if method in NAMED:
            headers["Mcp-Name"] = params[NAMED[method]]
        response = self.http("POST", secret, self.message(method, params), headers)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def skill_names(self, secret):
        answer = self.modern(secret, "skills/list")
        self.assertEqual(answer["result"]["cacheScope"], "private", "the listing depends on the key")
        return [entry["frontmatter"]["name"] for entry in answer["result"]["skills"]]

    def test_shipped_skills_name_only_tools_of_this_server(self):
        catalog = self.env["mcp.tool.registry"]._catalog()
        self.assertGreaterEqual(len(SKILLS), 6)
        for skill in SKILLS:
            self.assertTrue(skill.models and skill.tools, skill.name)
            self.assertFalse(set(skill.tools) - set(catalog), "%s names unknown tools" % skill.name)
            cited = {name for name in re.findall(r"`([a-z_]+)`", skill.body) if name in catalog}
            self.assertEqual(cited - set(skill.tools), set(), "%s calls tools it does not declare" % skill.name)

    def test_the_extension_is_declared_in_the_modern_era_only(self):
        capabilities = self.modern(self.secret_full, "server/discover")["result"]["capabilities"]
        self.assertEqual(capabilities["extensions"]["io.modelcontextprotocol/skills"], {})
        self.assertIn("resources", capabilities)
        legacy = self.rpc(self.secret_full, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {}},
                          session=False)
        self.assertNotIn("io.modelcontextprotocol/skills", legacy["capabilities"].get("extensions", {}))
        self.assertEqual(self.rpc_error(self.secret_full, "skills/list")["code"], -32601)

    def test_listing_follows_the_key_policy_and_tools(self):
        # Partners with every operation: only the skill working on partners alone; the sales and
        # accounting skills need models this profile does not grant.
        self.assertEqual(self.skill_names(self.secret_full), ["new-customer-onboarding"])
        # Read-only scope: onboarding creates partners and schedules activities, so it is not offered.
        self.assertEqual(self.skill_names(self.secret_read), [])
        self.assertEqual(self.skill_names(self.secret_none), [])
        self.profile_full.tool_ids = self.env["mcp.tool"].search([("name", "!=", "schedule_activity")])
        self.assertEqual(self.skill_names(self.secret_full), [])

    def test_listing_needs_every_model_installed(self):
        fake = (Skill("partners-only", skill_file("partners-only", "res.partner", "search_read")),
                Skill("needs-missing-model", skill_file("needs-missing-model", "res.partner mcp.no.such.model",
                                                        "search_read")))
        with patch("odoo.addons.mcp_server.models.mcp_server_skills.SKILLS", fake):
            self.assertEqual(self.skill_names(self.secret_full), ["partners-only"])
            error = self.modern(self.secret_full, "skills/get", {"uri": fake[1].uri})["error"]
            self.assertEqual(error["code"], -32602)

    def test_get_returns_the_entry_and_the_file_matches_its_digest(self):
        result = self.modern(self.secret_full, "skills/get", {"uri": ONBOARDING_URI})["result"]
        entry = result["skill"]
        self.assertEqual(entry["uri"], ONBOARDING_URI)
        self.assertNotIn("nextCursor", result)
        self.assertEqual(entry["frontmatter"]["metadata"]["odoo-tools"],
                         "name_search search_read create write schedule_activity")
        [file_entry] = entry["resources"]
        read = self.modern(self.secret_full, "resources/read", {"uri": ONBOARDING_URI})["result"]
        [content] = read["contents"]
        self.assertEqual(content["mimeType"], "text/markdown")
        data = content["text"].encode("utf-8")
        self.assertEqual(file_entry, {"uri": ONBOARDING_URI, "size": len(data),
                                      "digest": "sha256:" + hashlib.sha256(data).hexdigest()})
        front = yaml.safe_load(content["text"].split("---\n")[1])
        self.assertEqual(front, entry["frontmatter"])
        listed = {r["uri"]: r for r in self.modern(self.secret_full, "resources/list")["result"]["resources"]}
        self.assertEqual(listed[ONBOARDING_URI]["name"], "new-customer-onboarding")
        self.assertEqual(listed[ONBOARDING_URI]["description"], front["description"])

    def test_unknown_or_unoffered_skill_is_invalid_params(self):
        for uri in ("skill://no-such-skill/SKILL.md", "skill://quote-to-cash/SKILL.md", "not a uri"):
            error = self.modern(self.secret_full, "skills/get", {"uri": uri})["error"]
            self.assertEqual(error["code"], -32602, uri)
        self.assertEqual(self.modern(self.secret_full, "skills/get", {})["error"]["code"], -32602)
        error = self.modern(self.secret_read, "resources/read", {"uri": ONBOARDING_URI})["error"]
        self.assertEqual(error["code"], -32602)
        self.assertEqual(self.rpc_error(self.secret_read, "resources/read", {"uri": ONBOARDING_URI})["code"], -32002)

    def test_skills_are_prompts_for_clients_without_the_extension(self):
        prompts = {p["name"]: p for p in self.rpc(self.secret_full, "prompts/list")["prompts"]}
        self.assertIn("skill_new_customer_onboarding", prompts)
        self.assertEqual([name for name in prompts if name.startswith("skill_")], ["skill_new_customer_onboarding"])
        self.assertIn("explore_model", prompts)
        prompt = self.rpc(self.secret_full, "prompts/get", {"name": "skill_new_customer_onboarding"})
        text = prompt["messages"][0]["content"]["text"]
        self.assertIn(ONBOARDING_URI, text)
        self.assertIn('`create` with\n`{"model": "res.partner"', text)
        self.assertNotIn("odoo-tools:", text, "the front matter is not part of the prompt")
        read_prompts = {p["name"] for p in self.rpc(self.secret_read, "prompts/list")["prompts"]}
        self.assertFalse({name for name in read_prompts if name.startswith("skill_")})
        error = self.rpc_error(self.secret_read, "prompts/get", {"name": "skill_new_customer_onboarding"})
        self.assertEqual(error["code"], -32602)

    def test_skill_files_are_validated_when_loaded(self):
        with self.assertRaises(ValueError):
            Skill("other-name", skill_file("quote-to-cash", "res.partner", "search_read"))
        with self.assertRaises(ValueError):
            Skill("no-front-matter", b"# Just text\n")
        self.assertEqual([s.name for s in skills_lib.load_skills()], [s.name for s in SKILLS])

    def test_onboarding_calls_as_the_skill_shows_them(self):
        # The key may not read res.country: a country given by name is refused with a hint, as the skill says.
        refused = self.call_tool(self.secret_full, "create", {"model": "res.partner", "values": {
            "name": "Walkthrough Ltd", "country_id": "Belgium"}})
        self.assertTrue(refused["isError"])
        self.assertIn("give the id", refused["content"][0]["text"])
        self.env["res.partner.category"].create({"name": "VIP"})
        found = self.tool_ok(self.secret_full, "name_search", {"model": "res.partner", "name": "Walkthrough Ltd",
                                                                "include_archived": True})
        self.assertEqual(found["results"], [])
        duplicates = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": "['|', ('email', '=ilike', '%@acme.example'), ('vat', '=', 'BE0123')]",
            "fields": ["name", "is_company", "email", "vat", "active"], "include_archived": True, "limit": 10})
        self.assertIn(self.acme.id, [row["id"] for row in duplicates["records"]])
        company_id = self.tool_ok(self.secret_full, "create", {"model": "res.partner", "values": {
            "name": "Walkthrough Ltd", "is_company": True, "email": "info@walkthrough.example",
            "phone": "+32 2 555 00 00", "vat": "BE0123456789", "street": "Rue Neuve 1", "zip": "1000",
            "city": "Brussels", "country_id": self.env.ref("base.be").id, "child_ids": [
                {"name": "Jane Doe", "function": "Buyer", "email": "jane@walkthrough.example"},
                {"type": "invoice", "name": "Walkthrough accounts", "email": "invoices@walkthrough.example"}]}})["id"]
        family = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": "[('id', 'child_of', %s)]" % company_id,
            "fields": ["name", "type", "email", "parent_id"]})["records"]
        self.assertEqual(sorted((row["name"], row["type"]) for row in family), [
            ("Jane Doe", "contact"), ("Walkthrough Ltd", "contact"), ("Walkthrough accounts", "invoice")])
        self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [company_id], "values": {
            "phone": "+32 2 555 00 01", "category_id": {"add": ["VIP"]}}})
        self.tool_ok(self.secret_full, "schedule_activity", {"model": "res.partner", "id": company_id,
                                                             "summary": "Welcome call", "date_deadline": "2030-01-15",
                                                             "user": "mcp_user_a"})
        company = self.env["res.partner"].browse(company_id)
        self.assertEqual((company.country_id.code, company.phone, company.category_id.name),
                         ("BE", "+32 2 555 00 01", "VIP"))
        self.assertEqual(company.activity_ids.summary, "Welcome call")
