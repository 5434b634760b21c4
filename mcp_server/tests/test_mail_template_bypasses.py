"""E-mail templates cannot carry a placeholder the key may not read: not through HTML the sanitiser rewrites
into a placeholder, nor through a relation onto records outside the key's domain, nor through the generic
record tools."""
from odoo import Command
from odoo.tests import tagged

from .common import McpCase


@tagged("post_install", "-at_install")
class TestMailTemplateBypasses(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a.write({"groups_id": [Command.link(cls.env.ref("mail.group_mail_template_editor").id)]})
        cls.profile_mail = cls._make_profile("MCP test mail bypass", "read_write", {
            "res.partner": {"ops": "read", "domain": "[('is_company', '=', True)]",
                            "fields": ["name", "email", "is_company", "parent_id", "child_ids"]},
            "mail.template": {"ops": "read,create,write"},
        })
        cls.key_mail, cls.secret_mail = cls._make_key("mail bypass key", cls.user_a, cls.profile_mail)

    def draft(self, **values):
        return dict({"model": "res.partner", "name": "Bypass", "subject": "Hello",
                     "body_html": "<p>Dear <t t-out='object.name'/></p>"}, **values)

    def test_html_rewritten_into_placeholders_is_checked(self):
        bodies = (
            # Character references: the raw text holds no '{{', the parsed text does.
            "<p>&#123;&#123; object.phone &#125;&#125;</p>",
            # An element the sanitiser drops joins the braces around it.
            "<p>{<foo></foo>{ object.phone }<foo></foo>}</p>",
            # Any expression, quotes included, would become a t-out of its own.
            "<p>&#123;&#123; object.env['res.users'].search([]).mapped('login') &#125;&#125;</p>",
            '<p>&#123;&#123; object.name" t-att-title="object.phone &#125;&#125;</p>',
        )
        for body in bodies:
            with self.subTest(body=body):
                text = self.tool_error(self.secret_mail, "draft_email_template", self.draft(body_html=body))
                self.assertRegex(text, "Placeholder.*(not allowed|may not be used)|directive t-att-title")
        self.assertFalse(self.env["mail.template"].search([("name", "=", "Bypass")]))

    def test_relations_onto_records_outside_the_domain_are_refused(self):
        # Acme is in the key's domain (a company); its contact Alice is not.
        for subject in ("To {{ object.child_ids.email }}", "To {{ object.child_ids.name }}"):
            with self.subTest(subject=subject):
                self.assertDenied(self.secret_mail, self.key_mail, "draft_email_template",
                                  self.draft(subject=subject), "domain")
        template = self.env["mail.template"].create({
            "name": "Admin contact template", "model_id": self.env["ir.model"]._get_id("res.partner"),
            "subject": "{{ object.child_ids.email }}", "body_html": "<p>Hi</p>"})
        for tool in ("preview_email_template", "send_test_email"):
            with self.subTest(tool=tool):
                text = self.assertDenied(self.secret_mail, self.key_mail, tool,
                                         {"template": template.id, "record": self.acme.id}, "domain")
                self.assertNotIn("alice.private", text)
        # A field path on the record itself still renders.
        template.subject = "{{ object.email }}"
        preview = self.tool_ok(self.secret_mail, "preview_email_template",
                               {"template": template.id, "record": self.acme.id})
        self.assertEqual(preview["subject"], "contact@acme.example")

    def test_generic_tools_do_not_write_template_texts(self):
        """create, write, batch and copy (call_method) would store placeholders unchecked: a person sending the
        e-mail later would render fields the key may not read."""
        model_id = self.env["ir.model"]._get_id("res.partner")
        values = {"name": "Generic", "model_id": model_id, "subject": "{{ object.email }}",
                  "body_html": "<p><t t-out='object.child_ids[0].email'/></p>", "email_to": "{{ object.email }}"}
        text = self.assertDenied(self.secret_mail, self.key_mail, "create",
                                 {"model": "mail.template", "values": values}, "body_html, email_to, name, subject",
                                 "draft_email_template")
        self.assertNotIn("object.", text)
        self.assertDenied(self.secret_mail, self.key_mail, "batch", {"operations": [
            {"operation": "create", "model": "mail.template", "values": values}]}, "draft_email_template")
        self.assertFalse(self.env["mail.template"].search([("name", "=", "Generic")]))
        drafted = self.tool_ok(self.secret_mail, "draft_email_template", self.draft())
        template = self.env["mail.template"].browse(drafted["template_id"])
        self.assertDenied(self.secret_mail, self.key_mail, "write", {
            "model": "mail.template", "ids": [template.id], "values": {"subject": "{{ object.email }}"}},
            "subject", "draft_email_template")
        self.assertEqual(template.subject, "Hello")
        # Fields that are not texts stay writable.
        self.tool_ok(self.secret_mail, "write", {"model": "mail.template", "ids": [template.id],
                                                 "values": {"auto_delete": False}})
        self.assertFalse(template.auto_delete)
