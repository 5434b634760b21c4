"""The administrator's daily controls: /mcp/health for load balancers, personal data masked in logged payloads,
payload capture per key, session retention, audit filters, and the Settings page (endpoint URL, Redis test)."""
from datetime import datetime, time, timedelta
from unittest.mock import patch

import psycopg2
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.modules.module import get_manifest
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import McpCase

REDIS_URL = "redis://127.0.0.1:6379/15"
# Nothing listens on port 1: a connection is refused at once.
BAD_REDIS_URL = "redis://:s3cret-pass@127.0.0.1:1/0"
CARD = "4111 1111 1111 1111"          # a valid Visa test number (Luhn)
NOT_A_CARD = "4111 1111 1111 1112"    # same length, wrong check digit
IBAN = "DE89 3704 0044 0532 0130 00"  # a valid IBAN (mod 97)
NOT_AN_IBAN = "DE89370400440532013001"
SSN = "123-45-6789"                   # the default national id pattern (US)


@tagged("post_install", "-at_install")
class TestHealthRoute(McpCase):

    def health(self):
        response = self.opener.get(self.base_url() + "/mcp/health", timeout=10)
        return response.status_code, response.json(), response.text

    def test_health_reports_database_redis_and_version_without_audit_rows(self):
        version = get_manifest("mcp_server")["version"]
        start = self.last_audit_id()
        status, report, _text = self.health()
        self.assertEqual((status, report), (200, {"status": "ok", "database": "ok", "redis": "not configured",
                                                  "version": version}))

        self.env["ir.config_parameter"].set_param("mcp_server.redis_url", REDIS_URL)
        status, report, _text = self.health()
        self.assertEqual((status, report["status"], report["redis"]), (200, "ok", "ok"))
        self.assertFalse(self.audit_rows(after_id=start), "health checks leave no audit row")

    def test_unreachable_redis_degrades_without_revealing_the_url(self):
        self.env["ir.config_parameter"].set_param("mcp_server.redis_url", BAD_REDIS_URL)
        status, report, text = self.health()
        self.assertEqual((status, report["status"], report["database"], report["redis"]),
                         (200, "degraded", "ok", "error: ConnectionError"))
        self.assertNotIn("s3cret", text)
        self.assertNotIn("127.0.0.1", text)

    def test_unreachable_database_is_down_with_503(self):
        cursor_class = type(self.env.cr)
        with patch.object(cursor_class, "execute", side_effect=psycopg2.OperationalError("server closed")), \
                mute_logger("odoo.addons.mcp_server.models.mcp_server_health"):
            status, report = self.env["mcp.server"]._health()
        self.assertEqual((status, report["status"], report["database"]), (503, "down", "unreachable"))


