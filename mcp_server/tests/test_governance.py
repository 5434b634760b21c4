"""Governance without HTTP: network rules, the PostgreSQL rate limiter, tool policy, approvals, jobs, lifecycle."""
import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..lib.call_context import CallContext
from ..lib.credential import Credential
from ..lib.ip_rules import IpRuleError, ip_allowed, parse_networks


class TestIpRules(TransactionCase):
    def test_cidr_lists_ipv4_ipv6_and_deny_wins(self):
        allow = parse_networks("10.0.0.0/8, 2001:db8::/32\n192.0.2.7")
        deny = parse_networks("10.1.0.0/16")
        self.assertTrue(ip_allowed("10.2.3.4", allow, deny))
        self.assertFalse(ip_allowed("10.1.3.4", allow, deny), "deny wins over allow")
        self.assertTrue(ip_allowed("2001:db8::1", allow, deny))
        self.assertTrue(ip_allowed("::ffff:10.2.3.4", allow, deny), "IPv4-mapped IPv6 is the IPv4 address")
        self.assertFalse(ip_allowed("192.0.2.8", allow, deny))
        self.assertTrue(ip_allowed("198.51.100.1", (), ()), "empty lists allow everyone")
        self.assertFalse(ip_allowed("not-an-ip", allow, ()))
        with self.assertRaisesRegex(IpRuleError, "10.0.0.300"):
            parse_networks("10.0.0.300")

    def test_invalid_network_lists_are_refused_on_profiles_and_keys(self):
        with self.assertRaisesRegex(ValidationError, "nonsense"):
            self.env["mcp.access.profile"].create({"name": "bad net", "ip_allow": "nonsense"})


@tagged("post_install", "-at_install")
class GovernanceCase(TransactionCase):
    def setUp(self):
        super().setUp()
        # The rate limiter and job progress use cursors of their own: in test mode they share the test's.
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requester = new_test_user(cls.env, login="gov_requester", name="Gov Requester",
                                      groups="base.group_user,base.group_partner_manager")
        cls.approver = new_test_user(cls.env, login="gov_approver", groups="base.group_user", name="Gov Approver")
        cls.outsider = new_test_user(cls.env, login="gov_outsider", groups="base.group_user", name="Gov Outsider")
        partner_model = cls.env["ir.model"]._get("res.partner")
        cls.profile = cls.env["mcp.access.profile"].create({
            "name": "Gov profile", "scope": "full", "approval_destructive": True,
            "approver_user_ids": [Command.set(cls.approver.ids)],
            "rule_ids": [Command.create({"model_id": partner_model.id, "perm_read": True, "perm_create": True,
                                         "perm_write": True, "perm_unlink": True})],
        })
        cls.key, cls.secret = cls.env["mcp.api.key"]._create_with_secret(
            {"name": "gov", "user_id": cls.requester.id, "profile_id": cls.profile.id})
        cls.partner = cls.env["res.partner"].create({"name": "Governed Partner", "city": "Ghent"})

    def _call(self, name, arguments, user=None):
        credential = Credential.from_recorded({"kind": "mcp_key", "key_id": self.key.id, "user_id": self.requester.id,
                      "profile_id": self.profile.id})
        policy = self.env["mcp.access.policy"]._load(self.profile.id)
        call = CallContext(credential, policy, settings=self.env["mcp.server"]._settings())
        registry = self.env["mcp.tool.registry"].with_user(user or self.requester)
        return registry._call_tool(name, arguments, call), call


