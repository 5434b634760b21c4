"""/mcp-page/<slug>, /data and /embed: who sees what, headers, cache, and the figures themselves."""
import pytz

from odoo import fields
from odoo.addons.mcp_server.services.periods import utc_midnight
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ALL_SECTIONS, PortalCase


@tagged("post_install", "-at_install")
class TestPortalRoutes(PortalCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.partner"].create([
            {"name": "Gamma %s" % i, "is_company": True, "city": "Namur", "company_id": cls.company_a.id}
            for i in range(3)])

    def test_unknown_and_unpublished_are_404(self):
        result = self.create_page(slug="draft-page")
        with mute_logger("odoo.http"):
            for path in ("/mcp-page/no-such-page", "/mcp-page/draft-page", "/mcp-page/draft-page/data",
                         "/mcp-page/draft-page/embed"):
                self.assertEqual(self.visit(path).status_code, 404, path)
            # Not even with its signed embed link.
            self.assertEqual(self.visit("/mcp-page/draft-page/embed?" + result["embed_url"].split("?")[1]
                                        ).status_code, 404)
        # The owner previews a draft when logged in; other users still get a 404.
        self.authenticate("mcp_user_a", "mcp_user_a")
        response = self.visit("/mcp-page/draft-page")
        self.assertEqual(response.status_code, 200)
        self.assertIn("not published", response.text)
        self.assertEqual(response.headers["Cache-Control"], "private, no-store")
        self.authenticate("mcp_user_c", "mcp_user_c")
        with mute_logger("odoo.http"):
            self.assertEqual(self.visit("/mcp-page/draft-page").status_code, 404)

    def test_nul_characters_in_address_are_404_not_500(self):
        result = self.create_page(slug="nul-page")
        self.publish(result)
        with mute_logger("odoo.http", "odoo.sql_db"):
            for path in ("/mcp-page/%00", "/mcp-page/nul-page%00/data", "/mcp-page/nul-page/data?period=%00",
                         "/mcp-page/nul-page/embed?embed_token=%00"):
                self.assertEqual(self.visit(path).status_code, 404, path)
        self.assertEqual(self.visit("/mcp-page/nul-page/data").status_code, 200)

    def test_public_page_renders_every_section_without_login(self):
        result = self.create_page(slug="public-board", title="Public board", sections=ALL_SECTIONS)
        self.publish(result)
        response = self.visit("/mcp-page/public-board")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertTrue(html.lstrip().startswith("<!DOCTYPE html>"))
        for section in ALL_SECTIONS:
            self.assertIn(section["title"], html)
        self.assertIn('id="mcp-chart-', html)
        self.assertIn('id="mcp-page-data"', html)
        self.assertIn("mcp_server_portal.assets_portal_page", html)
        self.assertNotIn("not available", html)
        self.assertNotIn("not published", html)
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("frame-ancestors 'self'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline' 'unsafe-eval", csp)
        self.assertEqual(response.headers["X-Frame-Options"], "SAMEORIGIN")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

        data = self.visit("/mcp-page/public-board/data").json()
        self.assertEqual(data["page"]["title"], "Public board")
        sections = {s["type"]: s for s in data["sections"]}
        self.assertEqual(len(data["sections"]), 9)
        self.assertFalse([s for s in data["sections"] if s.get("error")])
        # user A sees the company A partners (3 + Acme + Alice) and her own: record rules apply.
        visible = self.env["res.partner"].with_user(self.user_a).search_count([])
        self.assertEqual(sections["progress"]["value"], visible)
        self.assertEqual(sections["metric_grid"]["metrics"][0]["value"], visible)
        # The period starts at midnight in user A's time zone, not at midnight UTC.
        period_start = utc_midnight(fields.Date.to_date(sections["kpi"]["period"]["from"]),
                                    pytz.timezone(self.user_a.tz))
        self.assertEqual(sections["kpi"]["value"], self.env["res.partner"].with_user(self.user_a).search_count(
            [("create_date", ">=", period_start)]))
        self.assertEqual(sum(sections["chart"]["datasets"][0]["data"]), visible)
        self.assertEqual(len(sections["heatmap"]["rows"]), 7)
        self.assertEqual(sum(sum(c["value"] for c in row["cells"]) for row in sections["heatmap"]["rows"]), visible)
        names = [row[0]["text"] for row in sections["table"]["rows"]]
        self.assertIn("Gamma 1", names)
        self.assertNotIn("Beta Industries", names)  # company B: not readable by user A
        self.assertEqual(sections["comparison"]["rows"][0]["b"], sections["kpi"]["value"])

    def test_token_page_needs_the_token(self):
        result = self.create_page(slug="secret-board", visibility="token")
        page = self.publish(result)
        token = page.sudo().access_token
        with mute_logger("odoo.http"):
            self.assertEqual(self.visit("/mcp-page/secret-board").status_code, 404)
            self.assertEqual(self.visit("/mcp-page/secret-board", {"token": "wrong"}).status_code, 404)
            self.assertEqual(self.visit("/mcp-page/secret-board/data", {"token": token[:-1]}).status_code, 404)
        response = self.visit("/mcp-page/secret-board", {"token": token})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        self.assertEqual(response.headers["Cache-Control"], "private, no-store")
        self.assertEqual(self.visit("/mcp-page/secret-board/data", {"token": token}).status_code, 200)
        self.assertTrue(result["url"].endswith("?token=%s" % token))
        page.action_regenerate_token()
        with mute_logger("odoo.http"):
            self.assertEqual(self.visit("/mcp-page/secret-board", {"token": token}).status_code, 404)

    def test_users_page_needs_a_login(self):
        self.publish(self.create_page(slug="team-board", visibility="users"))
        response = self.visit("/mcp-page/team-board", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login?redirect=/mcp-page/team-board", response.headers["Location"])
        with mute_logger("odoo.http"):
            self.assertEqual(self.visit("/mcp-page/team-board/data").status_code, 404)
        self.authenticate("mcp_portal_visitor", "mcp_portal_visitor")
        self.assertEqual(self.visit("/mcp-page/team-board").status_code, 200)
        self.assertEqual(self.visit("/mcp-page/team-board/data").status_code, 200)

    def test_embed_needs_a_signed_token_and_allows_framing(self):
        result = self.create_page(slug="embed-board")
        page = self.publish(result)
        embed_token = result["embed_url"].split("embed_token=")[1]
        with mute_logger("odoo.http"):
            self.assertEqual(self.visit("/mcp-page/embed-board/embed").status_code, 404)
            self.assertEqual(self.visit("/mcp-page/embed-board/embed", {"embed_token": "x" * 64}).status_code, 404)
            # The token of one page does not open another.
            other = self.publish(self.create_page(slug="other-board"))
            self.assertEqual(self.visit("/mcp-page/other-board/embed", {"embed_token": embed_token}).status_code,
                             404)
        response = self.visit("/mcp-page/embed-board/embed", {"embed_token": embed_token})
        self.assertEqual(response.status_code, 200)
        self.assertIn("frame-ancestors *", response.headers["Content-Security-Policy"])
        self.assertNotIn("X-Frame-Options", response.headers)
        self.env["ir.config_parameter"].sudo().set_param(
            "mcp_server_portal.embed_frame_ancestors", "https://intranet.example.com 'self'\r\nX-Evil: 1")
        response = self.visit("/mcp-page/embed-board/embed", {"embed_token": embed_token})
        self.assertTrue(response.headers["Content-Security-Policy"].endswith(
            "frame-ancestors https://intranet.example.com 'self'"))
        self.assertNotIn("X-Evil", response.headers)
        self.assertEqual(other.slug, "other-board")
        page.action_unpublish()
        with mute_logger("odoo.http"):
            self.assertEqual(self.visit("/mcp-page/embed-board/embed", {"embed_token": embed_token}).status_code,
                             404)

    def test_cache_reused_and_invalidated(self):
        result = self.create_page(slug="cached-board", sections=[ALL_SECTIONS[3]], cache_seconds=600)
        page = self.publish(result)
        Cache = self.env["mcp.portal.cache"].sudo()
        first = self.visit("/mcp-page/cached-board/data").json()
        self.assertEqual(Cache.search_count([("page_id", "=", page.id)]), 1)
        self.env["res.partner"].create({"name": "Late partner", "company_id": self.company_a.id})
        self.assertEqual(self.visit("/mcp-page/cached-board/data").json(), first)
        # Filters make their own entries; a change of the page forgets them all.
        page.write({"name": "Cached board"})
        self.assertEqual(Cache.search_count([("page_id", "=", page.id)]), 0)
        second = self.visit("/mcp-page/cached-board/data").json()
        self.assertEqual(second["sections"][0]["value"], first["sections"][0]["value"] + 1)

    def test_revoked_key_shows_nothing(self):
        result = self.create_page(slug="revoked-board", sections=[ALL_SECTIONS[3], ALL_SECTIONS[8]])
        self.publish(result)
        self.key_full.action_revoke()
        data = self.visit("/mcp-page/revoked-board/data").json()
        self.assertEqual(data["sections"][0]["error"], "The data of this page is not available.")
        self.assertNotIn("value", data["sections"][0])
        self.assertIn("Odoo", data["sections"][1]["html"])

    def test_period_filter(self):
        result = self.create_page(slug="period-board", sections=[ALL_SECTIONS[0], ALL_SECTIONS[4]], filters=[
            {"name": "period", "type": "period", "choices": ["this_month", "last_year", "all"],
             "default": "this_month"}])
        self.publish(result)
        data = self.visit("/mcp-page/period-board/data", {"period": "last_year"}).json()
        self.assertEqual(data["filters"], {"period": "last_year"})
        self.assertEqual(data["sections"][0]["period"]["name"], "last_year")
        self.assertEqual(data["sections"][0]["value"], 0)
        # Values outside the declared choices fall back to the default.
        data = self.visit("/mcp-page/period-board/data", {"period": "last_365_days"}).json()
        self.assertEqual(data["filters"], {"period": "this_month"})
        # Comparing two periods needs a period: under "all time" the visitor is told so.
        data = self.visit("/mcp-page/period-board/data", {"period": "all"}).json()
        self.assertEqual(data["sections"][1]["error"], "Choose a period to compare.")
        self.assertNotIn("delta", data["sections"][0])
