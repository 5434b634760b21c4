"""Record tools: happy paths and the agent-proofing (defaults, limits, suggestions, value conversions)."""
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import McpCase


@tagged("post_install", "-at_install")
class TestRecordTools(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tag = cls.env["res.partner.category"]
        cls.tag_gold = Tag.create({"name": "VIP Gold"})
        cls.tag_silver = Tag.create({"name": "VIP Silver"})
        cls.profile_dates = cls._make_profile("MCP test dates", "read_write", {
            "mcp.api.key": {"ops": "read,write"},
            "mail.activity": {"ops": "read,write"},
        })
        cls.key_dates, cls.secret_dates = cls._make_key("dates key", cls.user_a, cls.profile_dates)
        cls.activity = cls.env["mail.activity"].create({
            "res_model_id": cls.env["ir.model"]._get_id("res.partner"), "res_id": cls.acme.id,
            "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id, "user_id": cls.user_a.id,
            "summary": "Call Acme", "date_deadline": "2030-01-15",
        })

    def partners(self, prefix, count):
        return self.env["res.partner"].create([
            {"name": "%s %02d" % (prefix, i), "email": "%s%s@example.com" % (prefix.lower(), i),
             "company_id": self.company_a.id} for i in range(count)])

    # ------------------------------------------------------------------
    # Discovery
    # ------------------------------------------------------------------
    def test_list_models(self):
        listed = self.tool_ok(self.secret_full, "list_models")
        self.assertEqual(listed["count"], 2)
        partner = next(m for m in listed["models"] if m["model"] == "res.partner")
        self.assertEqual(partner["operations"], ["create", "read", "unlink", "write"])
        self.assertEqual(partner["name"], "Contact")
        self.assertFalse(partner["scope_restricted"])
        self.assertEqual([m["model"] for m in self.tool_ok(self.secret_full, "list_models", {"search": "TAG"})[
            "models"]], ["res.partner.category"])
        self.assertTrue(self.tool_ok(self.secret_scoped, "list_models")["models"][0]["scope_restricted"])

    def test_describe_model(self):
        schema = self.tool_ok(self.secret_full, "describe_model", {"model": "res.partner"})
        self.assertEqual(schema["fields"]["name"]["type"], "char")
        self.assertEqual(schema["fields"]["parent_id"]["relation"], "res.partner")
        self.assertIn(["invoice", "Invoice Address"], schema["fields"]["type"]["selection"])
        self.assertIn("name", schema["default_fields"])
        for heavy in ("image_1920", "comment", "avatar_128"):
            self.assertNotIn(heavy, schema["default_fields"])
        only = self.tool_ok(self.secret_scoped, "describe_model", {"model": "res.partner", "fields": ["name"]})
        self.assertEqual(list(only["fields"]), ["name"])
        scoped = self.tool_ok(self.secret_scoped, "describe_model", {"model": "res.partner"})
        self.assertTrue(scoped["scope_restricted"])
        self.assertNotIn("email", scoped["fields"])

    def test_tool_descriptions_for_strict_clients(self):
        for tool in self.rpc(self.secret_full, "tools/list")["tools"]:
            schema = tool["inputSchema"]
            self.assertEqual(schema["type"], "object", tool["name"])
            self.assertFalse({"anyOf", "oneOf", "allOf"} & set(schema), tool["name"])
            for name, prop in schema.get("properties", {}).items():
                self.assertIn("type", prop, "%s.%s has no type" % (tool["name"], name))
            self.assertIn("readOnlyHint", tool["annotations"])
        tools = {tool["name"]: tool for tool in self.rpc(self.secret_full, "tools/list")["tools"]}
        self.assertTrue(tools["search_read"]["annotations"]["readOnlyHint"])
        self.assertTrue(tools["unlink"]["annotations"]["destructiveHint"])
        self.assertFalse(tools["create"]["annotations"]["readOnlyHint"])

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def test_search_read_default_fields(self):
        self.acme.comment = "<p>%s</p>" % ("long html " * 500)
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": [["id", "=", self.acme.id]]})
        self.assertEqual((found["model"], found["count"], found["timezone"]), ("res.partner", 1, "Europe/Brussels"))
        self.assertNotIn("has_more", found)
        record = found["records"][0]
        self.assertEqual((record["id"], record["name"], record["display_name"]),
                         (self.acme.id, "Acme Corp", "Acme Corp"))
        self.assertEqual(record["email"], "contact@acme.example")
        for heavy in ("image_1920", "image_128", "avatar_128", "comment"):
            self.assertNotIn(heavy, record)
        self.assertLessEqual(len(record), 10)

    def test_read_chosen_fields_and_types(self):
        self.acme.category_id = self.tag_gold
        record = self.tool_ok(self.secret_full, "read", {
            "model": "res.partner", "ids": [self.acme.id],
            "fields": ["name", "is_company", "category_id", "child_ids", "parent_id", "write_date", "website"]},
        )["records"][0]
        self.assertEqual(record["is_company"], True)
        self.assertEqual(record["category_id"], [self.tag_gold.id])
        self.assertEqual(record["child_ids"], [self.alice.id])
        self.assertIsNone(record["parent_id"])
        self.assertIsNone(record["website"])
        self.assertTrue(record["write_date"].endswith("Z"), record["write_date"])
        self.assertEqual(fields.Datetime.to_datetime(record["write_date"][:19].replace("T", " ")),
                         self.acme.write_date.replace(microsecond=0))

    def test_limit_cap_and_default_limit(self):
        self.env["ir.config_parameter"].set_param("mcp_server.max_limit", "3")
        clamped = self.tool_ok(self.secret_full, "search_read", {"model": "res.partner", "limit": 4})
        self.assertEqual((clamped["count"], clamped["has_more"], clamped["next_offset"]), (3, True, 3))
        self.assertIn("limit 4 is over the maximum of 3", clamped["notice"])
        self.env["ir.config_parameter"].set_param("mcp_server.default_limit", "2")
        found = self.tool_ok(self.secret_full, "search_read", {"model": "res.partner", "fields": ["name"]})
        self.assertEqual(found["count"], 2)
        self.assertTrue(found["has_more"])

    def test_paging_with_has_more(self):
        self.partners("Paging", 5)
        arguments = {"model": "res.partner", "domain": [["name", "=like", "Paging%"]], "fields": ["name"],
                     "order": "name desc", "limit": 2}
        pages = []
        for offset in (0, 2, 4):
            page = self.tool_ok(self.secret_full, "search_read", dict(arguments, offset=offset))
            pages.append(([r["name"] for r in page["records"]], page.get("has_more", False)))
        self.assertEqual(pages, [
            (["Paging 04", "Paging 03"], True), (["Paging 02", "Paging 01"], True), (["Paging 00"], False)])
        self.assertEqual(self.tool_ok(self.secret_full, "search_count", {
            "model": "res.partner", "domain": arguments["domain"]})["count"], 5)

    def test_closest_names_are_suggested(self):
        self.tool_error(self.secret_full, "search_read", {"model": "res.partnr"}, "does not exist",
                        "Did you mean", "res.partner")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "fields": ["emial"]},
                        "Unknown field", "emial", "email")
        self.tool_error(self.secret_full, "search_count", {"model": "res.partner", "domain": [["nmae", "=", "x"]]},
                        "nmae", "Did you mean", "name")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "order": "naem"}, "name")
        # A model that exists but is not in the policy is refused, not suggested as missing.
        self.tool_error(self.secret_full, "search_read", {"model": "res.users"}, "not allowed")

    def test_string_domains_are_parsed_safely(self):
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": "[('name', '=', 'Acme Corp'), ('is_company', '=', True)]",
            "fields": ["name"]})
        self.assertEqual([r["id"] for r in found["records"]], [self.acme.id])
        found = self.tool_ok(self.secret_full, "search_count", {
            "model": "res.partner", "domain": "['|', ('name', '=', 'Acme Corp'), ('name', '=', 'Alice Acmeworker')]"})
        self.assertEqual(found["count"], 2)
        with patch("os.system") as system, patch("os.getcwd") as getcwd:
            for domain in ("__import__('os').system('touch /tmp/mcp-pwned')",
                           "[('name', '=', __import__('os').getcwd())]",
                           "[('name', '=', (lambda: 1)())]",
                           "[('name', '=', 'a'.join(['x']))]"):
                self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": domain},
                                "Invalid domain")
        system.assert_not_called()
        getcwd.assert_not_called()
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": "[('name', '=',"},
                        "Invalid domain", "write it as JSON", "[('city', '=', 'Paris')]")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": [["name", "~", "x"]]},
                        "unknown operator", "ilike")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": [["name", "="]]},
                        "[field, operator, value]")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": ["|", ["name", "=", 1]]},
                        "Invalid domain")

    def test_bad_values_in_domain_are_tool_errors(self):
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": [["id", "in", [[1]]]]},
                        "flat list")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "domain": [["name", "=", {"a": 1}]]},
                        "Invalid domain")
        for domain in ([["id", "=", "abc"]], [["write_date", ">", "someday"]]):
            with mute_logger("odoo.sql_db"):
                result = self.call_tool(self.secret_full, "search_read", {"model": "res.partner", "domain": domain})
            self.assertTrue(result["isError"], (domain, result))
            self.assertIn("refused a value", result["content"][0]["text"])
        self.assertEqual(self.last_audit(self.key_full).status, "tool_error")

    def test_name_search(self):
        found = self.tool_ok(self.secret_full, "name_search", {"model": "res.partner", "name": "acme corp",
                                                               "operator": "=ilike"})
        self.assertEqual(found["results"], [{"id": self.acme.id, "name": "Acme Corp"}])
        found = self.tool_ok(self.secret_full, "name_search", {"model": "res.partner", "name": "acme corp"})
        self.assertEqual({r["name"] for r in found["results"]}, {"Acme Corp", "Acme Corp, Alice Acmeworker"})
        found = self.tool_ok(self.secret_full, "name_search", {
            "model": "res.partner", "name": "Acme", "domain": [["is_company", "=", False]], "limit": 5})
        self.assertEqual([r["id"] for r in found["results"]], [self.alice.id])

    def test_field_isolation(self):
        partner_class = type(self.env["res.partner"])

        def broken(records):
            raise RuntimeError("address service down")

        with patch.object(partner_class, "_compute_contact_address", broken):
            found = self.tool_ok(self.secret_full, "search_read", {
                "model": "res.partner", "domain": [["id", "=", self.acme.id]],
                "fields": ["name", "contact_address", "email"]})
        self.assertEqual(found["records"], [{"id": self.acme.id, "name": "Acme Corp",
                                             "email": "contact@acme.example"}])
        self.assertIn("address service down", found["failed_fields"]["contact_address"])

    def test_response_size_cap(self):
        self.partners("Bulk", 40)
        self.env["ir.config_parameter"].set_param("mcp_server.max_response_kb", "1")
        self.tool_error(self.secret_full, "describe_model", {"model": "res.partner"},
                        "over the 1 KB limit", "fewer fields")
        self.assertEqual(self.last_audit(self.key_full).status, "tool_error")
        found = self.tool_ok(self.secret_full, "search_read", {
            "model": "res.partner", "domain": [["name", "=like", "Bulk%"]], "fields": ["name"], "limit": 3})
        self.assertEqual(found["count"], 3)

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    def test_create_write_unlink_then_read(self):
        created = self.tool_ok(self.secret_full, "create", {
            "model": "res.partner", "values": {"name": "New Customer", "email": "new@example.com"}})
        partner = self.env["res.partner"].browse(created["id"])
        self.assertEqual((created["model"], created["display_name"], partner.email),
                         ("res.partner", "New Customer", "new@example.com"))
        self.assertEqual(partner.create_uid, self.user_a, "the key acts as its user")
        updated = self.tool_ok(self.secret_full, "write", {
            "model": "res.partner", "ids": [partner.id], "values": {"phone": "+32 2 000 00 00", "email": None}})
        self.assertEqual(updated, {"model": "res.partner", "ids": [partner.id], "updated": 1})
        partner.invalidate_recordset()
        self.assertEqual((partner.phone, partner.email), ("+32 2 000 00 00", False))

        deleted = self.tool_ok(self.secret_full, "unlink", {"model": "res.partner", "ids": [partner.id]})
        self.assertEqual(deleted["deleted"], [partner.id])
        self.assertFalse(partner.exists())
        self.tool_error(self.secret_full, "read", {"model": "res.partner", "ids": [partner.id]},
                        "not accessible", str(partner.id))

    def test_relational_values_by_id_name_and_ambiguous_name(self):
        created = self.tool_ok(self.secret_full, "create", {"model": "res.partner", "values": {
            "name": "Bob Acmeworker", "parent_id": "Acme Corp", "category_id": ["VIP Gold", self.tag_silver.id]}})
        bob = self.env["res.partner"].browse(created["id"])
        self.assertEqual(bob.parent_id, self.acme)
        self.assertEqual(bob.category_id, self.tag_gold | self.tag_silver)
        self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "parent_id": {"id": self.acme.id}, "category_id": []}})
        bob.invalidate_recordset()
        self.assertFalse(bob.category_id)

        text = self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "category_id": ["VIP"]}}, "several", "give the id")
        self.assertIn("VIP Gold (id %s)" % self.tag_gold.id, text)
        self.assertIn("VIP Silver (id %s)" % self.tag_silver.id, text)
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "category_id": ["Platinum"]}}, "no res.partner.category named 'Platinum'")
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "parent_id": 999999}}, "999999")
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "category_id": "VIP Gold"}}, "list")
        # Names resolve only on models the key may read; ids work.
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "country_id": "Belgium"}}, "give the id", "res.country")
        self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [bob.id], "values": {
            "country_id": self.env.ref("base.be").id}})
        bob.invalidate_recordset()
        self.assertEqual(bob.country_id, self.env.ref("base.be"))

    def test_datetimes_in_and_out(self):
        other, _secret = self._make_key("expiring", self.user_a, None)
        arguments = {"model": "mcp.api.key", "ids": [other.id]}
        self.tool_ok(self.secret_dates, "write", dict(arguments, values={"expires_at": "2030-01-02T10:00:00+02:00"}))
        other.invalidate_recordset()
        self.assertEqual(other.expires_at, fields.Datetime.to_datetime("2030-01-02 08:00:00"))
        record = self.tool_ok(self.secret_dates, "read", dict(arguments, fields=["expires_at"]))["records"][0]
        self.assertEqual(record["expires_at"], "2030-01-02T08:00:00Z")
        # Without an offset: UTC, as the tools document it (not the user's Europe/Brussels).
        self.tool_ok(self.secret_dates, "write", dict(arguments, values={"expires_at": "2030-07-01T10:00:00"}))
        other.invalidate_recordset()
        self.assertEqual(other.expires_at, fields.Datetime.to_datetime("2030-07-01 10:00:00"))
        record = self.tool_ok(self.secret_dates, "read", dict(arguments, fields=["expires_at"]))["records"][0]
        self.assertEqual(record["expires_at"], "2030-07-01T10:00:00Z")
        self.tool_ok(self.secret_dates, "write", dict(arguments, values={"expires_at": "2030-07-01T23:30:00-05:00"}))
        other.invalidate_recordset()
        self.assertEqual(other.expires_at, fields.Datetime.to_datetime("2030-07-02 04:30:00"))
        self.tool_error(self.secret_dates, "write", dict(arguments, values={"expires_at": "next tuesday"}),
                        "ISO 8601")
        self.tool_error(self.secret_dates, "write", dict(arguments, values={"expires_at": "2030-07-01T10:00:00"},
                                                         context={"tz": "Mars/Olympus"}), "timezone")

    def test_dates_in_and_out(self):
        arguments = {"model": "mail.activity", "ids": [self.activity.id]}
        record = self.tool_ok(self.secret_dates, "read", dict(arguments, fields=["date_deadline"]))["records"][0]
        self.assertEqual(record["date_deadline"], "2030-01-15")
        self.tool_ok(self.secret_dates, "write", dict(arguments, values={"date_deadline": "2030-02-28"}))
        self.activity.invalidate_recordset()
        self.assertEqual(fields.Date.to_string(self.activity.date_deadline), "2030-02-28")
        self.tool_error(self.secret_dates, "write", dict(arguments, values={"date_deadline": "28/02/2030"}),
                        "YYYY-MM-DD")
        self.tool_error(self.secret_dates, "write", dict(arguments, values={"date_deadline": "2030-02-30"}),
                        "YYYY-MM-DD")

    def test_selection_values_are_validated(self):
        text = self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.alice.id],
                                                           "values": {"type": "postal"}}, "type")
        for value in ("contact", "invoice", "delivery"):
            self.assertIn(value, text)
        self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [self.alice.id],
                                                 "values": {"type": "invoice"}})
        self.alice.invalidate_recordset()
        self.assertEqual(self.alice.type, "invoice")

    def test_numbers_of_the_wrong_kind_are_tool_errors_and_nothing_is_written(self):
        count = self.env["res.partner"].search_count([])
        self.tool_error(self.secret_full, "create", {"model": "res.partner", "values": {"name": "N", "color": "x"}},
                        'Field color takes an integer, not "x".')
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.alice.id],
                                                    "values": {"partner_latitude": "north"}},
                        'Field partner_latitude takes a number, not "north".')
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.tool_ok(self.secret_full, "write", {"model": "res.partner", "ids": [self.alice.id],
                                                 "values": {"color": 3}})
        self.assertEqual(self.alice.color, 3)

    def test_invalid_values(self):
        self.tool_error(self.secret_full, "create", {"model": "res.partner", "values": {}}, "empty")
        self.tool_error(self.secret_full, "write", {"model": "res.partner", "ids": [self.acme.id],
                                                    "values": {"nmae": "x"}}, "Unknown field", "name")
        # Odoo's own validation comes back as a tool error, and nothing is written.
        result = self.call_tool(self.secret_full, "write", {"model": "res.partner", "ids": [self.alice.id],
                                                            "values": {"parent_id": self.alice.id}})
        self.assertTrue(result["isError"])
        self.alice.invalidate_recordset()
        self.assertEqual(self.alice.parent_id, self.acme)
