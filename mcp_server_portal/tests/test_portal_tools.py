"""The portal page tools: schemas, building every section type, precise validation errors, ownership."""
from odoo.tests import tagged

from .common import ALL_SECTIONS, PortalCase

PORTAL_TOOLS = {"create_portal_page", "update_portal_page", "get_portal_page", "list_portal_pages",
                "delete_portal_page"}


@tagged("post_install", "-at_install")
class TestPortalTools(PortalCase):

    def test_catalog(self):
        tools = {tool["name"]: tool for tool in self.rpc(self.secret_full, "tools/list")["tools"]}
        self.assertLessEqual(PORTAL_TOOLS, set(tools))
        create = tools["create_portal_page"]
        section = create["inputSchema"]["properties"]["sections"]["items"]
        # Every section type is documented in the schema an agent reads.
        for kind in ("kpi", "chart", "table", "progress", "comparison", "timeline", "metric_grid", "heatmap",
                     "rich_text"):
            self.assertIn("- %s:" % kind, section["properties"]["type"]["description"])
        self.assertFalse({"anyOf", "oneOf", "allOf"} & set(create["inputSchema"]))
        self.assertFalse(create["annotations"]["readOnlyHint"])
        self.assertTrue(tools["delete_portal_page"]["annotations"]["destructiveHint"])
        self.assertTrue(tools["get_portal_page"]["annotations"]["readOnlyHint"])
        # A read-only key may look at pages but not build them.
        read_only = self.tool_names(self.secret_read)
        self.assertIn("list_portal_pages", read_only)
        self.assertNotIn("create_portal_page", read_only)

    def test_create_every_section_type(self):
        result = self.create_page(title="Sales", slug="sales-board", description="Live figures",
                                  sections=ALL_SECTIONS, theme={"accent_color": "#0a7", "mode": "dark"},
                                  filters=[{"name": "period", "type": "period", "choices": ["this_month", "all"]}])
        self.assertEqual(result["slug"], "sales-board")
        self.assertFalse(result["published"])
        self.assertTrue(result["url"].endswith("/mcp-page/sales-board"))
        self.assertTrue(result["data_url"].endswith("/mcp-page/sales-board/data"))
        self.assertIn("/mcp-page/sales-board/embed?embed_token=", result["embed_url"])
        self.assertIn("publish", result["message"])
        self.assertEqual([s["type"] for s in result["sections"]], [s["type"] for s in ALL_SECTIONS])
        self.assertEqual(result["theme"]["accent_color"], "#00aa77")
        page = self.page(result)
        self.assertEqual((page.owner_id, page.user_id, page.key_id, page.profile_id),
                         (self.user_a, self.user_a, self.key_full, self.profile_full))
        self.assertEqual(page.credential_ref, "mcp_key:%s" % self.key_full.id)
        row = self.last_audit(self.key_full)
        self.assertEqual((row.tool, row.status, row.model), ("create_portal_page", "success", "mcp.portal.page"))
        # Defaults filled in: widths, measures, limits.
        kpi, chart = result["sections"][0], result["sections"][1]
        self.assertEqual((kpi["width"], kpi["measure"], kpi["compare"]), ("third", "__count", True))
        self.assertEqual((chart["width"], chart["measures"], chart["limit"]), ("half", ["__count"], 50))

    def test_slug_from_title_and_unique(self):
        first = self.create_page(title="Équipe Ventes 2025!")
        self.assertEqual(first["slug"], "equipe-ventes-2025")
        second = self.create_page(title="Équipe Ventes 2025!")
        self.assertEqual(second["slug"], "equipe-ventes-2025-2")
        self.tool_error(self.secret_full, "create_portal_page", {
            "title": "X", "slug": "equipe-ventes-2025", "sections": [ALL_SECTIONS[0]]},
            "slug: 'equipe-ventes-2025' is already used", "'equipe-ventes-2025-2'")
        self.tool_error(self.secret_full, "create_portal_page", {"title": "X", "slug": "Not A Slug", "sections": []},
                        "'slug' must match the pattern")

    def test_errors_name_the_section_and_field(self):
        cases = [
            ({"type": "chart", "title": "Revenue", "model": "res.partner", "chart_type": "bar"},
             'sections[0] (chart "Revenue"): groupby: give 1 to 2 fields.'),
            ({"type": "kpi", "model": "res.partner", "measure": "amount_totl:sum"},
             "sections[0] (kpi): measure: Unknown field(s) on res.partner: amount_totl."),
            ({"type": "table", "title": "T", "model": "res.partner", "fields": ["name", "nmae"]},
             'sections[0] (table "T"): fields: Unknown field(s) on res.partner: nmae. Did you mean'),
            ({"type": "kpi", "model": "res.users"},
             "sections[0] (kpi): model: Model 'res.users' is not allowed for this key: its access profile has no rule"),
            ({"type": "kpi", "model": "res.partner", "fields": ["name"]},
             "sections[0] (kpi): fields not used by kpi sections"),
            ({"type": "progress", "model": "res.partner"},
             "sections[0] (progress): target: give the value to reach"),
            ({"type": "heatmap", "model": "res.partner", "date_field": "city"},
             "sections[0] (heatmap): date_field: city must be a stored date or datetime field; it is a char."),
            ({"type": "kpi", "model": "res.partner", "period": "this_month"},
             "sections[0] (kpi): period needs a date_field"),
            ({"type": "comparison", "model": "res.partner", "groupby": ["is_company"], "compare_values": [True, 3]},
             "sections[0] (comparison): compare_values: 3 is not a valid value of is_company"),
            ({"type": "chart", "model": "res.partner", "chart_type": "pie", "groupby": ["is_company"],
              "measures": ["__count", "id:count"]}, "sections[0] (chart): measures: at most 1 measures here."),
            ({"type": "kpi", "model": "res.partner", "domain": "[('nope', '=', 1)]"},
             "sections[0] (kpi): domain: Unknown field(s) on res.partner: nope."),
            ({"type": "rich_text", "body": "<script>alert(1)</script>"},
             "sections[0] (rich_text): body: give the HTML content"),
        ]
        for section, message in cases:
            with self.subTest(section=section):
                self.tool_error(self.secret_full, "create_portal_page", {"title": "X", "sections": [section]},
                                message)
        self.assertFalse(self.env["mcp.portal.page"].search([("name", "=", "X")]))

    def test_errors_in_later_sections_and_filters(self):
        sections = [ALL_SECTIONS[0], ALL_SECTIONS[1], {"type": "timeline", "title": "Events", "model": "res.partner"}]
        self.tool_error(self.secret_full, "create_portal_page", {"title": "X", "sections": sections},
                        'sections[2] (timeline "Events"): date_field is required')
        self.tool_error(self.secret_full, "create_portal_page", {
            "title": "X", "sections": [ALL_SECTIONS[0]],
            "filters": [{"name": "team", "type": "field", "field": "user_idd"}]},
            "filters[0] (team): no section's model has a field user_idd.")
        self.tool_error(self.secret_full, "create_portal_page", {
            "title": "X", "sections": [ALL_SECTIONS[0]],
            "filters": [{"name": "token", "type": "period"}]}, "filters[0] (token): name:")
        self.tool_error(self.secret_full, "create_portal_page", {
            "title": "X", "sections": [{"type": "graph", "model": "res.partner"}]},
            "'sections.0.type' must be one of", "got graph")

    def test_policy_bounds_the_definition(self):
        """A key restricted to some fields cannot build a page showing others."""
        self.assertDenied(self.secret_scoped, self.key_scoped, "create_portal_page", {
            "title": "X", "sections": [{"type": "table", "model": "res.partner", "fields": ["name", "email"]}]},
            "sections[0] (table): fields: Field(s) email of res.partner may not be used to read with this key.")
        self.assertDenied(self.secret_scoped, self.key_scoped, "create_portal_page", {
            "title": "X", "sections": [{"type": "chart", "model": "res.partner", "groupby": ["email"]}]},
            "sections[0] (chart): groupby: Field(s) email of res.partner may not be used to group by")

    def test_update_get_list_delete(self):
        result = self.create_page(title="Board", sections=ALL_SECTIONS[:2])
        old_url = result["embed_url"]
        updated = self.tool_ok(self.secret_full, "update_portal_page", {
            "page": "board", "title": "Board 2", "visibility": "token", "regenerate_token": True,
            "sections": [ALL_SECTIONS[3]]})
        self.assertEqual((updated["title"], updated["visibility"]), ("Board 2", "token"))
        self.assertEqual([s["type"] for s in updated["sections"]], ["progress"])
        self.assertIn("?token=", updated["url"])
        self.assertNotEqual(updated["embed_url"], old_url)
        self.assertEqual(len(self.page(result).section_ids), 1)

        fetched = self.tool_ok(self.secret_full, "get_portal_page", {"page": str(result["id"]), "include_data": True})
        self.assertEqual(fetched["data"]["sections"][0]["type"], "progress")
        self.assertIn("percent", fetched["data"]["sections"][0])

        listed = self.tool_ok(self.secret_full, "list_portal_pages", {"search": "board"})
        self.assertEqual([p["slug"] for p in listed["pages"]], ["board"])

        # Another key (even of the same user) does not see the page.
        self.tool_error(self.secret_scoped, "get_portal_page", {"page": "board"}, "No portal page 'board'")
        self.assertEqual(self.tool_ok(self.secret_c, "list_portal_pages")["count"], 0)

        self.assertEqual(self.tool_ok(self.secret_full, "delete_portal_page", {"page": "board"}),
                         {"deleted": True, "slug": "board"})
        self.assertFalse(self.page(result).exists())

    def test_update_checks_filters_against_new_sections(self):
        self.create_page(title="Filters", sections=[ALL_SECTIONS[0]],
                         filters=[{"name": "city", "type": "field", "field": "city", "choices": ["Liège"]}])
        self.tool_error(self.secret_full, "update_portal_page", {
            "page": "filters", "sections": [ALL_SECTIONS[8]]},
            "filters[0] (city): no section's model has a field city.", "send filters too")

    def test_dry_run_creates_nothing(self):
        report = self.tool_ok(self.secret_full, "create_portal_page", {
            "title": "Dry", "sections": [ALL_SECTIONS[0]], "dry_run": True})
        self.assertTrue(report["would_succeed"])
        self.assertEqual(report["changes"][0]["operation"], "create")
        self.assertFalse(self.env["mcp.portal.page"].search([("slug", "=", "dry")]))
