"""Shared base class of the mcp_server tests: companies, users, access profiles, keys and a /mcp client."""
import itertools
import json
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

PROTOCOL_VERSION = "2025-11-25"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@tagged("post_install", "-at_install")
class McpCase(HttpCase):
    """Calls ``/mcp`` over HTTP with real keys.

    Fixtures:

    * ``company_a`` / ``company_b`` and the internal users ``user_a`` (company A, MCP User) and
      ``user_b`` (company B, plain internal user);
    * partners of company A (``acme`` — a company — and its contact ``alice``), of company B (``beta``);
    * access profiles ``profile_full`` (every operation on partners and tags), ``profile_scoped``
      (companies only, a field allowlist without ``email``) and ``profile_read`` (read-only scope);
    * keys, as ``(record, secret)`` pairs: ``key_full``/``secret_full`` (user A, full profile),
      ``key_scoped``/``secret_scoped``, ``key_read``/``secret_read``, ``key_none``/``secret_none``
      (no profile) and ``key_b``/``secret_b`` (user B, full profile).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_a = env["res.company"].create({"name": "MCP Test Company A"})
        cls.company_b = env["res.company"].create({"name": "MCP Test Company B"})
        cls.user_a = new_test_user(
            env, login="mcp_user_a", groups="base.group_user,base.group_partner_manager,mcp_server.group_mcp_user",
            name="Ann MCP", company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)],
            tz="Europe/Brussels")
        cls.user_b = new_test_user(
            env, login="mcp_user_b", groups="base.group_user", name="Bob MCP",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)], tz="UTC")

        Partner = env["res.partner"]
        cls.acme = Partner.create({
            "name": "Acme Corp", "is_company": True, "email": "contact@acme.example", "city": "Liège",
            "phone": "+32 4 111 11 11", "company_id": cls.company_a.id,
        })
        cls.alice = Partner.create({
            "name": "Alice Acmeworker", "is_company": False, "parent_id": cls.acme.id,
            "email": "alice.private@acme.example", "company_id": cls.company_a.id,
        })
        cls.beta = Partner.create({
            "name": "Beta Industries", "is_company": True, "email": "hello@beta.example",
            "company_id": cls.company_b.id,
        })

        cls.profile_full = cls._make_profile("MCP test full", "full", {
            "res.partner": {"ops": "read,create,write,unlink"},
            "res.partner.category": {"ops": "read,create"},
        })
        cls.profile_scoped = cls._make_profile("MCP test scoped", "full", {
            "res.partner": {
                "ops": "read,create,write,unlink",
                "domain": "[('is_company', '=', True)]",
                "fields": ["name", "is_company", "city", "phone", "parent_id", "child_ids", "type"],
            },
        })
        cls.profile_read = cls._make_profile("MCP test read only", "read_only", {
            "res.partner": {"ops": "read,create,write,unlink"},
        })

        cls.key_full, cls.secret_full = cls._make_key("full key", cls.user_a, cls.profile_full)
        cls.key_scoped, cls.secret_scoped = cls._make_key("scoped key", cls.user_a, cls.profile_scoped)
        cls.key_read, cls.secret_read = cls._make_key("read key", cls.user_a, cls.profile_read)
        cls.key_none, cls.secret_none = cls._make_key("no profile key", cls.user_a, None)
        cls.key_b, cls.secret_b = cls._make_key("user B key", cls.user_b, cls.profile_full)

    @classmethod
    def _make_profile(cls, name, scope, rules):
        """Create a profile; ``rules`` maps a model to ``{"ops": "read,write", "domain": str, "fields": [...]}``."""
        commands = []
        for model_name, rule in rules.items():
            ops = rule["ops"].split(",")
            values = {
                "model_id": cls.env["ir.model"]._get_id(model_name),
                **{"perm_%s" % op: op in ops for op in ("read", "create", "write", "unlink")},
            }
            if rule.get("domain"):
                values["domain"] = rule["domain"]
            if rule.get("fields"):
                values["field_ids"] = [Command.set([
                    cls.env["ir.model.fields"]._get(model_name, field).id for field in rule["fields"]])]
            commands.append(Command.create(values))
        return cls.env["mcp.access.profile"].create({"name": name, "scope": scope, "rule_ids": commands})

    @classmethod
    def _make_key(cls, name, user, profile, **values):
        return cls.env["mcp.api.key"]._create_with_secret(dict(
            values, name=name, user_id=user.id, owner_id=user.id, profile_id=profile.id if profile else False))

    def setUp(self):
        super().setUp()
        self._sessions = {}
        self._ids = itertools.count(1)
        # ormcache entries (settings, policies, key lookups) outlive the rollback of each test.
        self.addCleanup(self.registry.clear_cache)

    # ------------------------------------------------------------------
    # HTTP helpers
    # ------------------------------------------------------------------
    def http(self, method, secret=None, body=None, headers=None, content_type=True):
        """Send one raw HTTP request to /mcp; ``body`` is JSON-encoded unless it is bytes/str."""
        all_headers = dict(JSON_HEADERS) if content_type else {"Accept": JSON_HEADERS["Accept"]}
        if secret:
            all_headers["Authorization"] = "Bearer %s" % secret
        all_headers.update(headers or {})
        all_headers = {k: v for k, v in all_headers.items() if v is not None}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return self.opener.request(method, self.base_url() + "/mcp", data=body, headers=all_headers, timeout=30)

    def message(self, method, params=None, notification=False):
        message = {"jsonrpc": "2.0", "method": method}
        if not notification:
            message["id"] = next(self._ids)
        if params is not None:
            message["params"] = params
        return message

    def session_id(self, secret):
        """The MCP session of this key in the current test (``initialize`` is sent once)."""
        if secret not in self._sessions:
            response = self.http("POST", secret, self.message("initialize", {
                "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                "clientInfo": {"name": "mcp-server-tests", "version": "1.0"}}))
            self.assertEqual(response.status_code, 200, response.text)
            self.assertIn("result", response.json(), response.text)
            session_id = response.headers.get("MCP-Session-Id")
            self.assertTrue(session_id, "initialize must return an MCP-Session-Id header")
            self._sessions[secret] = session_id
        return self._sessions[secret]

    def mcp(self, secret, method, params=None, session=True, headers=None, raw_body=None, notification=False):
        """POST one JSON-RPC message (or ``raw_body``) with the key's session; returns the HTTP response."""
        all_headers = {}
        if session and secret:
            all_headers["MCP-Session-Id"] = self.session_id(secret)
            all_headers["MCP-Protocol-Version"] = PROTOCOL_VERSION
        all_headers.update(headers or {})
        body = raw_body if raw_body is not None else self.message(method, params, notification)
        return self.http("POST", secret, body, all_headers)

    def rpc(self, secret, method, params=None, **kwargs):
        """The ``result`` of a JSON-RPC request that must succeed."""
        response = self.mcp(secret, method, params, **kwargs)
        self.assertEqual(response.status_code, 200, response.text)
        payload = response.json()
        self.assertNotIn("error", payload, response.text)
        return payload["result"]

    def rpc_error(self, secret, method, params=None, status=200, **kwargs):
        """The ``error`` object of a JSON-RPC request that must fail."""
        response = self.mcp(secret, method, params, **kwargs)
        self.assertEqual(response.status_code, status, response.text)
        payload = response.json()
        self.assertIn("error", payload, response.text)
        return payload["error"]

    def call_tool(self, secret, name, arguments=None):
        """The result dict (``content``, ``structuredContent``, ``isError``) of ``tools/call``."""
        return self.rpc(secret, "tools/call", {"name": name, "arguments": arguments or {}})

    def tool_ok(self, secret, name, arguments=None):
        """The structured content of a tool call that must succeed."""
        result = self.call_tool(secret, name, arguments)
        self.assertFalse(result.get("isError"), result)
        self.assertEqual(json.loads(self.unframe(result["content"][0]["text"])), result["structuredContent"])
        return result["structuredContent"]

    @staticmethod
    def unframe(text):
        """The data inside the ``<data-…>`` markers of a framed answer text (the text itself when unframed)."""
        match = re.search(r"\n<(data-[0-9a-f]+)>\n(.*)\n</\1>$", text, re.S)
        return match.group(2) if match else text

    def tool_error(self, secret, name, arguments=None, *fragments):
        """The error text of a tool call that must fail as a tool result; checks it names ``fragments``."""
        result = self.call_tool(secret, name, arguments)
        self.assertTrue(result.get("isError"), result)
        self.assertNotIn("structuredContent", result)
        text = result["content"][0]["text"]
        for fragment in fragments:
            self.assertIn(fragment, text)
        return text

    def tool_names(self, secret):
        return {tool["name"] for tool in self.rpc(secret, "tools/list")["tools"]}

    # ------------------------------------------------------------------
    # Audit helpers
    # ------------------------------------------------------------------
    def audit_rows(self, after_id=0, **filters):
        domain = [("id", ">", after_id)] + [(name, "=", value) for name, value in filters.items()]
        return self.env["mcp.audit.log"].search(domain, order="id")

    def last_audit_id(self):
        return self.env["mcp.audit.log"].search([], order="id desc", limit=1).id or 0

    def last_audit(self, key):
        return self.env["mcp.audit.log"].search([("key_id", "=", key.id)], order="id desc", limit=1)

    def assertDenied(self, secret, key, tool, arguments, *fragments):
        """The call fails as a tool result, and its audit row says 'denied'."""
        text = self.tool_error(secret, tool, arguments, *fragments)
        row = self.last_audit(key)
        self.assertEqual((row.status, row.tool), ("denied", tool), "a denial must be audited as denied: %s" % text)
        return text
