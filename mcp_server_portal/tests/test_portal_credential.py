"""A page acts as its credential does now: under the credential's current access profile, and not at all once
the key is revoked or removed or the OAuth connection is revoked."""
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase

UNAVAILABLE = "The data of this page is not available."
EVALUATOR_LOG = "odoo.addons.mcp_server_portal.models.mcp_portal_evaluator"
EMAILS = {"type": "table", "title": "Emails", "model": "res.partner", "fields": ["name", "email"]}
COMPANIES = {"type": "kpi", "title": "Contacts", "model": "res.partner"}


@tagged("post_install", "-at_install")
class TestPortalCredential(PortalCase):

    def data(self, slug):
        with mute_logger(EVALUATOR_LOG):
            return self.visit("/mcp-page/%s/data" % slug).json()["sections"]

    def assertShowsNothing(self, slug):
        sections = self.data(slug)
        self.assertEqual([section.get("error") for section in sections], [UNAVAILABLE] * len(sections))
        self.assertNotIn("rows", sections[0])
        self.assertNotIn("value", sections[1])

    def test_page_follows_the_key_profile_change(self):
        page = self.publish(self.create_page(slug="follows-key", sections=[EMAILS, COMPANIES]))
        table, kpi = self.data("follows-key")
        self.assertIn("contact@acme.example", [row[1]["text"] for row in table["rows"]])
        everyone = self.env["res.partner"].with_user(self.user_a).search_count([])
        self.assertEqual(kpi["value"], everyone)
        # The administrator moves the key to the companies-only profile without email: the page follows at once.
        self.key_full.profile_id = self.profile_scoped
        self.assertEqual(page.profile_id, self.profile_scoped)
        table, kpi = self.data("follows-key")
        self.assertNotIn("rows", table)
        self.assertTrue(table["error"])
        self.assertNotEqual(table["error"], UNAVAILABLE)
        companies = self.env["res.partner"].with_user(self.user_a).search_count([("is_company", "=", True)])
        self.assertEqual(kpi["value"], companies)
        self.assertLess(companies, everyone)

    def test_revoked_key_shows_nothing(self):
        self.publish(self.create_page(slug="revoked-key", sections=[EMAILS, COMPANIES]))
        self.assertIn("rows", self.data("revoked-key")[0])
        self.key_full.action_revoke()
        self.assertShowsNothing("revoked-key")

    def test_page_of_an_odoo_api_key(self):
        """Bound to one of the user's Odoo API keys: the profile Settings give those keys now, and nothing
        once that key is removed (the user's other keys do not keep the page alive)."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mcp_server.native_key_profile_id", str(self.profile_full.id))
        apikeys = self.env["res.users.apikeys"].with_user(self.user_a)
        expiry = fields.Datetime.now() + timedelta(days=1)
        token = apikeys._generate(None, "dashboard", expiry)
        apikeys._generate(None, "other", expiry)
        page = self.publish(self.create_page(token, slug="native-key", sections=[EMAILS, COMPANIES]))
        native_key = apikeys.sudo().search([("user_id", "=", self.user_a.id), ("name", "=", "dashboard")])
        self.assertEqual(page.credential_ref, "odoo_apikey:%s:%s" % (self.user_a.id, native_key.id))
        self.assertEqual(page.profile_id, self.profile_full)
        self.assertIn("contact@acme.example", [row[1]["text"] for row in self.data("native-key")[0]["rows"]])
        params.set_param("mcp_server.native_key_profile_id", str(self.profile_scoped.id))
        self.env.registry.clear_cache()
        page.invalidate_recordset(["profile_id"])
        self.assertEqual(page.profile_id, self.profile_scoped)
        self.assertNotIn("rows", self.data("native-key")[0])
        native_key.with_user(self.user_a)._remove()
        self.assertShowsNothing("native-key")

    def test_revoked_oauth_connection_shows_nothing(self):
        if "mcp.oauth.grant" not in self.env:
            self.skipTest("OAuth connections need the mcp_server_oauth addon")
        client = self.env["mcp.oauth.client"].create({"name": "Dashboards", "profile_id": self.profile_full.id})
        grant = self.env["mcp.oauth.grant"].create({"client_id": client.id, "user_id": self.user_a.id,
                                                    "profile_id": self.profile_full.id, "scope": "mcp:read"})
        page = self.publish(self.create_page(slug="oauth-page", sections=[EMAILS, COMPANIES]))
        page.sudo().write({"key_id": False, "credential_ref": "oauth:%s" % grant.id, "user_id": self.user_a.id})
        self.assertEqual(page.profile_id, self.profile_full)
        self.assertIn("rows", self.data("oauth-page")[0])
        client.profile_id = self.profile_scoped
        self.assertNotIn("rows", self.data("oauth-page")[0])
        grant._revoke("disconnected")
        self.assertShowsNothing("oauth-page")