@tagged("post_install", "-at_install")
class TestPayloadMaskingAndCapture(McpCase):

    def logged_search(self, secret, values):
        start = self.last_audit_id()
        self.tool_ok(secret, "search_count", {"model": "res.partner", "domain": [["ref", "in", values]]})
        return self.audit_rows(after_id=start).filtered(lambda row: row.method == "tools/call")

    def test_cards_ibans_and_national_ids_are_masked_other_numbers_stay(self):
        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")
        row = self.logged_search(self.secret_full, [CARD, NOT_A_CARD, IBAN, NOT_AN_IBAN, SSN, "1234567890123"])
        payload = row.request_payload
        for hidden in (CARD, IBAN, SSN):
            self.assertNotIn(hidden, payload)
        for mask in ("****1111", "****3000", "****6789"):
            self.assertIn(mask, payload)
        for kept in (NOT_A_CARD, NOT_AN_IBAN, "1234567890123"):
            self.assertIn(kept, payload)

        # Errors quoting the input are masked too, payloads logged or not.
        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "False")
        start = self.last_audit_id()
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner", "fields": ["x" + CARD]})
        error = self.audit_rows(after_id=start).filtered(lambda row: row.method == "tools/call").error
        self.assertIn("****1111", error)
        self.assertNotIn(CARD, error)
        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")

        # Own patterns replace the default ones; masking off keeps the payload as sent.
        self.env["ir.config_parameter"].set_param("mcp_server.pii_patterns", r"\bAB\d{6}C\b")
        payload = self.logged_search(self.secret_full, ["AB123456C", SSN]).request_payload
        self.assertIn("****456C", payload)
        self.assertIn(SSN, payload)
        self.env["ir.config_parameter"].set_param("mcp_server.mask_pii", "False")
        self.assertIn(CARD, self.logged_search(self.secret_full, [CARD]).request_payload)

    def test_numbers_as_people_type_or_odoo_formats_them_are_masked(self):
        """Bank account numbers are kept as typed (lower case); amounts and ids formatted for a language group
        digits with no-break spaces."""
        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")
        values = [IBAN.lower(), CARD.replace(" ", "\u00a0"), CARD.replace(" ", "\u202f")]
        payload = self.logged_search(self.secret_full, values).request_payload
        for hidden in values:
            self.assertNotIn(hidden, payload)
        self.assertEqual(payload.count("****1111"), 2, payload)
        self.assertIn("****3000", payload)
        # Words of the same shape whose check digits are wrong stay readable.
        kept = NOT_AN_IBAN.lower()
        self.assertIn(kept, self.logged_search(self.secret_full, [kept]).request_payload)

    def test_a_key_overrides_the_global_payload_capture(self):
        self.assertFalse(self.logged_search(self.secret_full, ["x"]).request_payload, "off by default")
        self.key_full.payload_capture = "always"
        self.assertIn('"search_count"', self.logged_search(self.secret_full, ["x"]).request_payload)
        self.assertFalse(self.logged_search(self.secret_b, ["x"]).request_payload, "others follow Settings")

        self.env["ir.config_parameter"].set_param("mcp_server.log_payloads", "True")
        self.key_full.payload_capture = "never"
        self.assertFalse(self.logged_search(self.secret_full, ["x"]).request_payload)
        self.assertTrue(self.logged_search(self.secret_b, ["x"]).request_payload)

    def test_only_an_administrator_chooses_a_keys_payload_capture(self):
        with self.assertRaises(AccessError) as caught:
            self.key_full.with_user(self.user_a).payload_capture = "never"
        self.assertIn("Only an MCP Administrator", str(caught.exception))