class TestRateLimiter(GovernanceCase):
    def test_postgresql_counters_stop_exactly_at_the_limit(self):
        limiter = self.env["mcp.rate.limiter"]
        credential = Credential.from_recorded({"kind": "mcp_key", "key_id": self.key.id, "user_id": self.requester.id,
                      "rate_limit_minute": 3, "rate_limit_day": 0})
        results = [limiter._hit(credential, {}) for _i in range(5)]
        self.assertEqual(results[:3], [None, None, None])
        _scope, window, limit, retry_after = results[3]
        self.assertEqual((window, limit), ("minute", 3))
        self.assertTrue(1 <= retry_after <= 60)
        self.assertTrue(results[4])

    def test_a_refused_request_consumes_no_quota_of_other_windows(self):
        limiter = self.env["mcp.rate.limiter"]
        credential = Credential.from_recorded({"kind": "mcp_key", "key_id": self.key.id, "user_id": self.requester.id,
                      "rate_limit_minute": 2, "rate_limit_day": 100})
        for _i in range(6):
            limiter._hit(credential, {})
        self.env.cr.execute("SELECT count FROM mcp_rate_counter WHERE bucket LIKE %s",
                            ["%%:cred:mcp_key:%s:day:%%" % self.key.id])
        self.assertEqual(self.env.cr.fetchone()[0], 2, "only the two accepted requests count for the day")

    def test_global_limit_applies_to_every_key(self):
        limiter = self.env["mcp.rate.limiter"]
        settings = {"global_rate_limit_minute": 2}
        first = Credential(kind="mcp_key", key_id=self.key.id, user_id=self.requester.id)
        second = Credential(kind="mcp_key", key_id=self.key.id + 100000, user_id=self.approver.id)
        self.assertIsNone(limiter._hit(first, settings))
        self.assertIsNone(limiter._hit(second, settings))
        self.assertEqual(limiter._hit(first, settings)[0], "global")


class TestToolPolicy(GovernanceCase):
    def test_scope_presets_cap_tools_and_operations(self):
        registry = self.env["mcp.tool.registry"]
        catalog = registry._catalog()
        for scope, allowed, refused in (
                ("read_only", {"search_read", "aggregate", "get_approval_status"}, {"write", "create", "unlink"}),
                ("read_write", {"write", "create", "batch"}, {"unlink"}),
                ("full", {"unlink", "write"}, set())):
            self.profile.scope = scope
            policy = self.env["mcp.access.policy"]._load(self.profile.id)
            usable = {name for name, spec in catalog.items() if policy.tool_allowed(spec)}
            self.assertLessEqual(allowed, usable, scope)
            self.assertFalse(refused & usable, scope)
            self.assertEqual("unlink" in policy.operations("res.partner"), scope == "full")

    def test_tool_allowlist(self):
        self.profile.tool_ids = self.env["mcp.tool"].search([("name", "in", ["search_read"])])
        policy = self.env["mcp.access.policy"]._load(self.profile.id)
        catalog = self.env["mcp.tool.registry"]._catalog()
        self.assertTrue(policy.tool_allowed(catalog["search_read"]))
        self.assertFalse(policy.tool_allowed(catalog["read"]))
        self.assertTrue(policy.tool_allowed(catalog["get_approval_status"]), "always allowed")
        result, call = self._call("read", {"model": "res.partner", "ids": [self.partner.id]})
        self.assertTrue(result["isError"])
        self.assertEqual(call.audit["status"], "denied")

    def test_catalog_lists_every_registered_tool_with_its_risk(self):
        self.env["mcp.tool"]._sync_catalog()
        tools = {tool.name: tool.risk for tool in self.env["mcp.tool"].search([])}
        self.assertEqual(tools["unlink"], "destructive")
        self.assertEqual(tools["write"], "write")
        self.assertEqual(tools["search_read"], "read")
        self.assertEqual(set(tools), set(self.env["mcp.tool.registry"]._catalog()))


