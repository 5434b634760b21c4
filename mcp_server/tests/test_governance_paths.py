"""No path around the access profile: composite tools, call_method, approvals under the current profile."""
from odoo import Command
from odoo.tests import tagged

from ..lib.call_context import CallContext
from ..lib.credential import Credential
from .test_governance import GovernanceCase


@tagged("post_install", "-at_install")
class GovernancePathCase(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["res.partner.category"].create({"name": "Gov tag", "color": 1})
        cls.company = cls.env["res.partner"].create({"name": "Gov Company", "is_company": True, "city": "Namur"})
        cls.contact = cls.env["res.partner"].create({"name": "Gov Contact", "parent_id": cls.company.id})

    @classmethod
    def _profile(cls, name, rules, **values):
        """A profile approved by ``approver``; ``rules`` maps a model to the values of its rule."""
        tools = values.pop("tools", None)
        approval_tools = values.pop("approval_tools", ())
        Tool = cls.env["mcp.tool"]
        values.update(
            name=name, approver_user_ids=[Command.set(cls.approver.ids)],
            approval_tool_ids=[Command.set(Tool.search([("name", "in", list(approval_tools))]).ids)],
            rule_ids=[Command.create(dict(rule, model_id=cls.env["ir.model"]._get_id(model)))
                      for model, rule in rules.items()])
        if tools is not None:
            values["tool_ids"] = [Command.set(Tool.search([("name", "in", list(tools))]).ids)]
        return cls.env["mcp.access.profile"].create(values)

    @classmethod
    def _all(cls, **values):
        return dict({"perm_read": True, "perm_create": True, "perm_write": True, "perm_unlink": True}, **values)

    @classmethod
    def _fields(cls, model, *names):
        return [Command.set([cls.env["ir.model.fields"]._get(model, name).id for name in names])]

    def _call_as(self, profile, name, arguments):
        """Call a tool with the test key, its profile set to ``profile``."""
        self.key.profile_id = profile
        credential = Credential.from_recorded({"kind": "mcp_key", "key_id": self.key.id, "user_id": self.requester.id,
                      "profile_id": profile.id})
        call = CallContext(credential, self.env["mcp.access.policy"]._load(profile.id),
                           settings=self.env["mcp.server"]._settings())
        return self.env["mcp.tool.registry"].with_user(self.requester)._call_tool(name, arguments, call), call

    def assertPending(self, result, call):
        self.assertTrue(result["isError"])
        self.assertEqual((result["structuredContent"]["status"], call.audit["status"]),
                         ("pending_approval", "pending_approval"))
        return self.env["mcp.approval.request"].browse(result["structuredContent"]["approval_id"])

    def assertRefused(self, result, call, *fragments):
        self.assertTrue(result["isError"], result)
        self.assertEqual(call.audit["status"], "denied", result)
        text = result["content"][0]["text"]
        for fragment in fragments:
            self.assertIn(fragment, text)
        return text


class TestCompositeTools(GovernancePathCase):
    """batch passes every operation through the checks of the tool it stands for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No create, no unlink tool; write needs approval.
        cls.no_delete = cls._profile("Gov no create/unlink", {"res.partner": cls._all(),
                                                             "res.partner.category": cls._all()},
                                     scope="full", tools=["batch", "write", "read", "call_method"],
                                     approval_tools=["write"])
        cls.read_write = cls._profile("Gov read/write", {"res.partner": cls._all(),
                                                        "res.partner.category": cls._all()},
                                      scope="read_write")
        cls.approve_deletes = cls._profile("Gov approve deletes", {"res.partner": cls._all(),
                                                                  "res.partner.category": cls._all()},
                                           scope="full", approval_destructive=True)

    def test_batch_obeys_the_tool_allowlist_and_per_tool_approvals(self):
        result, call = self._call_as(self.no_delete, "batch", {"operations": [
            {"operation": "create", "model": "res.partner", "values": {"name": "Smuggled"}},
            {"operation": "write", "model": "res.partner", "ids": [self.partner.id], "values": {"city": "Liège"}},
            {"operation": "unlink", "model": "res.partner", "ids": [self.partner.id]}]})
        self.assertRefused(result, call, "step 1 (create)", "Tool create is not available")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Smuggled")]))
        self.assertEqual(self.partner.city, "Ghent")
        self.assertFalse(self.env["mcp.approval.request"].search([("key_id", "=", self.key.id)]))
        # The write alone waits for approval, as a direct write would.
        result, call = self._call_as(self.no_delete, "batch", {"operations": [
            {"operation": "write", "model": "res.partner", "ids": [self.partner.id], "values": {"city": "Liège"}}]})
        request = self.assertPending(result, call)
        self.assertEqual(self.partner.city, "Ghent")
        request.with_user(self.approver).action_approve()
        self.assertEqual((request.state, self.partner.city), ("executed", "Liège"))

    def test_batch_on_tags_obeys_approvals_per_risk_and_the_scope_preset(self):
        operations = [{"operation": "create", "model": "res.partner.category", "values": {"name": "New tag"}},
                      {"operation": "unlink", "model": "res.partner.category", "ids": [self.tag.id]}]
        result, call = self._call_as(self.no_delete, "batch", {"operations": operations})
        self.assertRefused(result, call, "step 1 (create)")
        result, call = self._call_as(self.read_write, "batch", {"operations": operations})
        self.assertRefused(result, call, "step 2 (unlink)")
        result, call = self._call_as(self.approve_deletes, "batch", {"operations": operations})
        request = self.assertPending(result, call)
        self.assertEqual(request.risk, "destructive")
        self.assertTrue(self.tag.exists())
        self.assertFalse(self.env["res.partner.category"].search([("name", "=", "New tag")]))
        # A dry run needs no approval and saves nothing.
        result, call = self._call_as(self.approve_deletes, "batch", {"operations": operations, "dry_run": True})
        self.assertFalse(result["isError"], result)
        self.assertTrue(self.tag.exists())

    def test_risk_is_declared_by_the_tool_not_guessed_from_its_name(self):
        registry = self.env["mcp.tool.registry"]
        catalog = registry._catalog()
        self.assertEqual(registry._call_risk(catalog["batch"], {"operations": [
            {"operation": "write", "model": "res.partner", "ids": [1], "values": {}}]}), "write")
        self.assertEqual(registry._call_risk(catalog["batch"], {"operations": [
            {"operation": "unlink", "model": "res.partner.category", "ids": [1]}]}), "destructive")
        for method, risk in (("action_confirm", "write"), ("copy", "write"), ("unlink", "destructive")):
            self.assertEqual(registry._call_risk(catalog["call_method"], {"method": method}), risk, method)
        self.assertIsNotNone(catalog["batch"].parts)

    def test_call_method_that_deletes_is_destructive_for_approvals_and_scope(self):
        for profile in (self.read_write, self.approve_deletes):
            profile.rule_ids.filtered(lambda r: r.model_name == "res.partner").allowed_methods = "unlink, write"
        arguments = {"model": "res.partner", "ids": [self.partner.id], "method": "unlink"}
        result, call = self._call_as(self.read_write, "call_method", arguments)
        self.assertRefused(result, call, "destructive", "at most write")
        result, call = self._call_as(self.approve_deletes, "call_method", arguments)
        request = self.assertPending(result, call)
        self.assertEqual(request.risk, "destructive")
        self.assertTrue(self.partner.exists())
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "executed", request.result)
        self.assertFalse(self.partner.exists())

    def test_call_method_that_writes_tags_needs_the_write_approval(self):
        profile = self._profile("Gov approve writes", {"res.partner.category": self._all(allowed_methods="write")},
                                scope="full", approval_write=True)
        result, call = self._call_as(profile, "call_method", {
            "model": "res.partner.category", "ids": [self.tag.id], "method": "write", "args": [{"name": "Renamed"}]})
        self.assertPending(result, call)
        self.assertEqual(self.tag.name, "Gov tag")
        # write and copy through call_method are the write and create tools: their allowlist entry and
        # per-tool approvals apply.
        self.no_delete.rule_ids.filtered(lambda r: r.model_name == "res.partner.category").allowed_methods = \
            "write, copy"
        result, call = self._call_as(self.no_delete, "call_method", {
            "model": "res.partner.category", "ids": [self.tag.id], "method": "copy"})
        self.assertRefused(result, call, "Tool create is not available")
        result, call = self._call_as(self.no_delete, "call_method", {
            "model": "res.partner.category", "ids": [self.tag.id], "method": "write", "args": [{"name": "Renamed"}]})
        self.assertPending(result, call)
        self.assertEqual(self.env["res.partner.category"].search_count([("name", "like", "Gov tag")]), 1)


class TestCallMethodValuesAndResults(GovernancePathCase):
    """call_method: values pass the checks of create/write, answers are filtered, data methods are refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        methods = "copy, read, write, toggle_active, address_get, open_commercial_entity"
        cls.companies_no_create = cls._profile("Gov companies, no create", {
            "res.partner": {"perm_read": True, "perm_write": True, "domain": "[('is_company', '=', True)]",
                            "field_ids": cls._fields("res.partner", "name", "is_company", "city"),
                            "allowed_methods": methods}}, scope="full")
        cls.companies = cls._profile("Gov companies", {
            "res.partner": cls._all(domain="[('is_company', '=', True)]", allowed_methods=methods,
                                    field_ids=cls._fields("res.partner", "name", "is_company", "city"))},
            scope="full")
        cls.tags = cls._profile("Gov tags", {"res.partner.category": cls._all(
            field_ids=cls._fields("res.partner.category", "name"), allowed_methods="write, copy, search_read")},
            scope="full")

    def _method(self, profile, model, ids, method, **arguments):
        return self._call_as(profile, "call_method", dict(arguments, model=model, ids=ids, method=method))

    def test_copy_with_default_values_passes_the_create_checks(self):
        count = self.env["res.partner"].search_count([])
        result, call = self._method(self.companies_no_create, "res.partner", [self.company.id], "copy",
                                    kwargs={"default": {"name": "Copied"}})
        self.assertRefused(result, call, "Tool create is not available")
        result, call = self._method(self.companies, "res.partner", [self.company.id], "copy",
                                    kwargs={"default": {"email": "leak@example.com"}})
        self.assertRefused(result, call, "email")
        result, call = self._method(self.companies, "res.partner", [self.company.id], "copy",
                                    kwargs={"default": {"name": "Outside copy", "is_company": False}})
        self.assertRefused(result, call, "outside")
        self.assertEqual(self.env["res.partner"].search_count([]), count, "nothing was created")
        result, call = self._method(self.companies, "res.partner", [self.company.id], "copy",
                                    args=[{"name": "Inside copy"}])
        self.assertFalse(result["isError"], result)
        copied = result["structuredContent"]["result"]
        self.assertEqual(self.env["res.partner"].browse(copied["ids"]).name, "Inside copy")
        # Record ids must be within the domain, and data methods are refused even when listed.
        result, call = self._method(self.companies, "res.partner", [self.contact.id], "copy")
        self.assertRefused(result, call, str(self.contact.id))
        result, call = self._method(self.companies, "res.partner", [self.company.id], "read",
                                    args=[["email", "name"]])
        self.assertRefused(result, call, "read tool")
        self.companies.rule_ids.allowed_methods += ", mapped"
        result, call = self._method(self.companies, "res.partner", [self.company.id], "mapped", args=["email"])
        self.assertRefused(result, call, "generic method")
        # Mixin methods are not business actions either: message_subscribe would add any partner as follower.
        self.companies.rule_ids.allowed_methods += ", message_subscribe"
        result, call = self._method(self.companies, "res.partner", [self.company.id], "message_subscribe",
                                    args=[[self.contact.id]])
        self.assertRefused(result, call, "mail.thread")
        self.assertNotIn(self.contact, self.company.message_partner_ids)

    def test_write_and_copy_of_tags_pass_the_field_allowlist(self):
        result, call = self._method(self.tags, "res.partner.category", [self.tag.id], "write", args=[{"color": 7}])
        self.assertRefused(result, call, "color")
        result, call = self._method(self.tags, "res.partner.category", [self.tag.id], "copy",
                                    kwargs={"default": {"color": 9}})
        self.assertRefused(result, call, "color")
        self.assertEqual(self.tag.color, 1)
        result, call = self._method(self.tags, "res.partner.category", [self.tag.id], "search_read")
        self.assertRefused(result, call, "search_read tool")
        self.tags.rule_ids.allowed_methods += ", name_create"
        result, call = self._method(self.tags, "res.partner.category", [self.tag.id], "name_create",
                                    args=["Created around the checks"])
        self.assertRefused(result, call, "create tool")
        self.assertFalse(self.env["res.partner.category"].search([("name", "=", "Created around the checks")]))
        result, call = self._method(self.tags, "res.partner.category", [self.tag.id], "write",
                                    kwargs={"vals": {"name": "Renamed tag"}})
        self.assertFalse(result["isError"], result)
        self.assertEqual(self.tag.name, "Renamed tag")

    def test_other_methods_take_no_values_and_answer_no_data(self):
        result, call = self._method(self.companies, "res.partner", [self.company.id], "open_commercial_entity",
                                    kwargs={"values": {"email": "x@example.com"}})
        self.assertRefused(result, call, "may not hold objects")
        result, call = self._method(self.companies, "res.partner", [self.company.id], "open_commercial_entity",
                                    args=[1, 2])
        self.assertIn("does not take these arguments", result["content"][0]["text"])
        # Archiving sets 'active', which this profile's field list does not allow to write.
        result, call = self._method(self.companies, "res.partner", [self.company.id], "toggle_active")
        self.assertRefused(result, call, "active")
        self.assertTrue(self.company.active)
        # address_get answers ids of contacts outside the domain: not shown.
        result, call = self._method(self.companies, "res.partner", [self.company.id], "address_get",
                                    args=[["contact", "invoice"]])
        self.assertFalse(result["isError"], result)
        self.assertIsNone(result["structuredContent"]["result"])
        self.assertIn("not shown", result["structuredContent"]["note"])

    def test_a_dry_run_checks_a_business_method_without_running_it(self):
        result, _call = self._method(self.companies, "res.partner", [self.company.id], "open_commercial_entity",
                                     dry_run=True)
        report = result["structuredContent"]
        self.assertEqual((report["would_succeed"], report["changes"][0]["run"]), (True, False))
        result, call = self._method(self.companies, "res.partner", [self.contact.id], "open_commercial_entity",
                                    dry_run=True)
        self.assertRefused(result, call, "not accessible")

    def test_actions_name_no_record_outside_the_domain(self):
        contacts = self._profile("Gov contacts", {"res.partner": self._all(
            domain="[('is_company', '=', False)]", allowed_methods="open_commercial_entity")}, scope="full")
        result, _call = self._method(contacts, "res.partner", [self.contact.id], "open_commercial_entity")
        self.assertFalse(result["isError"], result)
        action = result["structuredContent"]["action"]
        self.assertEqual(action["res_model"], "res.partner")
        self.assertNotIn("res_id", action, "the company is outside this key's records")
        result, _call = self._method(self.companies, "res.partner", [self.company.id], "open_commercial_entity")
        self.assertEqual(result["structuredContent"]["action"]["res_id"], self.company.id)


class TestApprovalUnderCurrentProfile(GovernancePathCase):
    """An approved call runs under the key's access profile as it is when it runs."""

    def test_profile_change_after_submission_refuses_the_approved_call(self):
        no_delete = self._profile("Gov no unlink tool", {"res.partner": self._all()}, scope="full",
                                  tools=["read", "write"])
        result, call = self._call_as(self.profile, "unlink", {"model": "res.partner", "ids": [self.partner.id]})
        request = self.assertPending(result, call)
        self.key.profile_id = no_delete
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "failed")
        self.assertIn("Not executed", request.result)
        self.assertIn("unlink", request.result)
        self.assertTrue(self.partner.exists())
        audit = self.env["mcp.audit.log"].search([("key_id", "=", self.key.id), ("tool", "=", "unlink")],
                                                 order="id desc", limit=1)
        self.assertEqual((audit.method, audit.status), ("approval/failed", "denied"))

    def test_scope_lowered_after_submission_refuses_an_approved_batch_on_tags(self):
        approve_all = self._profile("Gov approve tag writes", {"res.partner.category": self._all()}, scope="full",
                                    approval_write=True)
        read_only = self._profile("Gov tags read only", {"res.partner.category": self._all()}, scope="read_only")
        result, call = self._call_as(approve_all, "batch", {"operations": [
            {"operation": "write", "model": "res.partner.category", "ids": [self.tag.id],
             "values": {"name": "Approved name"}}]})
        request = self.assertPending(result, call)
        self.key.profile_id = read_only
        request.with_user(self.approver).action_approve()
        self.assertEqual(request.state, "failed")
        self.assertIn("Not executed", request.result)
        self.assertEqual(self.tag.name, "Gov tag")