@tagged("post_install", "-at_install")
class TestSessionRetentionAndAuditFilters(McpCase):

    def ended_session(self, name, days_ago):
        ended = fields.Datetime.now() - timedelta(days=days_ago)
        return self.env["mcp.session"].create({"name": name, "active": False, "ended_at": ended, "last_seen": ended})

    def test_retention_removes_only_sessions_ended_long_enough_ago(self):
        live = self.env["mcp.session"].browse(self.env["mcp.session"].search(
            [("name", "=", self.session_id(self.secret_full))]).id)
        old, recent = self.ended_session("ended-10-days", 10), self.ended_session("ended-3-days", 3)
        Session = self.env["mcp.session"].with_context(active_test=False)
        self.env["ir.config_parameter"].set_param("mcp_server.session_retention_days", "0")
        Session._gc_sessions()
        self.assertEqual(len((old | recent).exists()), 2, "0 keeps ended sessions")
        self.env["ir.config_parameter"].set_param("mcp_server.session_retention_days", "7")
        Session._gc_sessions()
        Session.invalidate_model()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.assertTrue(live.exists() and live.active, "a session in use is kept")

    def filter_domain(self, name):
        arch = self.env["mcp.audit.log"].get_views([(False, "search")])["views"]["search"]["arch"]
        node = etree.fromstring(arch).xpath("//filter[@name='%s']" % name)[0]
        today = fields.Date.context_today(self.env.user)
        return safe_eval(node.get("domain"), {"context_today": lambda: datetime.combine(today, time()),
                                              "relativedelta": relativedelta})

    def test_audit_filters_for_write_operations_and_dates(self):
        start = self.last_audit_id()
        self.tool_ok(self.secret_full, "search_count", {"model": "res.partner"})
        self.tool_ok(self.secret_full, "create", {"model": "res.partner", "values": {"name": "Written by MCP"}})
        rows = self.audit_rows(after_id=start).filtered(lambda row: row.method == "tools/call")
        Log = self.env["mcp.audit.log"]
        writes = Log.search([*self.filter_domain("write_operations"), ("id", "in", rows.ids)])
        self.assertEqual((writes.tool, writes.risk), ("create", "write"))
        self.assertEqual(rows.filtered(lambda row: row.tool == "search_count").risk, "read")

        old = rows.filtered(lambda row: row.tool == "search_count")
        self.env.cr.execute("UPDATE mcp_audit_log SET create_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(days=20), old.id])
        Log.invalidate_model()
        last_week = Log.search([*self.filter_domain("last_7_days"), ("id", "in", rows.ids)])
        last_month = Log.search([*self.filter_domain("last_30_days"), ("id", "in", rows.ids)])
        self.assertEqual((last_week, last_month), (writes, rows))


@tagged("post_install", "-at_install")
class TestControlSettings(McpCase):

    def save(self, **values):
        form = Form(self.env["res.config.settings"])
        for name, value in values.items():
            setattr(form, name, value)
        settings = form.save()
        settings.execute()
        return settings

    def test_endpoint_url_and_redis_test(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "https://erp.example.com")
        self.assertEqual(Form(self.env["res.config.settings"]).mcp_endpoint_url, "https://erp.example.com/mcp",
                         "shown as soon as the page opens")
        settings = self.env["res.config.settings"].create({"mcp_redis_url": REDIS_URL})
        params = settings.action_mcp_test_redis()["params"]
        self.assertEqual(params["type"], "success")
        self.assertRegex(params["message"], r"^Redis \d+\.\d+\.\d+ answered in \d+(\.\d+)? ms\.$")

        settings.mcp_redis_url = BAD_REDIS_URL
        params = settings.action_mcp_test_redis()["params"]
        self.assertEqual(params["type"], "danger")
        self.assertIn("Redis is unreachable", params["message"])
        self.assertIn("Connection refused", params["message"])
        self.assertNotIn("s3cret", params["message"])

    def test_masking_and_server_switch_can_be_turned_off(self):
        self.assertTrue(Form(self.env["res.config.settings"]).mcp_mask_pii, "on by default")
        self.save(mcp_mask_pii=False, mcp_session_retention_days=0)
        self.assertFalse(self.env["mcp.server"]._settings()["mask_pii"])
        self.assertEqual(self.env["mcp.server"]._settings()["session_retention_days"], 0)
        form = Form(self.env["res.config.settings"])
        self.assertEqual((form.mcp_mask_pii, form.mcp_session_retention_days), (False, 0))
        self.save(mcp_enabled=False)
        self.assertFalse(self.env["mcp.server"]._settings()["enabled"])
        self.assertFalse(Form(self.env["res.config.settings"]).mcp_enabled)
        self.save(mcp_enabled=True, mcp_mask_pii=True)
        self.assertTrue(self.env["mcp.server"]._settings()["enabled"])

    def test_invalid_national_id_pattern_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.save(mcp_pii_patterns="\\b\\d{9}\\b\n([unclosed")
        self.assertIn("National id patterns", str(caught.exception))
        self.assertIn("([unclosed", str(caught.exception))
        self.assertEqual(self.env["mcp.server"]._settings()["pii_patterns"], r"\b\d{3}-\d{2}-\d{4}\b",
                         "the default pattern stays")
        self.save(mcp_pii_patterns="")
        self.assertEqual(self.env["mcp.server"]._settings()["pii_patterns"], "", "an emptied list stays empty")
        self.assertFalse(Form(self.env["res.config.settings"]).mcp_pii_patterns)
