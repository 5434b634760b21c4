"""MCP Apps views (extension io.modelcontextprotocol/ui): tools name their view only to clients that declared
the extension, and the ui:// resources are self-contained HTML with a declared CSP."""
import base64
import hashlib
import json
import re

from odoo.tests import tagged

from ..lib.app_views import CSP, EXTENSION_ID, MIME_TYPE
from .common import PROTOCOL_VERSION, McpCase

MODERN = "2026-07-28"
UI_CAPABILITIES = {"extensions": {EXTENSION_ID: {"mimeTypes": [MIME_TYPE]}}}
VIEWS = {"timeseries": "ui://odoo/chart", "aggregate": "ui://odoo/chart", "top_n": "ui://odoo/chart",
         "pivot": "ui://odoo/chart", "compare_periods": "ui://odoo/chart", "funnel": "ui://odoo/chart",
         "cohort": "ui://odoo/chart", "search_read": "ui://odoo/table", "read": "ui://odoo/record",
         "create": "ui://odoo/changes", "write": "ui://odoo/changes", "unlink": "ui://odoo/changes"}


@tagged("post_install", "-at_install")
class TestAppViews(McpCase):

    def open_session(self, secret, capabilities):
        """A session whose client declared ``capabilities``; returns the initialize result."""
        response = self.http("POST", secret, self.message("initialize", {
            "protocolVersion": PROTOCOL_VERSION, "capabilities": capabilities,
            "clientInfo": {"name": "apps-host", "version": "1"}}))
        self.assertEqual(response.status_code, 200, response.text)
        self._sessions[secret] = response.headers["MCP-Session-Id"]
        return response.json()["result"]

    def modern(self, secret, method, params, capabilities):
        meta = {"io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientCapabilities": capabilities,
                "io.modelcontextprotocol/clientInfo": {"name": "apps-host", "version": "1"}}
        headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method}
        response = self.http("POST", secret, self.message(method, dict(params, _meta=meta)), headers)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()["result"]

    def tool_views(self, tools):
        return {tool["name"]: (tool.get("_meta") or {}).get("ui", {}).get("resourceUri") for tool in tools}

    def test_tools_name_their_view_to_hosts_that_declared_the_extension(self):
        result = self.open_session(self.secret_full, UI_CAPABILITIES)
        self.assertEqual(result["capabilities"]["extensions"][EXTENSION_ID], {})
        tools = self.rpc(self.secret_full, "tools/list")["tools"]
        views = self.tool_views(tools)
        self.assertEqual({name: views[name] for name in VIEWS}, VIEWS)
        self.assertIsNone(views["list_models"])
        timeseries = next(tool for tool in tools if tool["name"] == "timeseries")
        self.assertEqual(timeseries["_meta"]["ui/resourceUri"], "ui://odoo/chart", "the flat key older hosts read")
        modern = self.modern(self.secret_full, "tools/list", {}, UI_CAPABILITIES)
        self.assertEqual(self.tool_views(modern["tools"])["search_read"], "ui://odoo/table")
        discover = self.modern(self.secret_full, "server/discover", {}, {})
        self.assertIn(EXTENSION_ID, discover["capabilities"]["extensions"])

    def test_hosts_without_the_extension_get_the_tools_unchanged(self):
        for capabilities in ({}, {"extensions": {EXTENSION_ID: {}}}):  # mimeTypes is required
            self._sessions.clear()
            self.open_session(self.secret_full, capabilities)
            tools = self.rpc(self.secret_full, "tools/list")["tools"]
            self.assertFalse([tool["name"] for tool in tools if "_meta" in tool], capabilities)
            uris = [resource["uri"] for resource in self.rpc(self.secret_full, "resources/list")["resources"]]
            self.assertFalse([uri for uri in uris if uri.startswith("ui://")])
        modern = self.modern(self.secret_full, "tools/list", {}, {})
        self.assertFalse([tool["name"] for tool in modern["tools"] if "_meta" in tool])
        result = self.call_tool(self.secret_full, "search_read", {"model": "res.partner", "limit": 1})
        self.assertEqual(set(result), {"content", "structuredContent", "isError"})

    def test_views_are_listed_and_read_with_their_csp(self):
        self.open_session(self.secret_full, UI_CAPABILITIES)
        listed = {resource["uri"]: resource for resource in self.rpc(self.secret_full, "resources/list")["resources"]
                  if resource["uri"].startswith("ui://")}
        self.assertEqual(sorted(listed), ["ui://odoo/changes", "ui://odoo/chart", "ui://odoo/record",
                                          "ui://odoo/table"])
        for uri, resource in listed.items():
            self.assertEqual(resource["mimeType"], MIME_TYPE)
            self.assertEqual(resource["_meta"]["ui"]["csp"], CSP)
            content = self.rpc(self.secret_full, "resources/read", {"uri": uri})["contents"][0]
            self.assertEqual((content["uri"], content["mimeType"]), (uri, MIME_TYPE))
            self.assertEqual(content["_meta"]["ui"], {"csp": CSP, "prefersBorder": True})
            html = content["text"]
            self.assertTrue(html.startswith("<!DOCTYPE html>"), uri)
            self.assertIn("default-src 'none'", html)
            # Only the document's own scripts run: each is named by its hash, and nothing inline else.
            script_src = re.search(r"script-src ([^;]*);", html).group(1)
            self.assertNotIn("unsafe", script_src)
            codes = re.findall(r"<script>(.*?)</script>", html, re.S)
            self.assertEqual(sorted(script_src.split()), sorted(
                "'sha256-%s'" % base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() for code in codes))
            self.assertIn("ui/initialize", html)
            # Self-contained: no script, style sheet, image or frame fetched from anywhere.
            self.assertFalse(re.findall(r"<(?:script|img|iframe|link)[^>]*\s(?:src|href)=", html), uri)
        chart = self.rpc(self.secret_full, "resources/read", {"uri": "ui://odoo/chart"})["contents"][0]["text"]
        self.assertIn("Chart.js v4", chart, "Odoo's bundled Chart.js is inlined")
        self.assertIn("McpChart", chart)

    def test_views_follow_the_key_tools(self):
        # A key without profile may use no record tool: no view is offered, nor readable.
        self.open_session(self.secret_none, UI_CAPABILITIES)
        uris = [resource["uri"] for resource in self.rpc(self.secret_none, "resources/list")["resources"]]
        self.assertFalse([uri for uri in uris if uri.startswith("ui://")])
        error = self.rpc_error(self.secret_none, "resources/read", {"uri": "ui://odoo/chart"})
        self.assertEqual(error["code"], -32002)
        error = self.rpc_error(self.secret_full, "resources/read", {"uri": "ui://odoo/nothing"})
        self.assertEqual(error["code"], -32002)

    def test_views_speak_the_key_users_language(self):
        # The texts come as a JSON data block, which runs nothing: the script hashes are those of the code.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.user_a.lang = "fr_FR"
        self.open_session(self.secret_full, UI_CAPABILITIES)
        html = self.rpc(self.secret_full, "resources/read", {"uri": "ui://odoo/chart"})["contents"][0]["text"]
        self.assertIn('<html lang="fr">', html)
        block = re.search(r'<script type="application/json" id="mcp-strings">(.*?)</script>', html, re.S).group(1)
        strings = json.loads(block)
        self.assertEqual(strings["Click a bar or point to list its records."],
                         "Cliquez sur une barre ou un point pour lister ses enregistrements.")
        self.assertEqual(strings["%(label)s: %(count)s records"], "%(label)s : %(count)s enregistrements")
        script_src = re.search(r"script-src ([^;]*);", html).group(1)
        codes = re.findall(r"<script>(.*?)</script>", html, re.S)
        self.assertEqual(sorted(script_src.split()), sorted(
            "'sha256-%s'" % base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() for code in codes))
        # In English, no translation to carry: the views fall back to their own texts.
        self.user_a.lang = "en_US"
        html = self.rpc(self.secret_full, "resources/read", {"uri": "ui://odoo/chart"})["contents"][0]["text"]
        self.assertIn('<html lang="en">', html)
        self.assertIn('<script type="application/json" id="mcp-strings">{}</script>', html)
