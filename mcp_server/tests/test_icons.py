"""Icons (SEP-973): serverInfo, tools, resources, templates and prompts show images served on the public origin."""
from urllib.parse import urlsplit

from odoo.tests import tagged

from ..lib.origins import normalize_origin
from ..lib.skills import SKILLS
from .common import McpCase

MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "icon-tests", "version": "1"}}
SERVER_ICON = "/mcp_server/static/description/icon.png"


@tagged("post_install", "-at_install")
class TestIcons(McpCase):

    def setUp(self):
        super().setUp()
        self.base = self.env["ir.config_parameter"].sudo().get_param("web.base.url").rstrip("/")

    def initialize(self, version):
        """``(result, session id)`` of an initialize asking for protocol ``version``."""
        response = self.http("POST", self.secret_full, self.message("initialize", {
            "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "icon-tests", "version": "1"}}))
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()["result"], response.headers["MCP-Session-Id"]

    def assertPublicIcon(self, entity, path, typed=True):
        """``entity`` shows one PNG at ``path`` on the public origin, served to anyone without a login.

        ``typed``: with ``mimeType`` (tools/list leaves it out to stay small)."""
        expected = {"src": self.base + path, "mimeType": "image/png"} if typed else {"src": self.base + path}
        self.assertEqual(entity.get("icons"), [expected], entity)
        origins = self.env["mcp.server"]._settings()["public_origins"]
        self.assertTrue(origins.origin_allowed(normalize_origin(entity["icons"][0]["src"])))
        self.opener.cookies.clear()
        response = self.url_open(urlsplit(entity["icons"][0]["src"]).path)
        self.assertEqual(response.status_code, 200, path)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG"), path)

    def test_server_tools_resources_and_prompts_carry_icons(self):
        result, _session = self.initialize("2025-11-25")
        self.assertPublicIcon(result["serverInfo"], SERVER_ICON)
        tools = {tool["name"]: tool for tool in self.rpc(self.secret_full, "tools/list")["tools"]}
        # A generic record tool acts on any model: it carries no icon of its own, the server's stands for it.
        self.assertNotIn("icons", tools["search_read"])
        resources = {r["uri"]: r for r in self.rpc(self.secret_full, "resources/list")["resources"]}
        self.assertPublicIcon(resources["odoo://context"], SERVER_ICON)
        template = self.rpc(self.secret_full, "resources/templates/list")["resourceTemplates"][0]
        self.assertPublicIcon(template, SERVER_ICON)
        prompts = {p["name"]: p for p in self.rpc(self.secret_full, "prompts/list")["prompts"]}
        self.assertPublicIcon(prompts["explore_model"], SERVER_ICON)

    def test_a_tool_of_another_app_lists_its_icon(self):
        profile = self._make_profile("MCP icon test", "read_write", {
            "res.partner": {"ops": "read"}, "mail.template": {"ops": "read,create"}})
        _key, secret = self._make_key("icon key", self.user_a, profile)
        tools = {tool["name"]: tool for tool in self.rpc(secret, "tools/list")["tools"]}
        self.assertPublicIcon(tools["draft_email_template"], "/mail/static/description/icon.png", typed=False)

    def test_model_bound_tools_and_skills_show_their_app_icon(self):
        server = self.env["mcp.server"]
        catalog = self.env["mcp.tool.registry"]._catalog()
        mail_icon = "/mail/static/description/icon.png"
        self.assertEqual(server._tool_icon_path(catalog["preview_email_template"]), mail_icon)
        self.assertEqual(server._tool_icon_path(catalog["search_read"]), SERVER_ICON)
        onboarding = next(skill for skill in SKILLS if skill.name == "new-customer-onboarding")
        self.assertEqual(server._skill_icon_path(onboarding), "/base/static/description/icon.png")
        # A model of an app that is not installed falls back to the server's icon.
        self.assertEqual(server._app_icon_path("no.such.model"), SERVER_ICON)
        self.assertPublicIcon({"icons": server._icons(self._icon_call(), mail_icon)}, mail_icon)

    def _icon_call(self):
        class Call:
            protocol_version = "2025-11-25"
            settings = {"base_url": self.base}
        return Call()

    def test_modern_era_server_info_and_tools_carry_icons(self):
        headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"}
        response = self.http("POST", self.secret_full, self.message("tools/list", {"_meta": META}), headers)
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()["result"]
        self.assertPublicIcon(result["_meta"]["io.modelcontextprotocol/serverInfo"], SERVER_ICON)
        self.assertNotIn("icons", next(tool for tool in result["tools"] if tool["name"] == "search_read"))
        self.assertTrue(all(tool["icons"][0]["src"].startswith(self.base + "/") for tool in result["tools"]
                            if "icons" in tool))

    def test_older_protocol_versions_get_no_icons(self):
        for version in ("2025-06-18", "2025-03-26"):
            result, session = self.initialize(version)
            self.assertEqual(result["protocolVersion"], version)
            self.assertNotIn("icons", result["serverInfo"])
            headers = {"MCP-Session-Id": session, "MCP-Protocol-Version": version}
            for method, key in (("tools/list", "tools"), ("resources/list", "resources"),
                                ("resources/templates/list", "resourceTemplates"), ("prompts/list", "prompts")):
                entries = self.rpc(self.secret_full, method, session=False, headers=headers)[key]
                self.assertTrue(entries, method)
                self.assertFalse([entry for entry in entries if "icons" in entry], (version, method))
