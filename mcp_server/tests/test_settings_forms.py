"""Validation of the Settings page and of the access profile form: each rule refuses a value that would break
calls, with a message naming the settings involved; the profile form keeps ticked operations within the scope
preset; keys and profiles keep their history."""
import base64
import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSettingsValidation(TransactionCase):

    def save(self, **values):
        form = Form(self.env["res.config.settings"])
        for name, value in values.items():
            setattr(form, name, value)
        settings = form.save()
        settings.execute()
        return settings

    def assertRefused(self, values, *fragments):
        with self.assertRaises(ValidationError) as caught:
            self.save(**values)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        return caught.exception

    def param(self, key):
        return self.env["ir.config_parameter"].get_param(key)

    def test_default_limit_cannot_exceed_the_maximum(self):
        self.assertRefused({"mcp_default_limit": 1000, "mcp_max_limit": 100},
                           "Default record limit (1000)", "Maximum record limit (100)")
        self.assertEqual(self.param("mcp_server.default_limit"), "80", "nothing saved")
        self.assertRefused({"mcp_default_limit": 0}, "at least 1 record")
        self.save(mcp_default_limit=100, mcp_max_limit=100)
        self.assertEqual((self.param("mcp_server.default_limit"), self.param("mcp_server.max_limit")),
                         ("100", "100"))

    def test_allowed_origins_need_a_scheme_and_no_path(self):
        self.assertRefused({"mcp_allowed_origins": "localhost:6274"}, "Allowed origins", "'localhost:6274'",
                           "http://localhost:6274")
        self.assertRefused({"mcp_allowed_origins": "http://localhost:6274/inspector"},
                           "'http://localhost:6274/inspector'")
        self.save(mcp_allowed_origins="http://localhost:6274, https://inspector.example.com http://[::1]:8080")
        self.assertIn("http://localhost:6274", self.param("mcp_server.allowed_origins"))

    def test_sizes_and_approval_delay_must_be_positive(self):
        self.assertRefused({"mcp_max_payload_kb": 0}, "Maximum request size must be at least 1")
        self.assertRefused({"mcp_max_response_kb": 0}, "Maximum tool answer must be at least 1")
        self.assertRefused({"mcp_approval_expiry_minutes": 0}, "Approval requests expire after must be at least 1")

    def test_durations_and_rate_limits_cannot_be_negative(self):
        for name in ("mcp_audit_retention_days", "mcp_rotation_grace_hours", "mcp_expiry_warning_days",
                     "mcp_rotation_enforce_days", "mcp_rate_limit_minute", "mcp_global_rate_limit_day"):
            with self.subTest(setting=name):
                self.assertRefused({name: -1}, "cannot be negative (0 turns it off)")
        # 0 is a choice ("keep forever", "stop at once"), kept as such and shown again as 0.
        self.save(mcp_audit_retention_days=0, mcp_rotation_grace_hours=0)
        self.assertEqual(self.param("mcp_server.audit_retention_days"), "0")
        self.assertEqual(self.param("mcp_server.rotation_grace_hours"), "0")
        self.assertEqual(Form(self.env["res.config.settings"]).mcp_audit_retention_days, 0)

    def test_rate_limits_are_consistent(self):
        self.assertRefused({"mcp_rate_limit_minute": 100, "mcp_rate_limit_day": 50},
                           "Requests per minute per key (100)", "Requests per day per key (50)")
        self.assertRefused({"mcp_rate_limit_minute": 100, "mcp_global_rate_limit_minute": 10},
                           "Requests per minute per key (100)", "Requests per minute, all keys (10)")
        self.assertRefused({"mcp_global_rate_limit_minute": 100, "mcp_global_rate_limit_day": 10},
                           "Requests per minute, all keys (100)", "Requests per day, all keys (10)")
        self.assertRefused({"mcp_rate_limit_day": 100, "mcp_global_rate_limit_day": 10},
                           "Requests per day per key (100)", "Requests per day, all keys (10)")
        # 0 is "unlimited" and never conflicts.
        self.save(mcp_rate_limit_minute=100, mcp_rate_limit_day=0, mcp_global_rate_limit_minute=0)

    def test_network_rules_are_checked(self):
        with self.assertRaises(ValidationError):
            self.save(mcp_ip_allow="10.0.0.0/33")


