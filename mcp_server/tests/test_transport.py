"""Streamable HTTP transport rules of /mcp: status codes, headers, JSON-RPC errors."""
import json
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PROTOCOL_VERSION, McpCase


@tagged("post_install", "-at_install")
class TestTransport(McpCase):

    def test_initialize_negotiates_version_and_opens_session(self):
        response = self.http("POST", self.secret_full, self.message("initialize", {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}))
        self.assertEqual(response.status_code, 200)
        result = response.json()["result"]
        self.assertEqual(result["protocolVersion"], "2025-06-18")
        self.assertEqual(response.headers["MCP-Protocol-Version"], "2025-06-18")
        self.assertIn("tools", result["capabilities"])
        self.assertEqual(result["serverInfo"]["name"], "odoo-mcp-server")
        self.assertIn("Ann MCP", result["instructions"])
        session = self.env["mcp.session"].search([("name", "=", response.headers["MCP-Session-Id"])])
        self.assertEqual((session.key_id, session.client_name), (self.key_full, "t"))

        # An unknown requested version is answered with the latest one.
        response = self.http("POST", self.secret_full, self.message("initialize", {
            "protocolVersion": "1999-01-01", "capabilities": {}}))
        self.assertEqual(response.json()["result"]["protocolVersion"], PROTOCOL_VERSION)

    def test_missing_or_invalid_key_is_401_with_challenge(self):
        for secret in (None, "mcpk_thisIsNotAValidKeyAtAll", "garbage"):
            response = self.http("POST", secret, self.message("ping"))
            self.assertEqual(response.status_code, 401, secret)
            challenge = response.headers["WWW-Authenticate"]
            self.assertTrue(challenge.startswith("Bearer "), challenge)
            self.assertIn('realm="Odoo MCP"', challenge)
            self.assertIn('resource_metadata="%s/.well-known/oauth-protected-resource/mcp"' % self.base_url(),
                          challenge)
            message = response.json()["error"]["message"]
            if secret:
                self.assertIn('error="invalid_token"', challenge)
                # A key was sent: say it was refused and where to look, not to send one.
                self.assertIn("The key sent was not accepted", message)
                self.assertIn("MCP Server → Keys", message)
            else:
                self.assertIn("send 'Authorization: Bearer <key>'", message)
            self.assertEqual(response.json()["error"]["code"], -32600)
        # A valid key in another auth scheme is not accepted either.
        response = self.http("POST", None, self.message("ping"), {"Authorization": "Basic %s" % self.secret_full})
        self.assertEqual(response.status_code, 401)

    def test_content_type_must_be_json(self):
        response = self.http("POST", self.secret_full, json.dumps(self.message("ping")),
                             {"Content-Type": "text/plain"})
        self.assertEqual(response.status_code, 415)
        response = self.http("POST", self.secret_full, json.dumps(self.message("ping")), content_type=False)
        self.assertEqual(response.status_code, 415)
        response = self.http("POST", self.secret_full, self.message("ping"),
                             {"Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(response.status_code, 200)

    def test_accept_must_allow_json(self):
        response = self.http("POST", self.secret_full, self.message("ping"), {"Accept": "text/html"})
        self.assertEqual(response.status_code, 406)

    def test_body_over_limit_is_413(self):
        self.env["ir.config_parameter"].set_param("mcp_server.max_payload_kb", "1")
        big = self.message("ping", {"padding": "x" * 4096})
        response = self.http("POST", self.secret_full, big)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"]["code"], -32600)
        self.assertIn("1 KB", response.json()["error"]["message"])
        self.assertIn("send less data per call", response.json()["error"]["message"])
        self.assertIn("Maximum request size", response.json()["error"]["message"])
        self.assertEqual(self.http("POST", self.secret_full, self.message("ping")).status_code, 200)

    def test_unsupported_protocol_version_header_is_400(self):
        response = self.mcp(self.secret_full, "tools/list", headers={"MCP-Protocol-Version": "2024-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("2025-11-25", response.json()["error"]["message"])
        for version in ("2025-11-25", "2025-06-18", "2025-03-26"):
            response = self.mcp(self.secret_full, "tools/list", headers={"MCP-Protocol-Version": version})
            self.assertEqual(response.status_code, 200, version)

    def test_parse_error(self):
        error = self.rpc_error(self.secret_full, None, raw_body=b'{"jsonrpc": "2.0", "id": 1, "method": ',
                               status=400)
        self.assertEqual(error["code"], -32700)
        error = self.rpc_error(self.secret_full, None, raw_body=b"\xff\xfe\x00", status=400)
        self.assertEqual(error["code"], -32700)

    def test_invalid_request(self):
        for body in ({"id": 1, "method": "ping"}, {"jsonrpc": "1.0", "id": 1, "method": "ping"},
                     {"jsonrpc": "2.0", "id": 1, "method": 42}, {"jsonrpc": "2.0", "id": [1], "method": "ping"},
                     17, "ping", [1, 2]):
            error = self.rpc_error(self.secret_full, None, raw_body=json.dumps(body), status=400)
            self.assertEqual(error["code"], -32600, body)

    def test_batches_refused_from_2025_06_18_allowed_before(self):
        batch = [self.message("ping"), self.message("ping")]
        error = self.rpc_error(self.secret_full, None, raw_body=json.dumps(batch), status=400,
                               headers={"MCP-Protocol-Version": "2025-06-18"})
        self.assertEqual(error["code"], -32600)
        response = self.mcp(self.secret_full, None, raw_body=json.dumps(batch),
                            headers={"MCP-Protocol-Version": "2025-03-26"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([reply["result"] for reply in response.json()], [{}, {}])

    def test_unknown_method_is_32601(self):
        error = self.rpc_error(self.secret_full, "tools/frobnicate")
        self.assertEqual(error["code"], -32601)
        self.assertIn("tools/frobnicate", error["message"])

    def test_denials_say_what_an_administrator_changes(self):
        where = "An MCP administrator can change the profile under MCP Server → Configuration → Access Profiles."
        self.tool_error(self.secret_read, "create", {"model": "res.partner", "values": {"name": "Nobody"}},
                        "Tool create is not available with this key's access profile: its scope preset allows "
                        "read tools at most, and create is a write tool.", where)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Nobody")]))
        # Whatever the arguments: a tool the key may not use does not describe them.
        text = self.tool_error(self.secret_read, "create", {"bogus": 1}, "Tool create is not available")
        self.assertNotIn("values", text)
        self.assertEqual(self.last_audit(self.key_read).status, "denied")
        self.tool_error(self.secret_full, "search_read", {"model": "res.users"},
                        "Model 'res.users' is not allowed for this key: its access profile has no rule for it.",
                        "MCP Server → Configuration → Access Profiles")
        self.profile_full.tool_ids = self.env["mcp.tool"].search([("name", "=", "search_read")])
        self.tool_error(self.secret_full, "search_count", {"model": "res.partner"},
                        "search_count is not in its tool allowlist", where)

    def test_unknown_tool_is_32602_and_invalid_arguments_a_tool_error(self):
        error = self.rpc_error(self.secret_full, "tools/call", {"name": "serch_read", "arguments": {}})
        self.assertEqual(error["code"], -32602)
        self.assertIn("search_read", error["message"], "the error should suggest the closest tool name")
        self.tool_error(self.secret_full, "search_read", {}, "missing required argument 'model'")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "limit": "ten", "colour": "blue"},
                        "unknown argument 'colour'", "'limit' must be of type integer, got ten")
        # Several missing arguments of one tool are named once, each once.
        text = self.tool_error(self.secret_full, "timeseries", {"model": "res.partner", "date_field": "create_date"},
                               "missing required argument 'granularity', 'date_from', 'date_to'")
        self.assertEqual(text.count("missing required argument"), 1, text)
        error = self.rpc_error(self.secret_full, "tools/call", {"name": "search_read", "arguments": [1]})
        self.assertEqual(error["code"], -32602)
        error = self.rpc_error(self.secret_full, "tools/list", {"cursor": "not-a-cursor"})
        self.assertEqual(error["code"], -32602)
        error = self.rpc_error(self.secret_full, None, raw_body=json.dumps(
            {"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": [1]}))
        self.assertEqual((error["code"]), -32602)

    def test_notification_is_202_without_body(self):
        response = self.mcp(self.secret_full, "notifications/initialized", notification=True)
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.content, b"")
        # A client response to a server request is accepted the same way.
        response = self.mcp(self.secret_full, None, raw_body=json.dumps({"jsonrpc": "2.0", "id": 9, "result": {}}))
        self.assertEqual(response.status_code, 202)

    def test_get_is_405(self):
        response = self.http("GET", self.secret_full)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers["Allow"], "POST, DELETE, OPTIONS")
        # A person opening the URL in a browser learns what it is rather than seeing a blank page.
        self.assertIn("MCP Server → Keys → Connect a Client", response.json()["error"]["message"])
        self.assertIn("POST", response.headers["Allow"])

    def test_session_required_unknown_and_ended(self):
        # ping and initialize need no session; other methods do.
        self.assertEqual(self.rpc(self.secret_full, "ping", session=False), {})
        error = self.rpc_error(self.secret_full, "tools/list", session=False, status=400)
        self.assertIn("MCP-Session-Id", error["message"])
        error = self.rpc_error(self.secret_full, "tools/list", session=False, status=404,
                               headers={"MCP-Session-Id": "no-such-session"})
        # A session belongs to the key that opened it.
        session_id = self.session_id(self.secret_full)
        self.rpc_error(self.secret_scoped, "tools/list", session=False, status=404,
                       headers={"MCP-Session-Id": session_id})

        response = self.http("DELETE", self.secret_full, headers={"MCP-Session-Id": session_id})
        self.assertEqual(response.status_code, 204)
        self.rpc_error(self.secret_full, "tools/list", status=404)
        self.assertEqual(self.http("DELETE", self.secret_full, headers={"MCP-Session-Id": session_id}).status_code,
                         404)
        self.assertEqual(self.http("DELETE", self.secret_full).status_code, 400)
        self.assertFalse(self.env["mcp.session"].with_context(active_test=False).search(
            [("name", "=", session_id)]).active)

    def test_foreign_origin_is_403(self):
        response = self.mcp(self.secret_full, "ping", session=False, headers={"Origin": "https://evil.example"})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        # The server's own origin is always allowed.
        response = self.mcp(self.secret_full, "ping", session=False, headers={"Origin": self.base_url()})
        self.assertEqual(response.status_code, 200)

    def test_cors_preflight_for_configured_origin(self):
        self.env["ir.config_parameter"].set_param(
            "mcp_server.allowed_origins", "https://app.example, https://other.example")
        response = self.http("OPTIONS", headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, mcp-session-id"})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "https://app.example")
        self.assertIn("POST", response.headers["Access-Control-Allow-Methods"])
        self.assertIn("MCP-Session-Id", response.headers["Access-Control-Allow-Headers"])
        self.assertIn("Authorization", response.headers["Access-Control-Allow-Headers"])

        response = self.http("OPTIONS", headers={"Origin": "https://evil.example"})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)

        response = self.mcp(self.secret_full, "ping", session=False, headers={"Origin": "https://other.example"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "https://other.example")
        self.assertIn("MCP-Session-Id", response.headers["Access-Control-Expose-Headers"])

    def test_disabled_server_is_503(self):
        self.env["ir.config_parameter"].set_param("mcp_server.enabled", "False")
        response = self.http("POST", self.secret_full, self.message("ping"))
        self.assertEqual(response.status_code, 503)
        self.assertIn("disabled", response.json()["error"]["message"])
        self.env["ir.config_parameter"].set_param("mcp_server.enabled", "True")
        self.assertEqual(self.http("POST", self.secret_full, self.message("ping")).status_code, 200)

    def _internal_error(self):
        registry_class = type(self.env["mcp.tool.registry"])
        with patch.object(registry_class, "_tool_search_count", side_effect=RuntimeError("secret detail")), \
                mute_logger("odoo.addons.mcp_server.models.mcp_server"):
            response = self.mcp(self.secret_full, "tools/call", {
                "name": "search_count", "arguments": {"model": "res.partner"}})
        self.assertEqual(response.status_code, 200)
        return response.json()["error"]

    def test_internal_error_hides_detail(self):
        self.session_id(self.secret_full)
        error = self._internal_error()
        self.assertEqual(error["code"], -32603)
        self.assertNotIn("secret detail", json.dumps(error))
        self.assertEqual(self.last_audit(self.key_full).status, "internal_error")

    def test_internal_error_detail_when_configured(self):
        self.env["ir.config_parameter"].set_param("mcp_server.show_internal_errors", "True")
        self.session_id(self.secret_full)
        error = self._internal_error()
        self.assertEqual(error["code"], -32603)
        self.assertIn("secret detail", error["message"])

    def test_list_pagination_cursor(self):
        server = self.env["mcp.server"]
        items = list(range(120))
        first = server._paginate(items, {}, "items")
        self.assertEqual(first["items"], items[:50])
        second = server._paginate(items, {"cursor": first["nextCursor"]}, "items")
        self.assertEqual(second["items"], items[50:100])
        third = server._paginate(items, {"cursor": second["nextCursor"]}, "items")
        self.assertEqual(third["items"], items[100:])
        self.assertNotIn("nextCursor", third)
        # Over HTTP: every tool fits one page here, and a forged cursor is refused.
        tools = self.rpc(self.secret_full, "tools/list")
        self.assertIn("search_read", {tool["name"] for tool in tools["tools"]})
        for cursor in ("not-a-cursor", "eyJvIjogLTF9", 12):
            error = self.rpc_error(self.secret_full, "tools/list", {"cursor": cursor})
            self.assertEqual(error["code"], -32602, cursor)

    def test_header_values_are_read_without_surrounding_white_space(self):
        # RFC 9110 §5.5: a field value excludes the optional white space around it.
        meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"}}
        params = {"name": "search_read", "arguments": {"model": "res.partner", "limit": 1}, "_meta": meta}
        # (Leading white space is cut by the HTTP stack on both sides already; trailing white space reaches us.)
        headers = {"MCP-Protocol-Version": "2026-07-28\t", "Mcp-Method": "tools/call ", "Mcp-Name": "search_read  "}
        response = self.http("POST", self.secret_full, self.message("tools/call", params), headers)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertNotIn("error", response.json())
        headers["Mcp-Name"] = "search_count "
        response = self.http("POST", self.secret_full, self.message("tools/call", params), headers)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Header mismatch", response.text)
