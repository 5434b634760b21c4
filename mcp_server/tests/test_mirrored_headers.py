"""Tool arguments mirrored into ``Mcp-Param-{Name}`` headers (``x-mcp-header``, 2026-07-28 Streamable HTTP):
checked against the body before the tool runs (HTTP 400, -32020 HeaderMismatch); annotations every client
would refuse are refused when the tool is declared."""
import base64
from unittest.mock import patch

from odoo.tests import tagged

from ..lib.mirrored_headers import mirrored_parameters
from ..lib.tool_schema import lint
from ..models.mcp_tool_spec import ToolSpec
from .common import McpCase

MODERN = "2026-07-28"
TOOL = "route_query"
SCHEMA = {"properties": {
    "region": {"type": "string", "x-mcp-header": "Region"},
    "shard": {"type": "integer", "x-mcp-header": "Shard"},
    "verbose": {"type": "boolean", "x-mcp-header": "Verbose"},
    "target": {"type": "object", "properties": {"site": {"type": "string", "x-mcp-header": "Site"}}},
    "query": {"type": "string"}}, "additionalProperties": False}
ARGUMENTS = {"region": "us-west1", "shard": 42, "verbose": True, "target": {"site": "Lyon"}, "query": "x"}
HEADERS = {"Mcp-Param-Region": "us-west1", "Mcp-Param-Shard": "42", "Mcp-Param-Verbose": "true",
           "Mcp-Param-Site": "Lyon"}


def encoded(text):
    return "=?base64?%s?=" % base64.b64encode(text.encode()).decode()


