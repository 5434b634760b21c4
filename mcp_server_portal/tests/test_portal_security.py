"""Security: script injection everywhere text reaches the page, the owner's policy as a hard bound, and who
may bind a page to which credential."""
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ALL_SECTIONS, PortalCase

XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalCase):

    def assertNoInjection(self, html):
        # Escaped text may contain these words; what must never appear is live markup.
        for needle in ("<script>alert", "<img src=x", "<img src=\"x\"", "javascript:", "<iframe"):
            self.assertNotIn(needle, html)

    def test_script_injection_is_neutralised(self):
        self.env["res.partner"].create({"name": "Evil %s" % XSS, "city": XSS, "is_company": True,
                                        "company_id": self.company_a.id})
        sections = [
            {"type": "kpi", "title": "KPI %s" % XSS, "description": XSS, "model": "res.partner",
             "labels": {"__count": "Count %s" % XSS}},
            {"type": "chart", "title": "</script><script>alert(3)</script>", "model": "res.partner",
             "groupby": ["city"], "chart_type": "pie", "labels": {"city": XSS}},
            {"type": "table", "title": XSS, "model": "res.partner", "fields": ["name", "city"]},
            {"type": "timeline", "title": "T", "model": "res.partner", "date_field": "create_date",
             "title_field": "name", "description_field": "city"},
            {"type": "metric_grid", "title": "M", "model": "res.partner", "groupby": ["city"]},
            {"type": "rich_text", "title": "R", "body": '<p onmouseover="alert(4)">Hello<script>alert(5)</script>'
                                                       '<a href="javascript:alert(6)">x</a>'
                                                       '<iframe src="https://evil.example"></iframe></p>'},
        ]
        result = self.create_page(slug="xss-board", title="Board %s" % XSS, description=XSS, sections=sections,
                                  filters=[{"name": "city", "type": "field", "field": "city",
                                            "choices": [XSS, "Liège"], "label": XSS}],
                                  theme={"logo_url": "https://example.com/logo.png"})
        self.publish(result)
        self.assertNotIn("<script", result["sections"][5]["body"])
        for params in ({}, {"city": XSS}, {"city": "</script><script>alert(7)</script>"},
                       {"period": XSS, XSS: XSS}):
            response = self.visit("/mcp-page/xss-board", params)
            self.assertEqual(response.status_code, 200)
            html = response.text
            self.assertNoInjection(html)
            self.assertNotIn("alert(3)</script><script", html)
            self.assertNotIn("alert(7)", html)
            self.assertNotIn("onmouseover", html)
            self.assertNotIn("<iframe", html)
            self.assertIn("Board &#34;&gt;&lt;script&gt;", html)
            # The only <script> elements: the JSON data (inert) and the page's own bundle.
            self.assertEqual(html.count("<script"), 2)
            self.assertIn('<script type="application/json" id="mcp-page-data">', html)
        # A filter value that is one of the declared choices narrows the data, still escaped in the form.
        html = self.visit("/mcp-page/xss-board", {"city": XSS}).text
        self.assertIn("selected", html)
        self.assertNoInjection(html)
        data = self.visit("/mcp-page/xss-board/data", {"city": XSS}).json()
        self.assertEqual(data["filters"], {"city": XSS})
        self.assertEqual(data["sections"][2]["rows"][0][1]["text"], XSS)  # JSON keeps the text, HTML escapes it

    def test_invalid_theme_values_are_refused(self):
        for theme, message in (({"accent_color": "red;}</style><script>"}, "theme.accent_color"),
                               ({"logo_url": "javascript:alert(1)"}, "theme.logo_url"),
                               ({"logo_url": "//evil.example/x.png"}, "theme.logo_url")):
            self.tool_error(self.secret_full, "create_portal_page", {
                "title": "X", "sections": [ALL_SECTIONS[0]], "theme": theme}, message)

    def test_owner_policy_domain_bounds_every_visit(self):
        """The scoped key reads companies only: no URL filter can make the page show a person."""
        people = self.env["res.partner"].with_user(self.user_a).search_count([("is_company", "=", False)])
        self.assertTrue(people)
        result = self.create_page(self.secret_scoped, slug="companies", sections=[
            {"type": "table", "title": "Contacts", "model": "res.partner", "fields": ["name", "is_company"],
             "limit": 200},
            {"type": "kpi", "title": "Count", "model": "res.partner"},
            {"type": "chart", "title": "By kind", "model": "res.partner", "groupby": ["is_company"]},
            {"type": "metric_grid", "title": "People", "model": "res.partner", "groupby": ["type"],
             "domain": [["is_company", "=", False]]},
        ], filters=[{"name": "kind", "type": "field", "field": "is_company"},
                    {"name": "parent", "type": "field", "field": "parent_id"}])
        self.publish(result)
        companies = self.env["res.partner"].with_user(self.user_a).search_count([("is_company", "=", True)])
        crafted = [{}, {"kind": "false"}, {"kind": "0"}, {"parent": str(self.acme.id)}, {"domain": "[]"},
                   {"kind": "true' OR 1=1"}, {"kind": "false", "parent": "-1"}, {"token": "x"}]
        for params in crafted:
            with self.subTest(params=params):
                data = self.visit("/mcp-page/companies/data", params).json()
                table, kpi, chart, grid = data["sections"]
                names = [row[0]["text"] for row in table["rows"]]
                self.assertNotIn(self.alice.name, names)
                self.assertTrue(all(row[1]["value"] is True for row in table["rows"]), names)
                self.assertLessEqual(kpi["value"], companies)
                self.assertNotIn("No", chart["labels"])
                self.assertEqual(grid["metrics"], [])
        html = self.visit("/mcp-page/companies", {"kind": "false"}).text
        self.assertNotIn(self.alice.name, html)
        self.assertNotIn("alice.private@acme.example", html)

    def test_narrowed_profile_stops_the_section(self):
        result = self.create_page(slug="narrowed", sections=[
            {"type": "table", "title": "Emails", "model": "res.partner", "fields": ["name", "email"]}])
        self.publish(result)
        self.assertIn("contact@acme.example", self.visit("/mcp-page/narrowed").text)
        self.profile_full.rule_ids.filtered(lambda r: r.model_id.model == "res.partner").write({
            "field_ids": [Command.set([self.env["ir.model.fields"]._get("res.partner", "name").id])]})
        self.env.registry.clear_cache()
        with mute_logger("odoo.addons.mcp_server_portal.models.mcp_portal_evaluator"):
            response = self.visit("/mcp-page/narrowed")
        self.assertNotIn("contact@acme.example", response.text)
        self.assertIn("This section&#39;s data is not available.", response.text)

    def test_binding_a_page_to_a_credential(self):
        Page = self.env["mcp.portal.page"].with_user(self.user_c)
        with self.assertRaises(AccessError):
            Page.create({"name": "Mine", "slug": "mine", "key_id": self.key_full.id})  # user A's key
        with self.assertRaises(AccessError):
            Page.create({"name": "Mine", "slug": "mine", "user_id": self.user_a.id})
        page = Page.create({"name": "Mine", "slug": "mine", "key_id": self.key_c.id})
        self.assertEqual((page.user_id, page.profile_id), (self.user_c, self.profile_full))
        self.assertEqual(page.credential_ref, "mcp_key:%s" % self.key_c.id)
        with self.assertRaises(AccessError):
            page.write({"profile_id": self.profile_scoped.id})
        with self.assertRaises(AccessError):
            page.write({"owner_id": self.user_a.id})
        # Sections typed in the backend are checked against the page's credential like the tools check them.
        with self.assertRaises(ValidationError):
            page.write({"section_ids": [Command.create({"section_type": "kpi", "config": {"model": "res.users"}})]})
        with self.assertRaises(ValidationError):
            page.write({"section_ids": [Command.create({"section_type": "kpi", "config_text": "{not json"})]})
        page.write({"section_ids": [Command.create({"section_type": "kpi", "title": "Partners",
                                                    "config_text": '{"model": "res.partner"}'})]})
        self.assertEqual(page.section_ids.model_name, "res.partner")
        self.assertTrue(page._evaluation_scope())
        # Unbound from its key, a page shows nothing (even though it remembers whose data it showed).
        page.write({"key_id": False})
        self.assertFalse(page.credential_ref)
        self.assertIsNone(page._evaluation_scope())
        # Record rules: user C neither sees nor changes user A's pages.
        other = self.page(self.create_page(slug="not-yours"))
        self.assertFalse(Page.search([("id", "=", other.id)]))
        with self.assertRaises(AccessError):
            other.with_user(self.user_c).write({"published": True})

    def test_a_refused_field_is_explained_in_the_owners_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"].search([("name", "in", ("mcp_server", "mcp_server_portal"))])._update_translations(
            filter_lang="de_DE")
        self.user_a.lang = "de_DE"
        self.profile_full.rule_ids.filtered(lambda r: r.model_id.model == "res.partner").write({
            "field_ids": [Command.set([self.env["ir.model.fields"]._get("res.partner", "name").id])]})
        self.env.registry.clear_cache()
        table = {"type": "table", "title": "T", "model": "res.partner", "fields": ["name", "email"]}
        self.tool_error(self.secret_full, "create_portal_page", {"title": "X", "sections": [table]},
                        "sections[0] (table \"T\"): fields: ", "email", "Lesen")
        self.assertFalse(self.env["mcp.portal.page"].search([("name", "=", "X")]))
