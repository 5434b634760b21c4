"""E-mail template tools: drafting with checked placeholders, previews as the key's user, tests sent to oneself."""
from odoo import Command
from odoo.addons.mail.tests.common import MockEmail
from odoo.tests import tagged

from .common import McpCase


@tagged("post_install", "-at_install")
class TestMailTemplates(McpCase, MockEmail):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a.write({"email": "ann@mcp-tests.example",
                          "groups_id": [Command.link(cls.env.ref("mail.group_mail_template_editor").id)]})
        cls.profile_mail = cls._make_profile("MCP test mail", "read_write", {
            "res.partner": {"ops": "read", "fields": ["name", "email", "is_company", "parent_id", "company_id",
                                                      "complete_name"]},
            "mail.template": {"ops": "read,create"},
        })
        cls.key_mail, cls.secret_mail = cls._make_key("mail key", cls.user_a, cls.profile_mail)
        cls.template = cls.env["mail.template"].create({
            "name": "Admin template", "model_id": cls.env["ir.model"]._get_id("res.partner"),
            "subject": "About {{ object.name }}", "body_html": '<p>Hi <t t-out="object.parent_id.name"/></p>',
            "partner_to": "{{ object.id }}", "email_to": "someone@elsewhere.example",
            "email_cc": "cc@elsewhere.example",
        })

    def draft(self, **values):
        return dict({"model": "res.partner", "name": "Welcome", "subject": "Welcome {{ object.name }}",
                     "body_html": "<p>Dear <t t-out='object.name'/></p>"}, **values)

    def test_draft_sanitises_and_keeps_placeholders(self):
        result = self.tool_ok(self.secret_mail, "draft_email_template", self.draft(
            body_html='<p onclick="steal()">Dear <span t-out="object.name">you</span>,</p><script>alert(1)</script>'
                      "<p>We write to {{ object.email }} about {{object.parent_id.name}}.</p>"))
        template = self.env["mail.template"].browse(result["template_id"])
        self.assertEqual((template.model, template.subject, template.create_uid),
                         ("res.partner", "Welcome {{ object.name }}", self.user_a))
        body = str(template.body_html)
        for fragment in ('<t t-out="object.name"', '<t t-out="object.email"', '<t t-out="object.parent_id.name"'):
            self.assertIn(fragment, body)
        for fragment in ("script", "alert", "onclick", "steal"):
            self.assertNotIn(fragment, body)
        preview = self.tool_ok(self.secret_mail, "preview_email_template",
                               {"template": template.id, "record": self.alice.id})
        self.assertEqual(preview["subject"], "Welcome Alice Acmeworker")
        self.assertIn("Dear Alice Acmeworker,", preview["body_html"])
        self.assertIn("alice.private@acme.example about Acme Corp.", preview["body_html"])

    def test_placeholders_the_key_may_not_read_are_refused(self):
        text = self.assertDenied(self.secret_mail, self.key_mail, "draft_email_template",
                                 self.draft(subject="Call {{ object.phone }}"), "object.phone", "phone")
        self.assertIn("res.partner", text)
        # A computed field in the allowlist whose sources are not (complete_name needs the contact type).
        self.assertDenied(self.secret_mail, self.key_mail, "draft_email_template",
                          self.draft(subject="To {{ object.complete_name }}"), "complete_name", "not readable")
        # A relational step onto a model the profile does not allow.
        self.assertDenied(self.secret_mail, self.key_mail, "draft_email_template",
                          self.draft(body_html='<p t-out="object.company_id.name"/>'), "res.company")
        for values, fragment in (
            ({"subject": "{{ object.name.upper() }}"}, "not allowed"),
            ({"subject": "{{ object.name || 'friend' }}"}, "not allowed"),
            ({"body_html": '<p t-if="object.is_company">Hi</p>'}, "t-if"),
            ({"body_html": "<p>{{ ctx.get('x') }}</p>"}, "not allowed"),
            ({"subject": "{{ object.nmae }}"}, "Unknown field"),
            ({"body_html": '<a href="{{ object.email }}">mail</a>'}, "attribute href"),
        ):
            self.tool_error(self.secret_mail, "draft_email_template", self.draft(**values), fragment)
        self.assertDenied(self.secret_mail, self.key_mail, "draft_email_template",
                          self.draft(model="res.users", body_html="<p>Hi</p>", subject="Hi"), "res.users")
        self.assertFalse(self.env["mail.template"].search([("name", "=", "Welcome")]))

    def test_users_who_are_not_template_editors_are_told_why(self):
        self.user_a.groups_id = [Command.unlink(self.env.ref("mail.group_mail_template_editor").id)]
        self.assertDenied(self.secret_mail, self.key_mail, "draft_email_template",
                          self.draft(subject="Hi {{ object.email }}"), "Mail Template Editor", "object.name")
        # Odoo's own short list still works for them.
        self.tool_ok(self.secret_mail, "draft_email_template", self.draft())

    def test_preview_checks_template_and_record(self):
        preview = self.tool_ok(self.secret_mail, "preview_email_template",
                               {"template": self.template.id, "record": self.alice.id})
        self.assertEqual((preview["subject"], preview["body_html"]), ("About Alice Acmeworker", "<p>Hi Acme Corp</p>"))
        unsafe = self.template.copy({"subject": "{{ object.phone }}"})
        self.assertDenied(self.secret_mail, self.key_mail, "preview_email_template",
                          {"template": unsafe.id, "record": self.alice.id}, "phone")
        # Odoo's record rules: company B's partner is out of user A's reach.
        self.assertDenied(self.secret_mail, self.key_mail, "preview_email_template",
                          {"template": self.template.id, "record": self.beta.id}, str(self.beta.id))
        self.assertDenied(self.secret_mail, self.key_mail, "preview_email_template",
                          {"template": 999999, "record": self.alice.id}, "999999")

    def test_send_test_email_goes_only_to_the_user(self):
        with self.mock_mail_gateway():
            result = self.tool_ok(self.secret_mail, "send_test_email",
                                  {"template": self.template.id, "record": self.alice.id})
        self.assertEqual((result["sent_to"], result["subject"]), ("ann@mcp-tests.example", "About Alice Acmeworker"))
        self.assertEqual(len(self._new_mails), 1)
        mail = self._new_mails
        self.assertEqual((mail.email_to, mail.email_cc, mail.recipient_ids),
                         ('"Ann MCP" <ann@mcp-tests.example>', False, self.env["res.partner"]))
        self.assertEqual([sent["email_to"] for sent in self._mails], [['"Ann MCP" <ann@mcp-tests.example>']])
        self.assertFalse([sent for sent in self._mails if sent.get("email_cc")])

    def test_tools_follow_the_profile(self):
        names = self.tool_names(self.secret_mail)
        self.assertTrue({"draft_email_template", "preview_email_template", "send_test_email"} <= names)
        # The staging tool needs Email Marketing and create on mailing.mailing, which this profile does not
        # grant (mcp_erp_tests covers the key that may stage a mailing).
        self.assertNotIn("stage_mass_mailing", names)
        self.assertFalse({"draft_email_template", "preview_email_template", "send_test_email"}
                         & self.tool_names(self.secret_full))
