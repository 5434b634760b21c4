"""What /mcp answers to input it cannot trust: a forged Host header, text PostgreSQL cannot store, bodies
nested deeper than any call needs. Each gets a clear answer, never an internal error."""
import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import McpCase

NUL_MESSAGE = "text may not contain NUL characters"


@tagged("post_install", "-at_install")
class TestUntrustedInput(McpCase):

    def test_challenge_urls_come_from_configuration_not_host(self):
        # A forged Host is refused before authentication: no challenge can carry it.
        for headers in ({"Host": "evil.example"}, {"Host": "evil.example:8069", "X-Forwarded-Host": "evil.example"}):
            response = self.http("POST", None, self.message("ping"), headers)
            self.assertEqual(response.status_code, 403)
            self.assertNotIn("evil.example", response.headers.get("WWW-Authenticate", ""))
        # Without a key, on this server's own address: the 401 challenge names the configured public URL.
        response = self.http("POST", None, self.message("ping"), {"X-Forwarded-Host": "evil.example"})
        self.assertEqual(response.status_code, 401)
        configured = self.env["ir.config_parameter"].sudo().get_param("web.base.url").rstrip("/")
        challenge = response.headers["WWW-Authenticate"]
        self.assertIn('resource_metadata="%s/.well-known/oauth-protected-resource/mcp"' % configured, challenge)
        self.assertNotIn("evil.example", challenge)

    def test_forged_host_does_not_make_an_origin_our_own(self):
        # A page on evil.example (e.g. by DNS rebinding) sends Host and Origin of its own name.
        response = self.mcp(self.secret_full, "ping", session=False,
                            headers={"Host": "evil.example", "Origin": "http://evil.example"})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    @mute_logger("odoo.sql_db", "odoo.http")
    def test_nul_characters_are_refused_with_a_clear_error(self):
        partner = self.env["res.partner"].create({"name": "Nul Check", "city": "Lyon"})
        for name, arguments in (
                ("search_read", {"model": "res.partner", "domain": [["name", "ilike", "a\u0000b"]]}),
                ("write", {"model": "res.partner", "ids": [partner.id], "values": {"city": "x\u0000"}}),
                ("read", {"model": "res.partner\u0000", "ids": [partner.id]})):
            error = self.rpc_error(self.secret_full, "tools/call", {"name": name, "arguments": arguments},
                                   status=400)
            self.assertEqual(error["code"], -32600, name)
            self.assertIn(NUL_MESSAGE, error["message"])
        # A NUL in a key of an object, or in a resource URI, is refused the same way.
        error = self.rpc_error(self.secret_full, "resources/read", {"uri": "odoo://record/res.partner/1\u0000"},
                               status=400)
        self.assertIn(NUL_MESSAGE, error["message"])
        error = self.rpc_error(self.secret_full, "tools/call", {"name": "search_read", "arguments": {
            "model": "res.partner", "context": {"lang\u0000": "en_US"}}}, status=400)
        self.assertIn(NUL_MESSAGE, error["message"])
        self.assertEqual(partner.city, "Lyon")
        # The key keeps working.
        self.assertEqual(self.rpc(self.secret_full, "ping"), {})

    def test_deep_nesting_is_refused_not_an_internal_error(self):
        for depth in (150, 5000):
            body = "[" * depth + "]" * depth
            error = self.rpc_error(self.secret_full, None, raw_body=body, status=400)
            self.assertEqual(error["code"], -32600, depth)
            self.assertIn("nested deeper than 64 levels", error["message"])
        nested = {"model": "res.partner", "domain": json.loads("[" * 80 + "]" * 80)}
        error = self.rpc_error(self.secret_full, "tools/call", {"name": "search_read", "arguments": nested},
                               status=400)
        self.assertIn("nested deeper than 64 levels", error["message"])