@tagged("post_install", "-at_install")
class TestMirroredHeaders(McpCase):

    def setUp(self):
        super().setUp()
        self.ran = []
        registry_class = type(self.env["mcp.tool.registry"])
        spec = ToolSpec(TOOL, "Route query", "Echoes its arguments.", SCHEMA, frames_data=False)
        spec.method_name, spec.module = "_tool_route_query", "mcp_server"
        catalog = dict(self.env["mcp.tool.registry"]._catalog(), **{TOOL: spec})
        for patcher in (patch.object(registry_class, "_mcp_catalog_cache", catalog),
                        patch.object(registry_class, "_tool_route_query", create=True,
                                     new=lambda registry, call, args: self.ran.append(args) or {"echo": args})):
            patcher.start()
            self.addCleanup(patcher.stop)

    def call(self, arguments, headers, name=TOOL):
        params = {"name": name, "arguments": arguments, "_meta": {
            "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1"}}}
        return self.http("POST", self.secret_full, self.message("tools/call", params), dict(
            {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": name}, **headers))

    def assertAccepted(self, arguments, headers):
        response = self.call(arguments, headers)
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()["result"]
        self.assertFalse(result["isError"], result)
        self.assertEqual(result["structuredContent"], {"echo": arguments})

    def assertRefused(self, arguments, headers, *fragments):
        response = self.call(arguments, headers)
        self.assertEqual(response.status_code, 400, response.text)
        error = response.json()["error"]
        self.assertEqual(error["code"], -32020)
        for fragment in fragments:
            self.assertIn(fragment, error["message"])
        self.assertEqual(self.ran, [], "the tool must not run")
        row = self.last_audit(self.key_full)
        self.assertEqual(row.status, "protocol_error")
        self.assertIn(fragments[0], row.error)
        return error

    def test_headers_matching_the_arguments_are_accepted(self):
        self.assertAccepted(ARGUMENTS, HEADERS)
        # Header names ignore case; integers compare as numbers; non-ASCII and padded values come in Base64.
        self.assertAccepted({"region": "Zürich ", "shard": 7}, {
            "mcp-param-region": encoded("Zürich "), "MCP-PARAM-SHARD": "7.0"})
        # A value that only looks like Base64 (no sentinel on both sides) is literal.
        self.assertAccepted({"region": "SGVsbG8="}, {"Mcp-Param-Region": "SGVsbG8="})
        self.assertAccepted({"region": "=?base64?SGVsbG8="}, {"Mcp-Param-Region": "=?base64?SGVsbG8="})
        self.assertAccepted({"region": "Hello"}, {"Mcp-Param-Region": "=?base64?SGVsbG8=?="})
        # Absent arguments expect no header; headers of other names are not ours to check.
        self.assertAccepted({"query": "x"}, {"Mcp-Param-Other": "anything"})
        self.assertEqual(len(self.ran), 6)

    def test_a_header_disagreeing_with_the_body_is_refused_before_the_tool_runs(self):
        self.assertRefused(ARGUMENTS, dict(HEADERS, **{"Mcp-Param-Region": "eu-west1"}),
                           "Mcp-Param-Region", "'eu-west1'", "'us-west1'")
        self.assertRefused(ARGUMENTS, dict(HEADERS, **{"Mcp-Param-Shard": "41"}), "Mcp-Param-Shard")
        self.assertRefused(ARGUMENTS, dict(HEADERS, **{"Mcp-Param-Verbose": "True"}), "Mcp-Param-Verbose")
        self.assertRefused(ARGUMENTS, dict(HEADERS, **{"Mcp-Param-Site": "Paris"}), "Mcp-Param-Site")
        self.assertRefused({"region": "Hello"}, {"Mcp-Param-Region": encoded("Hallo")}, "Mcp-Param-Region")

    def test_a_missing_or_unexpected_header_is_refused(self):
        headers = {key: value for key, value in HEADERS.items() if key != "Mcp-Param-Shard"}
        self.assertRefused(ARGUMENTS, headers, "Mcp-Param-Shard", "missing", "42")
        self.assertRefused({"region": "us-west1"}, {"Mcp-Param-Region": "us-west1", "Mcp-Param-Shard": "42"},
                           "Mcp-Param-Shard", "no value")

    def test_values_a_header_may_not_carry_are_refused(self):
        for value in ("=?base64?SGVsbG8?=", "=?base64?SGVs!!!bG8=?=", "=?base64?/w==?="):
            self.assertRefused({"region": "Hello"}, {"Mcp-Param-Region": value}, "Mcp-Param-Region", "not a valid")
        # Non-ASCII must travel in Base64: sent raw (as Latin-1 bytes), it is refused.
        self.assertRefused({"region": "Zürich"}, {"Mcp-Param-Region": "Zürich"}, "Mcp-Param-Region", "not a valid")

    def test_the_session_era_has_no_custom_headers(self):
        response = self.mcp(self.secret_full, "tools/call", {"name": TOOL, "arguments": {"region": "eu"}},
                            headers={"Mcp-Param-Region": "us"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["result"]["structuredContent"], {"echo": {"region": "eu"}})

    def test_annotations_clients_refuse_are_refused_at_declaration(self):
        self.assertEqual(mirrored_parameters(dict(SCHEMA, type="object")), (
            ("Region", ("region",)), ("Shard", ("shard",)), ("Verbose", ("verbose",)), ("Site", ("target", "site"))))
        refused = {
            "string, integer or boolean": {"a": {"type": "number", "x-mcp-header": "A"}},
            "not an HTTP field-name token": {"a": {"type": "string", "x-mcp-header": "My Region"}},
            "declared twice": {"a": {"type": "string", "x-mcp-header": "Region"},
                               "b": {"type": "string", "x-mcp-header": "REGION"}},
            "not reachable": {"a": {"type": "array", "items": {"type": "string", "x-mcp-header": "A"}}},
        }
        for reason, properties in refused.items():
            with self.assertRaises(ValueError) as caught:
                ToolSpec("bad_tool", "Bad", "Bad.", {"properties": properties})
            self.assertIn("tool bad_tool", str(caught.exception))
            self.assertIn(reason, str(caught.exception))
        # Gemini's typed function parameters refuse the keyword: the server's own tools do not declare it.
        self.assertIn(("t.region", "uses x-mcp-header"), lint(dict(SCHEMA, type="object"), "t"))
