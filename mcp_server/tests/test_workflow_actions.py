"""Workflows: form buttons in describe_model, model-level methods, server actions, the CLI's --methods."""
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..cli.mcp_key import McpKeyCommand
from .common import McpCase


@tagged("post_install", "-at_install")
class TestWorkflowActions(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_model = cls.env["ir.model"]._get("res.partner")
        cls.action_mark = cls.env["ir.actions.server"].create({
            "name": "Mark as checked", "model_id": partner_model.id, "state": "code",
            "code": "records.write({'ref': 'checked by %s' % env.user.login})"})
        cls.action_other = cls.env["ir.actions.server"].create({
            "name": "Not for keys", "model_id": partner_model.id, "state": "code",
            "code": "records.write({'ref': 'nope'})"})
        cls.profile_flow = cls._make_profile("MCP test workflows", "full", {
            "res.partner": {"ops": "read,create,write", "domain": "[('is_company', '=', True)]"}})
        cls.profile_flow.rule_ids.write({"allowed_methods": "create_company, find_or_create",
                                         "server_action_ids": [Command.set(cls.action_mark.ids)]})
        cls.key_flow, cls.secret_flow = cls._make_key("workflow key", cls.user_a, cls.profile_flow)
        cls.gamma = cls.env["res.partner"].create({"name": "Gamma Works", "is_company": True})

    def test_describe_model_lists_the_buttons_the_key_may_call(self):
        described = self.tool_ok(self.secret_flow, "describe_model", {"model": "res.partner", "fields": ["name"]})
        self.assertEqual(described["buttons"], [{
            "method": "create_company", "label": "Create company",
            "invisible": "is_company or company_name == '' or not company_name"}])
        self.assertEqual(described["server_actions"], [{"id": self.action_mark.id, "name": "Mark as checked"}])
        # A key without the allowlist sees none.
        plain = self.tool_ok(self.secret_full, "describe_model", {"model": "res.partner", "fields": ["name"]})
        self.assertEqual((plain["buttons"], plain["server_actions"]), ([], []))

    def test_rule_offers_the_form_buttons_and_refuses_unknown_methods(self):
        rule = self.profile_flow.rule_ids
        self.assertIn("create_company (Create company)", rule.available_methods)
        with self.assertRaises(ValidationError) as caught:
            rule.allowed_methods = "action_confrim"
        self.assertIn("create_company", str(caught.exception))
        with self.assertRaises(ValidationError):
            rule.server_action_ids = [Command.create({
                "name": "Other model", "model_id": self.env["ir.model"]._get_id("res.country"), "state": "code",
                "code": "pass"})]

    def test_model_level_method_without_ids(self):
        found = self.tool_ok(self.secret_flow, "call_method", {
            "model": "res.partner", "method": "find_or_create", "args": ["Zed Corp <zed@corp.example>"]})
        partner = self.env["res.partner"].search([("email", "=", "zed@corp.example")])
        self.assertEqual(partner.name, "Zed Corp")
        self.assertEqual(found["result"], {"model": "res.partner", "ids": []})  # a contact: outside the key's domain
        self.tool_error(self.secret_flow, "call_method", {"model": "res.partner", "method": "create_company"},
                        "give their ids")
        self.assertDenied(self.secret_flow, self.key_flow, "call_method", {
            "model": "res.partner", "method": "name_create", "args": ["Sneaky"]}, "not allowed")

    def test_server_action_runs_as_the_key_user_within_the_policy(self):
        ran = self.tool_ok(self.secret_flow, "run_server_action", {"action": "Mark as checked",
                                                                   "ids": [self.acme.id]})
        self.assertEqual(ran["server_action"], {"id": self.action_mark.id, "name": "Mark as checked"})
        self.env.invalidate_all()
        self.assertEqual(self.acme.ref, "checked by mcp_user_a")
        self.tool_ok(self.secret_flow, "run_server_action", {"action": str(self.action_mark.id),
                                                             "ids": [self.acme.id]})
        # Not allowed for this key, or records outside its domain (alice is not a company): refused, nothing runs.
        self.assertDenied(self.secret_flow, self.key_flow, "run_server_action",
                          {"action": "Not for keys", "ids": [self.acme.id]}, "not allowed", "Mark as checked")
        self.assertDenied(self.secret_flow, self.key_flow, "run_server_action",
                          {"action": "Mark as checked", "ids": [self.alice.id]}, str(self.alice.id))
        self.env.invalidate_all()
        self.assertFalse(self.alice.ref)
        self.assertDenied(self.secret_full, self.key_full, "run_server_action",
                          {"action": "Mark as checked", "ids": [self.acme.id]}, "not allowed")
        report = self.tool_ok(self.secret_flow, "run_server_action", {"action": "Mark as checked", "dry_run": True,
                                                                      "ids": [self.gamma.id]})
        self.assertEqual(report["changes"][0]["action"], "Mark as checked")
        self.env.invalidate_all()
        self.assertFalse(self.gamma.ref)

    def test_cli_sets_the_method_allowlist(self):
        command = McpKeyCommand()
        opts = command._parser().parse_args([
            "-d", "x", "--login", "mcp_user_a", "--name", "cli methods", "--grant", "res.partner:read,write",
            "--methods", "res.partner=create_company,find_or_create"])
        self.env["mcp.api.key"].flush_model()
        command._create_key(self.env, opts, command._parse_grants(opts))
        key = self.env["mcp.api.key"].search([("name", "=", "cli methods")])
        self.assertEqual(key.profile_id.rule_ids.allowed_methods, "create_company, find_or_create")
        for bad in (["--methods", "res.partner=create_company"], ["--grant", "res.partner:read",
                                                                  "--methods", "res.partner"]):
            opts = command._parser().parse_args(["-d", "x", "--login", "mcp_user_a", "--name", "n", *bad])
            with self.assertRaises(ValueError):
                command._parse_grants(opts)
        opts = command._parser().parse_args(["-d", "x", "--login", "mcp_user_a", "--name", "n", "--grant",
                                             "res.partner:read", "--methods", "res.partner=action_confrim"])
        with self.assertRaises(ValidationError):
            command._create_key(self.env, opts, command._parse_grants(opts))
