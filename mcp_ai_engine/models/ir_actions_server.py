"""The "Generative AI" server action: settings, checks, prompt rendering, and queuing the work."""
from jinja2 import TemplateSyntaxError

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.prompt_template import ENVIRONMENT, render
from ..lib.prompt_values import template_values

OUTPUTS = [
    ("note", "Log a note in the chatter"),
    ("message", "Send a message to the followers"),
    ("field", "Write to a field"),
    ("activity", "Schedule an activity"),
    ("none", "Return only (keep the answer in the log)"),
]
FIELD_TYPES = ("char", "text", "html")


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    state = fields.Selection(selection_add=[("ai_generate", "Generative AI")],
                             ondelete={"ai_generate": "cascade"})
    ai_provider_id = fields.Many2one("mcp.ai.provider", string="AI Provider", ondelete="restrict",
                                     domain="[('state', '=', 'ready')]",
                                     help="Providers whose API needs a key are offered once it is set.")
    ai_system_prompt = fields.Text(
        string="System Prompt",
        help="Standing instructions for the model (its role, tone, language). May use the same variables as "
             "the prompt.")
    ai_prompt = fields.Text(
        string="Prompt",
        help="A Jinja2 template rendered for each record, e.g. 'Summarise the request of {{ record.name }} "
             "for {{ user.name }}'.")
    ai_output = fields.Selection(OUTPUTS, string="Put the Answer", default="note")
    ai_output_field_id = fields.Many2one(
        "ir.model.fields", string="Answer Field", ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('char', 'text', 'html')), ('store', '=', True),"
               " ('readonly', '=', False)]")
    ai_activity_type_id = fields.Many2one(
        "mail.activity.type", string="AI Activity Type", ondelete="set null",
        domain="['|', ('res_model', '=', False), ('res_model', '=', model_name)]")
    ai_activity_summary = fields.Char(string="AI Activity Summary")
    ai_activity_user_id = fields.Many2one(
        "res.users", string="AI Activity Assignee", ondelete="set null",
        help="Leave empty to assign the activity to the user who triggered the action.")
    ai_activity_deadline_days = fields.Integer(string="AI Activity Due In (days)", default=0)

    @api.constrains("state", "model_id", "ai_provider_id", "ai_prompt", "ai_output", "ai_output_field_id",
                    "ai_activity_deadline_days")
    def _check_ai_generate(self):
        for action in self.filtered(lambda a: a.state == "ai_generate"):
            if not action.ai_provider_id or not (action.ai_prompt or "").strip():
                raise ValidationError(_("A Generative AI action needs a provider and a prompt."))
            model = action.model_id
            if model.transient:
                raise ValidationError(_("A Generative AI action cannot run on transient models."))
            if action.ai_output in ("note", "message") and not model.is_mail_thread:
                raise ValidationError(_("%s has no chatter: choose another place for the answer.", model.name))
            if action.ai_output == "activity" and not model.is_mail_activity:
                raise ValidationError(_("%s has no activities: choose another place for the answer.", model.name))
            if action.ai_output == "field":
                field = action.ai_output_field_id
                if not field or field.model_id != model or field.ttype not in FIELD_TYPES:
                    raise ValidationError(_("Choose a text field (char, text or HTML) of %s for the answer.",
                                            model.name))
            if action.ai_activity_deadline_days < 0:
                raise ValidationError(_("The activity cannot be due in a negative number of days."))
            for label, source in ((_("System prompt"), action.ai_system_prompt), (_("Prompt"), action.ai_prompt)):
                try:
                    ENVIRONMENT.parse(source or "")
                except TemplateSyntaxError as exc:
                    raise ValidationError(_("%(label)s: the template has a syntax error on line %(line)s: "
                                            "%(error)s", label=label, line=exc.lineno, error=exc.message)) from None

    def _ai_render(self, record):
        """``(system prompt, prompt)`` for ``record``, rendered with the rights of ``record.env.user``."""
        self.ensure_one()
        values = template_values(record)
        return render(record.env, self.ai_system_prompt, values).strip(), render(record.env, self.ai_prompt,
                                                                                  values).strip()

    def _run_action_ai_generate_multi(self, eval_context=None):
        """Queue one job per record: the request never waits for the model."""
        records = eval_context.get("records") or eval_context.get("record")
        records = records.filtered(lambda r: isinstance(r.id, int)) if records else None
        if not records:
            return False
        jobs = self.env["mcp.ai.job"]._enqueue(self, records)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Generative AI"),
                "message": _("“%(action)s” is working on %(count)s record(s); you will be notified when it is "
                             "done.", action=self.name, count=len(jobs)),
                "type": "info",
                "sticky": False,
            },
        }

    def action_ai_preview(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Preview: %s", self.name),
            "res_model": "mcp.ai.preview.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_action_id": self.id},
        }
