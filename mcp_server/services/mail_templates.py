"""E-mail templates under a policy: placeholders limited to field paths the key may read, bodies sanitised.

Placeholders use Odoo's syntax: ``{{ object.field }}`` in subjects (inline templates) and
``<t t-out="object.field"/>`` in bodies (QWeb). Only plain paths ``object.<field>(.<field>)*`` are accepted, each
step checked against the policy (model allowed for reading, field readable, relational steps followed onto a
model the key may read); any other expression or QWeb directive is refused.
"""
import re

from lxml import etree, html

from odoo import _
from odoo.exceptions import AccessError, MissingError
from odoo.tools import html_sanitize
from odoo.tools.rendering_tools import parse_inline_template

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError

FIELD_PATH = re.compile(r"^object(\.[a-z_][a-z0-9_]*)+$")
TEXT_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
QWEB_ATTRIBUTE = re.compile(r"^t-")
PLACEHOLDER_TAGS = ("t-out", "t-esc")


class MailTemplates:
    """Drafting, checking and rendering ``mail.template`` records as ``env``'s user within ``policy``."""

    def __init__(self, env, policy):
        self.env = env
        self.policy = policy

    def check_path(self, model, expression):
        """Check one placeholder ``object.a.b`` on ``model``: raises ``ToolError`` for anything but a field path,
        ``AccessDeniedByPolicy`` naming the first field the key may not read. Returns the path's fields."""
        if not FIELD_PATH.match(expression or ""):
            raise ToolError(_(
                "Placeholder '%s' is not allowed: use a field path such as object.name or object.partner_id.email "
                "(no expressions, calls or filters).", (expression or "")[:100]))
        names = expression.split(".")[1:]
        current = model
        for index, name in enumerate(names):
            try:
                self.policy.check_field_names(current, [name], "read")
            except AccessDeniedByPolicy as exc:
                raise AccessDeniedByPolicy(_("Placeholder %(placeholder)s: %(reason)s",
                                             placeholder=expression, reason=exc.message)) from None
            refusal = self.policy.field_refusal(current, name)
            if refusal:  # a computed field whose sources the key may not read: reads leave it out, so must e-mails
                raise AccessDeniedByPolicy(_(
                    "Placeholder %(placeholder)s: %(field)s of %(model)s is not readable with this key (%(reason)s).",
                    placeholder=expression, field=name, model=current._name, reason=refusal.message(self.env)))
            field = current._fields[name]
            if index < len(names) - 1:
                if not field.relational:
                    raise ToolError(_("Placeholder %(placeholder)s: %(field)s of %(model)s is not relational.",
                                      placeholder=expression, field=name, model=current._name))
                current = self.policy.check_model(self.env, field.comodel_name, "read")
                if self.policy.record_domain(current._name):
                    # The related records need not be in the key's domain (a company's contacts, say).
                    raise AccessDeniedByPolicy(_(
                        "Placeholder %(placeholder)s: %(field)s of %(model)s reaches %(target)s records, which this "
                        "key's rule limits by a domain that records reached through a relation may not satisfy; "
                        "use fields of the template's own record instead.", placeholder=expression, field=name,
                        model=field.model_name, target=current._name))
        return names

    def check_subject(self, model, subject):
        """Check every ``{{ … }}`` of an inline-template text (defaults after ``||`` are refused)."""
        for _literal, expression, default in parse_inline_template(subject or ""):
            if default:
                raise ToolError(_("Placeholder defaults ('||') are not allowed: %s", expression[:100]))
            if expression:
                self.check_path(model, expression)

    def check_body(self, model, body):
        """Check a QWeb body: only ``t-out`` (or ``t-esc``) placeholders on field paths, no other directive."""
        root = html.fragment_fromstring(body or "", create_parent="div")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                if not QWEB_ATTRIBUTE.match(attribute):
                    if TEXT_PLACEHOLDER.search(value):
                        raise ToolError(_("Placeholders are allowed in text only, not in the attribute %s.",
                                          attribute))
                    continue
                if attribute not in PLACEHOLDER_TAGS:
                    raise ToolError(_(
                        "QWeb directive %s is not allowed in a template body: only t-out placeholders on field "
                        "paths.", attribute))
                self.check_path(model, value.strip())
        for text in TEXT_PLACEHOLDER.findall(body or ""):
            self.check_path(model, text)

    def clean_body(self, model, body):
        """The body, checked and sanitised for e-mail: every placeholder (``{{ object.x }}`` text or a
        ``t-out`` element) becomes ``<t t-out="object.x"/>``; scripts, forms, event handlers are removed."""
        self.check_body(model, body)
        root = html.fragment_fromstring(body or "", create_parent="div")
        for element in list(root.iter()):
            if isinstance(element.tag, str) and any(a in element.attrib for a in PLACEHOLDER_TAGS):
                path = (element.get("t-out") or element.get("t-esc")).strip()
                self._replace_with_text(element, "{{ %s }}" % path)
        inner = (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
        cleaned = html_sanitize(inner, sanitize_attributes=True, sanitize_style=True) or ""
        result = TEXT_PLACEHOLDER.sub(lambda match: '<t t-out="%s"/>' % match.group(1), str(cleaned))
        # Parsing and sanitising can make placeholders the given text did not show (character references,
        # dropped elements joining braces): what is stored is checked again.
        self.check_body(model, result)
        return result

    @staticmethod
    def _replace_with_text(element, text):
        parent = element.getparent()
        previous = element.getprevious()
        addition = text + (element.tail or "")
        if previous is not None:
            previous.tail = (previous.tail or "") + addition
        else:
            parent.text = (parent.text or "") + addition
        parent.remove(element)

    def template(self, template_id):
        """The ``mail.template`` as the user, with placeholders the key may read; explains a refusal."""
        self.policy.check_model(self.env, "mail.template", "read")
        template = self.env["mail.template"].browse(template_id)
        try:
            template.check_access("read")
            model_name = template.model
        except (AccessError, MissingError):
            raise AccessDeniedByPolicy(_(
                "E-mail template %s does not exist or this user may not read it (templates are readable by "
                "internal users; editing other people's templates needs the group Mail Template Editor).",
                template_id)) from None
        model = self.policy.check_model(self.env, model_name, "read")
        self.check_subject(model, template.subject)
        self.check_body(model, template.body_html)
        return template

    def render(self, template, record_id):
        """``{subject, body_html}`` of the template for one record in the key's reach, rendered as the user."""
        model = self.policy.check_model(self.env, template.model, "read")
        record = self.policy.check_ids_in_scope(model, [record_id])
        record.check_access("read")
        try:
            subject = template._render_field("subject", record.ids)[record.id]
            body = template._render_field("body_html", record.ids, options={"post_process": True})[record.id]
        except AccessError as exc:
            raise self.editor_denial(exc) from None
        return {"subject": subject or "", "body_html": str(body or "")}

    def editor_denial(self, error):
        """The denial for Odoo's AccessError ``error`` raised while writing or rendering a template: when the user
        is not a Mail Template Editor, it says which placeholders Odoo still lets them use and how to get more."""
        if self.env.user.has_group("mail.group_mail_template_editor"):
            return AccessDeniedByPolicy(_("Odoo refused the template for this user: %s", error.args[0]))
        return AccessDeniedByPolicy(_(
            "This user is not a Mail Template Editor, so Odoo only lets them use the placeholders %(allowed)s. "
            "An administrator can add the user to the group 'Mail Template Editor', or turn off 'Restrict Template "
            "Rendering' in the Discuss settings.", allowed=", ".join(
                self.env["mail.thread"].mail_allowed_qweb_expressions())))
