"""The public services sibling addons call (RecordAccess, Analytics) enforce the credential's policy themselves."""
from odoo.tests import tagged

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..services import Analytics, RecordAccess, RecordExport
from .common import McpCase


@tagged("post_install", "-at_install")
class TestPublicServices(McpCase):

    def setUp(self):
        super().setUp()
        # As a sibling addon holds them: the key's user and the profile's cached policy.
        self.user_env = self.env(user=self.user_a)
        self.policy = self.env["mcp.access.policy"]._load(self.profile_scoped.id)
        self.records = RecordAccess(self.user_env, self.policy)
        self.analytics = Analytics(self.user_env, self.policy)

    def test_search_on_a_refused_model_is_denied(self):
        with self.assertRaisesRegex(AccessDeniedByPolicy, "res.users"):
            self.records.search("res.users", [("login", "=", "mcp_user_b")])

    def test_context_options_other_than_the_documented_ones_are_refused(self):
        with self.assertRaisesRegex(ToolError, "context takes only lang, tz, company_id, allowed_company_ids"):
            self.records.model("res.partner", "read", {"active_test": False})
        self.assertEqual(self.records.model("res.partner", "read", {"tz": "Asia/Tokyo"}).env.context["tz"],
                         "Asia/Tokyo")

    def test_search_stays_inside_the_record_domain_and_fields(self):
        found = self.records.search("res.partner", [("name", "ilike", "Ac")])
        self.assertIn(self.acme, found)
        self.assertNotIn(self.alice, found, "a person is outside the profile's domain (companies only)")
        with self.assertRaisesRegex(AccessDeniedByPolicy, "email"):
            self.records.search("res.partner", [("email", "ilike", "acme")])
        with self.assertRaisesRegex(AccessDeniedByPolicy, "email"):
            self.records.search("res.partner", [], order="email")

    def test_read_and_names_within_the_policy(self):
        Partner = self.user_env["res.partner"]
        with self.assertRaisesRegex(AccessDeniedByPolicy, "email"):
            self.records.fields_to_read(Partner, ["name", "email"])
        rows, failed = self.records.read(Partner.browse(self.acme.id), ["id", "name", "parent_id"])
        self.assertEqual((rows, failed), ([{"id": self.acme.id, "name": "Acme Corp", "parent_id": None}], {}))
        self.assertEqual(self.records.visible_names(Partner, [self.acme.id, self.alice.id]),
                         {self.acme.id: "Acme Corp"})

    def test_users_are_named_only_when_the_profile_reads_them(self):
        users = self.user_env["res.users"].browse([self.user_a.id, self.user_b.id])
        self.assertEqual(self.records.user_labels(users),
                         {self.user_a.id: "Ann MCP", self.user_b.id: "user #%s" % self.user_b.id})
        with self.assertRaisesRegex(ToolError, "does not grant res.users"):
            self.records.resolve_user("mcp_user_b")

    def test_analytics_checks_fields_and_counts_only_reachable_records(self):
        Partner = self.user_env["res.partner"]
        with self.assertRaisesRegex(AccessDeniedByPolicy, "email"):
            self.analytics.check_groupby(Partner, ["email"])
        domain = self.policy.secure_domain(Partner, [("id", "in", [self.acme.id, self.alice.id])])
        groups = self.analytics.grouped(Partner, domain, self.analytics.check_groupby(Partner, ["is_company"]),
                                        self.analytics.check_measures(Partner, None))
        self.assertEqual(groups, [{"is_company": True, "__count": 1}])

    def test_export_reads_under_the_policy(self):
        exporter = RecordExport(self.user_env, self.policy)
        Partner = self.user_env["res.partner"]
        with self.assertRaisesRegex(AccessDeniedByPolicy, "email"):
            exporter.file(Partner, [], ["name", "email"], file_format="csv")
        content, count = exporter.file(Partner, [("id", "in", [self.acme.id, self.alice.id])], ["name", "city"],
                                       file_format="csv")
        self.assertEqual(count, 1)
        self.assertEqual(content.decode("utf-8-sig").splitlines(), ["Name,City", "Acme Corp,Liège"])
