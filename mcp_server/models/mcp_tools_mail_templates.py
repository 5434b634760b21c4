"""E-mail template tools, safe by default: draft a template, preview it, send a test to oneself, stage a
mass mailing as a draft. Nothing here e-mails a partner: a person sends from Odoo.

Policy: drafting needs create on mail.template in the key's profile; previewing and test e-mails need read on
mail.template; staging a mailing needs create on mailing.mailing (Email Marketing installed). Placeholders are
field paths the key may read (``services.MailTemplates``); records are rendered as the key's user.
"""
from odoo import _, api, models
from odoo.exceptions import AccessError

from ..lib.jsonrpc import ToolError
from ..services import MailTemplates
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import DOMAIN, MODEL

MAILING_MODEL = "mailing.mailing"
TEMPLATE_NEEDS = {
    "draft_email_template": ("mail.template", "create"),
    "preview_email_template": ("mail.template", "read"),
    "send_test_email": ("mail.template", "read"),
    "stage_mass_mailing": (MAILING_MODEL, "create"),
}
TEMPLATE_ID = {"type": "integer", "minimum": 1, "description": "Id of the mail.template."}
RECORD_ID = {"type": "integer", "minimum": 1, "description": "Id of a record of the template's model."}
TEMPLATE_OUTPUT = {"type": "object", "properties": {
    "template_id": {"type": "integer"}, "name": {"type": "string"}, "model": {"type": "string"},
    "subject": {"type": "string"}, "body_html": {"type": "string"}, "lang": {"type": "string"}},
    "required": ["template_id", "model", "subject", "body_html"]}
RENDERED_OUTPUT = {"type": "object", "properties": {
    "template_id": {"type": "integer"}, "record_id": {"type": "integer"}, "subject": {"type": "string"},
    "body_html": {"type": "string"}}, "required": ["template_id", "record_id", "subject", "body_html"]}


