"""Rules of the protocol layer that need no server: public origins, signed request state, body parsing."""
import time
from unittest.mock import patch

from odoo.tests import BaseCase, tagged

from ..lib import jsonrpc
from ..lib.origins import PublicOrigins
from ..lib.request_state import RequestStateError, request_digest, sign_state, verify_state


@tagged("post_install", "-at_install")
class TestPublicOrigins(BaseCase):
    def test_loopback_public_url_accepts_loopback_names_only(self):
        origins = PublicOrigins("http://127.0.0.1:8069", "")
        for host in ("127.0.0.1:8069", "localhost:8069", "[::1]:8069", "localhost:9000"):
            self.assertTrue(origins.host_allowed(host), host)
        for host in ("evil.example.com", "evil.example.com:8069", "", "127.0.0.2:8069"):
            self.assertFalse(origins.host_allowed(host), host)
        self.assertTrue(origins.origin_allowed("http://localhost:8069"))
        self.assertFalse(origins.origin_allowed("http://localhost:3000"))
        self.assertFalse(origins.origin_allowed("http://evil.example.com"))

    def test_public_url_and_allowed_origins(self):
        origins = PublicOrigins("https://erp.example.com/", "https://app.example.com, http://intra.example:8080")
        self.assertTrue(origins.host_allowed("erp.example.com", "https"))
        self.assertTrue(origins.host_allowed("ERP.example.com:443"))
        self.assertTrue(origins.host_allowed("intra.example:8080"))
        self.assertFalse(origins.host_allowed("erp.example.com:8069"))
        self.assertFalse(origins.host_allowed("localhost:8069"))
        self.assertTrue(origins.origin_allowed("https://erp.example.com:443"))
        self.assertTrue(origins.origin_allowed("https://app.example.com"))
        self.assertFalse(origins.origin_allowed("https://app.example.com.evil.example"))
        self.assertFalse(origins.origin_allowed("null"))

    def test_wildcard_opens_origins_not_hosts(self):
        origins = PublicOrigins("https://erp.example.com", "*")
        self.assertTrue(origins.origin_allowed("https://anything.example"))
        self.assertFalse(origins.host_allowed("evil.example.com"))


@tagged("post_install", "-at_install")
class TestRequestState(BaseCase):
    def setUp(self):
        super().setUp()
        self.digest = request_digest("tools/call", "write", {"model": "res.partner", "ids": [1]})
        self.state = sign_state("secret", "mcp_key:1", self.digest, {"step": 1})

    def test_round_trip(self):
        self.assertEqual(verify_state("secret", self.state, "mcp_key:1", self.digest), {"step": 1})

    def test_refusals(self):
        other_request = request_digest("tools/call", "write", {"model": "res.partner", "ids": [2]})
        cases = {
            "tampered": ("secret", self.state[:-2] + "AA", "mcp_key:1", self.digest),
            "another secret": ("other", self.state, "mcp_key:1", self.digest),
            "another credential": ("secret", self.state, "mcp_key:2", self.digest),
            "another request": ("secret", self.state, "mcp_key:1", other_request),
            "garbage": ("secret", "not-a-state", "mcp_key:1", self.digest),
        }
        for name, args in cases.items():
            with self.subTest(name), self.assertRaises(RequestStateError):
                verify_state(*args)

    def test_expiry(self):
        with patch("time.time", return_value=time.time() + 3600), self.assertRaises(RequestStateError):
            verify_state("secret", self.state, "mcp_key:1", self.digest)


@tagged("post_install", "-at_install")
class TestBodyParsing(BaseCase):
    def assertRefused(self, body, code):
        with self.assertRaises(jsonrpc.BodyError) as raised:
            jsonrpc.parse_body(body)
        self.assertEqual(raised.exception.code, code)

    def test_hostile_bodies(self):
        self.assertRefused(b"[" * 5000 + b"]" * 5000, jsonrpc.INVALID_REQUEST)
        self.assertRefused(b"[" * 65 + b"]" * 65, jsonrpc.INVALID_REQUEST)
        self.assertRefused(b'{"a": NaN}', jsonrpc.PARSE_ERROR)
        self.assertRefused(b'{"a": -Infinity}', jsonrpc.PARSE_ERROR)
        self.assertRefused(b'"\\ud800"', jsonrpc.PARSE_ERROR)
        self.assertRefused(b'{"id": 1, "id": 2}', jsonrpc.INVALID_REQUEST)
        self.assertRefused(b"9223372036854775808", jsonrpc.INVALID_REQUEST)
        self.assertRefused(b"9" * 5000, jsonrpc.PARSE_ERROR)
        self.assertRefused(b"\xff", jsonrpc.PARSE_ERROR)

    def test_ordinary_bodies(self):
        self.assertIsInstance(jsonrpc.parse_body(b"[" * 60 + b"]" * 60), list)
        self.assertEqual(jsonrpc.parse_body(b'"\\ud83d\\ude00"'), "\U0001f600")
        self.assertEqual(jsonrpc.parse_body(b"-9223372036854775807"), -9223372036854775807)
        self.assertEqual(jsonrpc.parse_body('{"name": "Liège"}'.encode()), {"name": "Liège"})