@tagged("post_install", "-at_install")
class TestAccessProfileForm(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_model = cls.env["ir.model"]._get("res.partner")

    def test_scope_preset_unticks_operations_it_does_not_allow(self):
        form = Form(self.env["mcp.access.profile"])
        form.name = "Form test"
        form.scope = "full"
        with form.rule_ids.new() as rule:
            rule.model_id = self.partner_model
            rule.perm_write = True
            rule.perm_unlink = True
        form.scope = "read_only"
        profile = form.save()
        self.assertEqual(profile.rule_ids._operations(), frozenset({"read"}))
        self.assertFalse(profile.scope_warning)

    def test_scope_onchange_warns_with_both_names(self):
        profile = self.env["mcp.access.profile"].create({"name": "Warn test", "scope": "full", "rule_ids": [
            Command.create({"model_id": self.partner_model.id, "perm_write": True, "perm_unlink": True})]})
        profile.scope = "read_write"
        self.assertIn("Delete ticked, but the scope preset 'Read and write' does not allow it",
                      profile.scope_warning)
        answer = profile._onchange_scope()
        self.assertIn("Contact: Delete ticked", answer["warning"]["message"])
        self.assertFalse(profile.rule_ids.perm_unlink)
        self.assertTrue(profile.rule_ids.perm_write)

    def test_rule_domain_and_fields_are_checked(self):
        profile = self.env["mcp.access.profile"].create({"name": "Rule test"})
        with self.assertRaises(ValidationError):
            profile.write({"rule_ids": [Command.create({"model_id": self.partner_model.id,
                                                        "domain": "[('nope', '=', 1)]"})]})
        with self.assertRaises(ValidationError):
            profile.write({"rule_ids": [Command.create({
                "model_id": self.partner_model.id,
                "field_ids": [Command.set(self.env["ir.model.fields"]._get("res.users", "login").ids)]})]})
        with self.assertRaises(ValidationError):
            profile.write({"rule_ids": [Command.create({"model_id": self.partner_model.id,
                                                        "allowed_methods": "_private"})]})
        with self.assertRaises(ValidationError):
            profile.write({"ip_allow": "not-an-address"})

    def test_technical_names_tell_models_and_fields_apart(self):
        with_names = self.env["ir.model.fields"].with_context(mcp_technical_names=True)
        email = with_names._get("res.partner", "email")
        self.assertEqual(email.display_name, "Email (email)")
        self.assertEqual(self.partner_model.with_context(mcp_technical_names=True).display_name,
                         "Contact (res.partner)")
        self.assertEqual(self.partner_model.display_name, "Contact")

    def test_profile_history_is_kept(self):
        profile = self.env["mcp.access.profile"].create({"name": "History test", "scope": "read_only"})
        self.env.flush_all()
        self.env.cr.precommit.run()  # the creation is posted; changes from now on are tracked
        profile.write({"scope": "full", "self_service": True})
        profile.write({"rule_ids": [Command.create({"model_id": self.partner_model.id})]})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = profile.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("scope", tracked)
        self.assertIn("self_service", tracked)
        self.assertTrue(profile.message_ids.filtered(lambda message: "Model rules added: res.partner" in message.body))


@tagged("post_install", "-at_install")
class TestJobResultDisplay(TransactionCase):

    def test_result_shows_text_and_the_file_to_download(self):
        export = self.env["mcp.export"].create({
            "name": "partners.csv", "user_id": self.env.uid, "file_format": "csv", "data": base64.b64encode(b"a,b\n"),
            "file_size": 4, "expires_at": fields.Datetime.now() + timedelta(hours=1)})
        blob = base64.b64encode(b"x" * 600).decode()
        job = self.env["mcp.job"].create({"tool": "export_records", "user_id": self.env.uid, "state": "done",
                                          "result": json.dumps({"isError": False, "content": [
                                              {"type": "text", "text": '{"rows": 1, "base64": "%s"}' % blob},
                                              {"type": "resource_link", "uri": "odoo://export/%s" % export.id,
                                               "name": "partners.csv"}]})})
        self.assertEqual(job.result_filename, "partners.csv")
        self.assertEqual(base64.b64decode(job.result_file), b"a,b\n")
        self.assertEqual(job.result_text, '{"rows": 1, "base64": "[file content]"}')
