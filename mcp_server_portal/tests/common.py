"""Shared base class of the portal page tests: pages made through the MCP tools, visits over HTTP."""
from urllib.parse import urlencode

from odoo import Command
from odoo.addons.mcp_server.tests.common import McpCase
from odoo.tests import new_test_user, tagged

ALL_SECTIONS = [
    {"type": "kpi", "title": "New contacts", "model": "res.partner", "date_field": "create_date",
     "period": "this_month"},
    {"type": "chart", "title": "Contacts by kind", "chart_type": "bar", "model": "res.partner",
     "groupby": ["is_company"]},
    {"type": "table", "title": "Contacts", "model": "res.partner", "fields": ["name", "city", "create_date"],
     "order": "name asc", "limit": 50},
    {"type": "progress", "title": "Goal", "model": "res.partner", "target": 10},
    {"type": "comparison", "title": "This month vs last", "model": "res.partner", "date_field": "create_date",
     "period": "this_month"},
    {"type": "timeline", "title": "Latest", "model": "res.partner", "date_field": "create_date", "limit": 5},
    {"type": "metric_grid", "title": "Figures", "model": "res.partner",
     "metrics": [{"measure": "__count", "label": "Contacts"}, {"measure": "parent_id:count_distinct"}]},
    {"type": "heatmap", "title": "Activity", "model": "res.partner", "date_field": "create_date"},
    {"type": "rich_text", "title": "About", "body": "<p>Figures from <strong>Odoo</strong>.</p>"},
]


@tagged("post_install", "-at_install")
class PortalCase(McpCase):
    """McpCase plus a portal user and helpers to build, publish and visit pages.

    ``key_full`` (user A, every operation on partners and tags) and ``key_scoped`` (companies only, no email)
    come from McpCase; both act as ``user_a``, an MCP User.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(cls.env, login="mcp_portal_visitor", groups="base.group_portal",
                                        name="Paula Portal")
        cls.user_c = new_test_user(
            cls.env, login="mcp_user_c", groups="base.group_user,mcp_server.group_mcp_user", name="Carl MCP",
            company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])
        cls.key_c, cls.secret_c = cls._make_key("user C key", cls.user_c, cls.profile_full)

    def create_page(self, secret=None, **arguments):
        arguments.setdefault("title", "Test page")
        arguments.setdefault("sections", [ALL_SECTIONS[0]])
        return self.tool_ok(secret or self.secret_full, "create_portal_page", arguments)

    def page(self, result):
        return self.env["mcp.portal.page"].browse(result["id"])

    def publish(self, result, **values):
        page = self.page(result)
        page.sudo().write(dict(values, published=True))
        return page

    def visit(self, path, params=None, allow_redirects=True):
        """GET a portal page path (e.g. '/mcp-page/x/data') without following redirects unless told."""
        query = "?" + urlencode(params) if params else ""
        return self.url_open(path + query, allow_redirects=allow_redirects)