class TestApprovals(GovernanceCase):
    def test_destructive_call_waits_then_runs_as_the_requester(self):
        result, call = self._call("write", {"model": "res.partner", "ids": [self.partner.id],
                                            "values": {"city": "Bruges"}})
        self.assertFalse(result["isError"], "write is not destructive here: it runs at once")
        self.assertEqual(self.partner.city, "Bruges")
        result, call = self._call("unlink", {"model": "res.partner", "ids": [self.partner.id]})
        self.assertTrue(result["isError"])
        pending = result["structuredContent"]
        self.assertEqual(pending["status"], "pending_approval")
        self.assertEqual(call.audit["status"], "pending_approval")
        self.assertTrue(self.partner.exists(), "nothing happens before approval")
        request = self.env["mcp.approval.request"].browse(pending["approval_id"])
        self.assertEqual(request.activity_ids.user_id, self.approver)
        self.assertIn("res.partner", request.summary)
        with self.assertRaises(AccessError):
            request.with_user(self.outsider).action_approve()
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "executed")
        self.assertFalse(self.partner.exists())
        self.assertFalse(request.activity_ids, "the approver's activity is done")
        status = request._status_for_agent()
        self.assertEqual(status["result"]["deleted"], [self.partner.id])
        with self.assertRaises(UserError):
            request.with_user(self.approver).action_approve()

    def test_approvers_are_named_only_when_the_key_may_read_them(self):
        # The profile grants res.partner only: the approver is "an administrator", before and after the decision.
        result, _call = self._call("unlink", {"model": "res.partner", "ids": [self.partner.id]})
        text = result["content"][0]["text"]
        self.assertNotIn("Gov Approver", text)
        self.assertIn("an administrator", text)
        request = self.env["mcp.approval.request"].browse(result["structuredContent"]["approval_id"])
        request.with_user(self.approver).action_reject()
        status, _call = self._call("get_approval_status", {"approval_id": request.id})
        self.assertEqual(status["structuredContent"]["status"], "rejected")
        self.assertEqual(status["structuredContent"]["decided_by"], "an administrator")
        # With read on users, the key sees who decides.
        self.profile.rule_ids = [Command.create({"model_id": self.env["ir.model"]._get_id("res.users"),
                                                 "perm_read": True})]
        status, _call = self._call("get_approval_status", {"approval_id": request.id})
        self.assertEqual(status["structuredContent"]["decided_by"], "Gov Approver")
        result, _call = self._call("unlink", {"model": "res.partner", "ids": [self.partner.id]})
        self.assertIn("Gov Approver", result["content"][0]["text"])

    def test_approval_runs_with_the_requesters_rights_not_the_approvers(self):
        self.env["ir.config_parameter"].sudo().set_param("mcp_server.approval_expiry_minutes", "5")
        restricted = new_test_user(self.env, login="gov_restricted", groups="base.group_user", name="Restricted")
        self.key.user_id = restricted
        credential = Credential.from_recorded({"kind": "mcp_key", "key_id": self.key.id, "user_id": restricted.id,
                      "profile_id": self.profile.id})
        call = CallContext(credential, self.env["mcp.access.policy"]._load(self.profile.id),
                           settings=self.env["mcp.server"]._settings())
        result = self.env["mcp.tool.registry"].with_user(restricted)._call_tool(
            "unlink", {"model": "res.partner", "ids": [self.partner.id]}, call)
        request = self.env["mcp.approval.request"].browse(result["structuredContent"]["approval_id"])
        self.assertLessEqual(request.expires_at, fields.Datetime.now() + timedelta(minutes=5, seconds=5))
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "failed", "a plain employee may not delete partners")
        self.assertTrue(self.partner.exists())

    def test_rejected_and_expired_requests_never_run(self):
        first = self._call("unlink", {"model": "res.partner", "ids": [self.partner.id]})[0]
        request = self.env["mcp.approval.request"].browse(first["structuredContent"]["approval_id"])
        request.with_user(self.approver).action_reject()
        self.assertEqual(request.state, "rejected")
        second = self._call("unlink", {"model": "res.partner", "ids": [self.partner.id]})[0]
        expired = self.env["mcp.approval.request"].browse(second["structuredContent"]["approval_id"])
        expired.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["mcp.approval.request"]._cron_expire()
        self.assertEqual(expired.state, "expired")
        self.assertTrue(self.partner.exists())
        audit = self.env["mcp.audit.log"].search([("tool", "=", "unlink"), ("key_id", "=", self.key.id)])
        self.assertEqual(set(audit.mapped("method")), {"approval/rejected", "approval/expired"})

    def test_dry_run_needs_no_approval_and_saves_nothing(self):
        result, _call = self._call("unlink", {"model": "res.partner", "ids": [self.partner.id], "dry_run": True})
        self.assertFalse(result["isError"])
        self.assertEqual(result["structuredContent"]["changes"][0]["id"], self.partner.id)
        self.assertTrue(self.partner.exists())
        self.assertFalse(self.env["mcp.approval.request"].search([("key_id", "=", self.key.id)]))


