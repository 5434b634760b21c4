"""The typed credential, precise cache invalidation and the single table of settings."""
import json
import os
import re
from contextlib import closing

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

from ..lib import settings as settings_table
from ..lib.credential import Credential
from ..models.mcp_cache_version import ACCESS
from .common import McpCase


@tagged("post_install", "-at_install")
class TestCredential(TransactionCase):
    def test_recorded_credential_loads_back_the_same(self):
        credential = Credential(kind="odoo_apikey", user_id=7, profile_id=3, extra_ids={"native_key_id": 12},
                                rate_limit_minute=30, ip_allow=("10.0.0.0/8",))
        stored = json.dumps(credential.recorded())
        loaded = Credential.from_recorded(json.loads(stored))
        self.assertEqual(loaded, credential)
        self.assertEqual((loaded.ref, loaded.native_key_id), ("odoo_apikey:7:12", 12))
        self.assertNotIn("rate_limit_minute", stored, "request-only bounds are not recorded")
        self.assertEqual(loaded.rate_limit_minute, 0)

    def test_dicts_recorded_before_the_class_still_load(self):
        """Jobs and approvals stored the plain dict of ``recorded_credential``: they keep working."""
        old_key = {"kind": "mcp_key", "key_id": 4, "user_id": 2, "profile_id": 9}
        old_native = {"kind": "odoo_apikey", "key_id": None, "native_key_id": 5, "user_id": 2, "profile_id": 9}
        old_other_kind = {"kind": "elsewhere", "key_id": None, "grant_id": 8, "user_id": 2, "profile_id": 9,
                          "scopes": ["mcp:read"], "current_secret": True}
        self.assertEqual(Credential.from_recorded(old_key).ref, "mcp_key:4")
        self.assertEqual(Credential.from_recorded(old_native).ref, "odoo_apikey:2:5")
        other = Credential.from_recorded(old_other_kind)
        self.assertEqual((other.grant_id, other.scopes, other.profile_id), (8, ("mcp:read",), 9))
        self.assertEqual(other.recorded(), {"kind": "elsewhere", "user_id": 2, "key_id": None, "profile_id": 9,
                                            "scopes": ["mcp:read"], "grant_id": 8})
        with self.assertRaises(AttributeError):
            _missing = Credential.from_recorded(old_key).grant_id

    def test_reference_names_back_its_credential(self):
        self.assertEqual(Credential.from_ref("mcp_key:4", 2), Credential(kind="mcp_key", user_id=2, key_id=4))
        native = Credential.from_ref("odoo_apikey:2:5", 2)
        self.assertEqual((native.kind, native.native_key_id, native.user_id), ("odoo_apikey", 5, 2))
        for ref, user_id in (("odoo_apikey:3:5", 2), ("mcp_key:x", 2), ("mcp_key:4:5", 2), ("nobody:4", 2),
                             ("mcp_key:4", None), ("", 2), (None, 2)):
            self.assertIsNone(Credential.from_ref(ref, user_id), ref)


@tagged("post_install", "-at_install")
class TestCacheVersionLifetime(TransactionCase):
    def test_a_cursor_reads_the_versions_again_in_its_next_transaction(self):
        """A cron or job runner keeps its cursor across commits: a profile narrowed meanwhile (a new access
        version) applies to its next unit of work, not only to the next HTTP request."""
        db = sql_db.db_connect(self.env.cr.dbname)
        with closing(db.cursor()) as worker, closing(db.cursor()) as admin:
            versions = api.Environment(worker, SUPERUSER_ID, {})["mcp.cache.version"]
            for end_transaction in (worker.commit, worker.rollback):
                before = versions._current(ACCESS)
                end_transaction()
                api.Environment(admin, SUPERUSER_ID, {})["mcp.cache.version"]._bump(ACCESS)
                admin.commit()
                self.assertNotEqual(versions._current(ACCESS), before, end_transaction.__name__)
                # Within one transaction the version is read once.
                queries = worker.sql_log_count
                versions._current(ACCESS)
                self.assertEqual(worker.sql_log_count, queries)