class McpToolsMailTemplates(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _tool_available(self, spec, call):
        available = super()._tool_available(spec, call)
        if available and spec.name in TEMPLATE_NEEDS:
            model_name, operation = TEMPLATE_NEEDS[spec.name]
            return model_name in self.env and call.policy.allows(model_name, operation)
        return available

    @api.model
    def _mail_templates(self, policy):
        """``MailTemplates`` as the caller, under ``policy`` (``call.policy``)."""
        return MailTemplates(self.env, policy)

    @mcp_tool(
        "draft_email_template", "Draft an e-mail template",
        "Create an e-mail template (mail.template) for a model, to be reviewed and used by people in Odoo. "
        "Placeholders are field paths the key may read: {{ object.name }} in the subject, "
        "<t t-out=\"object.partner_id.name\"/> (or {{ object.name }}) in the HTML body; nothing else. The body is "
        "sanitised for e-mail. Sends nothing.",
        {"properties": {"model": MODEL, "name": {"type": "string", "minLength": 1, "maxLength": 200},
                        "subject": {"type": "string", "minLength": 1, "maxLength": 500},
                        "body_html": {"type": "string", "minLength": 1, "maxLength": 200000},
                        "lang": {"type": "string", "description": "Language the texts are written in (e.g. fr_FR); "
                                                                  "default: the user's."}},
         "required": ["model", "name", "subject", "body_html"], "additionalProperties": False},
        TEMPLATE_OUTPUT, risk="write", operation="create", icon_model="mail.template")
    def _tool_draft_email_template(self, call, args):
        templates = self._mail_templates(call.policy)
        Template = call.policy.check_model(self.env, "mail.template", "create")
        model = call.policy.check_model(self.env, args["model"], "read")
        lang = args.get("lang") or self.env.lang or "en_US"
        if lang not in dict(self.env["res.lang"].get_installed()):
            raise ToolError(_("Language %(lang)s is not active; active: %(langs)s.", lang=lang[:20], langs=", ".join(
                code for code, _name in self.env["res.lang"].get_installed())))
        templates.check_subject(model, args["subject"])
        body = templates.clean_body(model, args["body_html"])
        try:
            template = Template.with_context(lang=lang).create({
                "name": args["name"], "model_id": self.env["ir.model"]._get_id(model._name),
                "subject": args["subject"], "body_html": body, "use_default_to": False, "auto_delete": True})
        except AccessError as exc:
            raise templates.editor_denial(exc) from None
        templates.check_body(model, str(template.body_html))  # as stored, after Odoo's own sanitising
        call.note(model="mail.template", record_ids=template.ids)
        call.changes.append({"operation": "create", "model": "mail.template", "ids": template.ids})
        return {"template_id": template.id, "name": template.name, "model": model._name, "lang": lang,
                "subject": args["subject"], "body_html": str(template.with_context(lang=lang).body_html)}

    @mcp_tool(
        "preview_email_template", "Preview an e-mail template",
        "The subject and HTML body of an e-mail template rendered for one record, as this key's user sees it. "
        "Only templates whose placeholders are field paths the key may read.",
        {"properties": {"template": TEMPLATE_ID, "record": RECORD_ID},
         "required": ["template", "record"], "additionalProperties": False},
        RENDERED_OUTPUT, operation="read", icon_model="mail.template")
    def _tool_preview_email_template(self, call, args):
        templates = self._mail_templates(call.policy)
        template = templates.template(args["template"])
        call.note(model=template.model, record_ids=[args["record"]])
        return dict(templates.render(template, args["record"]), template_id=template.id, record_id=args["record"])

    @mcp_tool(
        "send_test_email", "Send a test e-mail to myself",
        "Render an e-mail template for one record and send it only to the user of this key (their own address), "
        "never to the record's partners or the template's recipients.",
        {"properties": {"template": TEMPLATE_ID, "record": RECORD_ID},
         "required": ["template", "record"], "additionalProperties": False},
        {"type": "object", "properties": {"sent_to": {"type": "string"}, "subject": {"type": "string"},
                                          "state": {"type": "string"}}, "required": ["sent_to", "subject"]},
        risk="write", operation="read", icon_model="mail.template")
    def _tool_send_test_email(self, call, args):
        templates = self._mail_templates(call.policy)
        template = templates.template(args["template"])
        user = self.env.user
        if not user.email:
            raise ToolError(_("Your user has no e-mail address: set one in your preferences to receive tests."))
        rendered = templates.render(template, args["record"])
        call.note(model=template.model, record_ids=[args["record"]])
        if call.dry_run:
            call.changes.append({"operation": "send_test_email", "model": "mail.mail", "to": user.email})
            return {"sent_to": user.email, "subject": rendered["subject"], "state": "dry_run"}
        # The outgoing mail is the server's own bookkeeping (as mail.template.send_mail does): its one recipient
        # is the acting user's address, whatever the template's partner_to/email_to/cc say.
        mail = self.env["mail.mail"].sudo().create({
            "subject": rendered["subject"], "body_html": rendered["body_html"], "email_to": user.email_formatted,
            "email_from": user.email_formatted, "recipient_ids": [], "email_cc": False, "reply_to": False,
            "auto_delete": True, "model": False, "res_id": False})
        mail.send(raise_exception=False)
        state = mail.state if mail.exists() else "sent"
        return {"sent_to": user.email, "subject": rendered["subject"], "state": state}

    @mcp_tool(
        "stage_mass_mailing", "Stage a mass mailing (draft)",
        "Create a draft mass mailing (Email Marketing) from an e-mail template, addressed to the records of the "
        "template's model matching a domain within this key's reach. Never sends: a person reviews and sends it "
        "from Odoo.",
        {"properties": {"template": TEMPLATE_ID, "domain": DOMAIN},
         "required": ["template"], "additionalProperties": False},
        {"type": "object", "properties": {"mailing_id": {"type": "integer"}, "subject": {"type": "string"},
                                          "model": {"type": "string"}, "recipients": {"type": "integer"},
                                          "state": {"type": "string"}}, "required": ["mailing_id", "state"]},
        risk="write", operation="create", icon_model=MAILING_MODEL)
    def _tool_stage_mass_mailing(self, call, args):
        templates = self._mail_templates(call.policy)
        template = templates.template(args["template"])
        Mailing = call.policy.check_model(self.env, MAILING_MODEL, "create")
        model = call.policy.check_model(self.env, template.model, "read")
        domain = call.policy.secure_domain(model, args.get("domain") or [])
        mailing = Mailing.create({
            "subject": template.subject, "body_arch": template.body_html, "body_html": template.body_html,
            "mailing_model_id": self.env["ir.model"]._get_id(model._name), "mailing_domain": repr(domain),
            "mailing_type": "mail"})
        call.note(model=MAILING_MODEL, record_ids=mailing.ids)
        call.changes.append({"operation": "create", "model": MAILING_MODEL, "ids": mailing.ids})
        return {"mailing_id": mailing.id, "subject": mailing.subject, "model": model._name,
                "recipients": model.search_count(domain), "state": mailing.state}