class TestJobs(GovernanceCase):
    def _job(self, tool, arguments):
        credential = Credential.from_recorded({"kind": "mcp_key", "key_id": self.key.id, "user_id": self.requester.id,
                      "profile_id": self.profile.id})
        call = CallContext(credential, self.env["mcp.access.policy"]._load(self.profile.id),
                           settings=self.env["mcp.server"]._settings())
        spec = self.env["mcp.tool.registry"]._catalog()[tool]
        return self.env["mcp.job"].sudo()._enqueue(spec, arguments, call)

    def test_job_runs_as_its_user_and_keeps_its_result(self):
        job = self._job("batch", {"operations": [
            {"operation": "write", "model": "res.partner", "ids": [self.partner.id], "values": {"city": "Job"}}]})
        self.assertEqual(job.state, "queued")
        job._run()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100.0)
        self.assertEqual(self.partner.city, "Job")
        self.assertEqual(self.partner.write_uid, self.requester)
        self.assertEqual(json.loads(job.result)["structuredContent"]["count"], 1)

    def test_cancel_requested_stops_the_job_and_rolls_back(self):
        job = self._job("batch", {"operations": [
            {"operation": "write", "model": "res.partner", "ids": [self.partner.id], "values": {"city": "Nope"}},
            {"operation": "create", "model": "res.partner", "values": {"name": "Never created"}}]})
        job.write({"state": "running", "cancel_requested": True})
        job._run()
        self.assertEqual(job.state, "cancelled")
        self.assertEqual(self.partner.city, "Ghent")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Never created")]))

    def test_queued_job_cancels_at_once_and_can_be_retried(self):
        job = self._job("export_records", {"model": "res.partner", "format": "csv"})
        job._request_cancel()
        self.assertEqual(job.state, "cancelled")
        job.action_retry()
        self.assertEqual(job.state, "queued")
        job._run()
        self.assertEqual(job.state, "done")

    def test_a_failing_job_is_recorded(self):
        job = self._job("batch", {"operations": [
            {"operation": "write", "model": "res.partner", "ids": [self.partner.id],
             "values": {"parent_id": self.partner.id}}]})
        job._run()
        self.assertEqual(job.state, "failed")
        self.assertIn("Operation 1", job.error)


class TestKeyLifecycle(GovernanceCase):
    def test_expiry_warning_and_deactivation(self):
        soon = fields.Datetime.now() + timedelta(days=2)
        self.key.write({"expires_at": soon, "owner_id": self.approver.id})
        self.env["mcp.api.key"]._cron_key_lifecycle()
        self.assertTrue(self.key.expiry_warned)
        self.assertEqual(self.key.activity_ids.user_id, self.approver)
        self.key.write({"expires_at": fields.Datetime.now() - timedelta(minutes=1)})
        self.env["mcp.api.key"]._cron_key_lifecycle()
        self.assertFalse(self.key.active)
        self.assertEqual(self.env["mcp.api.key"]._authenticate(self.secret)[1], "expired key")

    def test_overdue_rotation_reminds_then_expires(self):
        self.key.with_context(mcp_key_internal=True).write({
            "rotation_days": 30, "last_rotated": fields.Datetime.now() - timedelta(days=31)})
        self.env["mcp.api.key"]._cron_key_lifecycle()
        self.assertTrue(self.key.activity_ids, "the owner is asked to rotate")
        self.assertTrue(self.key.active)
        self.key.with_context(mcp_key_internal=True).write(
            {"last_rotated": fields.Datetime.now() - timedelta(days=40)})
        self.env["mcp.api.key"]._cron_key_lifecycle()
        self.assertFalse(self.key.active)
        self.assertEqual(self.key.state, "expired")
        self.assertIsNone(self.env["mcp.api.key"]._authenticate(self.secret)[0])

    def test_odoo_api_keys_only_with_a_mapped_profile(self):
        token = self.env["res.users.apikeys"].with_user(self.requester)._generate(
            None, "gov", fields.Datetime.now() + timedelta(days=1))
        ir_http = self.env["ir.http"]
        self.assertIsNone(ir_http._mcp_authenticate_token(self.env, token)[0])
        self.env["ir.config_parameter"].sudo().set_param("mcp_server.native_key_profile_id", str(self.profile.id))
        credential, _reason = ir_http._mcp_authenticate_token(self.env, token)
        self.assertEqual((credential.kind, credential.user_id, credential.profile_id),
                         ("odoo_apikey", self.requester.id, self.profile.id))
        native_key = self.env["res.users.apikeys"].search([("user_id", "=", self.requester.id)])
        self.assertEqual(credential.ref, "odoo_apikey:%s:%s" % (self.requester.id, native_key.id),
                         "each Odoo API key is a credential of its own")