@tagged("post_install", "-at_install")
class TestPreciseInvalidation(McpCase):
    def ping_status(self, secret):
        return self.http("POST", secret, self.message("ping")).status_code

    def test_profile_change_applies_at_once_and_odoo_caches_stay_warm(self):
        self.assertEqual(self.tool_ok(self.secret_full, "search_read", {"model": "res.partner.category"})["count"], 0)
        # A sentinel entry of Odoo's own default cache.
        self.env["ir.model"]._get_id("res.partner")
        self.registry.cache_invalidated.clear()
        self.profile_full.rule_ids.filtered(lambda rule: rule.model_name == "res.partner.category").unlink()
        self.profile_full.write({"name": "MCP test full, narrowed"})
        self.assertNotIn("default", self.registry.cache_invalidated, "no registry-wide clear")
        with self.assertQueryCount(0):
            self.env["ir.model"]._get_id("res.partner")
        self.tool_error(self.secret_full, "search_read", {"model": "res.partner.category"}, "res.partner.category")

    def test_revoked_key_is_refused_at_once_without_a_registry_wide_clear(self):
        self.assertEqual(self.ping_status(self.secret_read), 200)
        self.registry.cache_invalidated.clear()
        self.key_read.action_revoke()
        self.assertNotIn("default", self.registry.cache_invalidated)
        self.assertEqual(self.ping_status(self.secret_read), 401)

    def test_session_churn_clears_nothing(self):
        self.registry.cache_invalidated.clear()
        session = self.session_id(self.secret_full)
        response = self.http("DELETE", self.secret_full, headers={"MCP-Session-Id": session,
                                                                  "MCP-Protocol-Version": "2025-11-25"})
        self.assertIn(response.status_code, (200, 204))
        self.assertFalse(self.registry.cache_invalidated)


@tagged("post_install", "-at_install")
class TestSettingsTable(TransactionCase):
    def test_settings_page_defaults_come_from_the_table(self):
        fields_by_key = {field.config_parameter: field for field in self.env["res.config.settings"]._fields.values()
                         if getattr(field, "config_parameter", None)}
        checked = 0
        for name, (key, _converter, _stored) in settings_table.SETTINGS.items():
            field = fields_by_key.get(key)
            if field is not None and field.default is not None and field.type == "integer":
                self.assertEqual(field.default(self.env["res.config.settings"]), settings_table.default(name), key)
                checked += 1
        self.assertGreaterEqual(checked, 9)

    def test_unset_parameters_read_as_the_table_defaults(self):
        keys = settings_table.parameter_keys()
        self.env["ir.config_parameter"].sudo().search([("key", "in", keys)]).unlink()
        settings = self.env["mcp.server"]._settings()
        for name in ("max_response_kb", "audit_retention_days", "rotation_grace_hours", "approval_expiry_minutes",
                     "expiry_warning_days", "rotation_enforce_days", "export_row_cap", "native_key_profile_id"):
            self.assertEqual(settings[name], settings_table.default(name), name)
        self.assertEqual(settings["max_response_kb"], 80)

    def _fresh_install_values(self):
        """``{parameter key: value}`` of a fresh install: the data file's value, else the table default."""
        values = {key: str(stored) for key, _converter, stored in settings_table.SETTINGS.values()}
        data = self.env["ir.model.data"].search([("module", "=", "mcp_server"), ("model", "=", "ir.config_parameter")])
        for param in self.env["ir.config_parameter"].sudo().browse(data.mapped("res_id")):
            values[param.key] = param.value
        return values

    def test_installed_parameters_are_the_table_defaults(self):
        # The data file writes some parameters at install; each must be the default the table falls back to,
        # or an unset parameter and a fresh install would behave differently.
        data = self.env["ir.model.data"].search([("module", "=", "mcp_server"), ("model", "=", "ir.config_parameter")])
        by_key = {key: name for name, (key, _converter, _stored) in settings_table.SETTINGS.items()}
        checked = 0
        for param in self.env["ir.config_parameter"].sudo().browse(data.mapped("res_id")):
            name = by_key.get(param.key)
            if name is None or name == "audit_async_commit":  # on from install; unticking removes the parameter
                continue
            self.assertEqual(settings_table.parse({param.key: param.value})[name], settings_table.default(name),
                             param.key)
            checked += 1
        self.assertGreaterEqual(checked, 10)
        self.assertEqual(settings_table.default("max_response_kb"), 80)

    def test_readme_settings_table_states_the_fresh_install_values(self):
        readme = os.path.join(os.path.dirname(get_module_path("mcp_server")), "README.md")
        if not os.path.exists(readme):
            self.skipTest("README.md is not beside the addon")
        with open(readme, encoding="utf-8") as handle:
            rows = re.findall(r"^\| `(mcp_server\.[a-z_]+)`(?: / `([a-z_]+)`)? \| (`[^`]*`|empty) \|",
                              handle.read(), re.M)
        values = self._fresh_install_values()
        checked = 0
        for key, second, documented in rows:
            documented = "" if documented == "empty" else documented.strip("`")
            for name in filter(None, (key, second and "mcp_server." + second)):
                if name in values:
                    self.assertIn(values[name], (documented, "0" if documented == "" else documented),
                                  "README states %s for %s" % (documented or "empty", name))
                    checked += 1
        self.assertGreaterEqual(checked, 20)

    def test_zero_is_kept_and_garbage_falls_back(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mcp_server.audit_retention_days", "0")
        params.set_param("mcp_server.export_row_cap", "many")
        settings = self.env["mcp.server"]._settings()
        self.assertEqual(settings["audit_retention_days"], 0, "0 keeps audit rows forever")
        self.assertEqual(settings["export_row_cap"], 10000)
