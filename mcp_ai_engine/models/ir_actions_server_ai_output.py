"""Where the answer of a Generative AI action goes: chatter, a field, an activity, or nowhere."""
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..lib.answer_html import answer_html


class IrActionsServer(models.Model):
    _inherit = "ir.actions.server"

    def _ai_apply_output(self, record, answer):
        """Put ``answer`` where the action says, with the rights of ``record.env.user``.

        Returns a few words saying what was done, for the notification.
        """
        self.ensure_one()
        env = record.env
        output = self.ai_output
        if output in ("note", "message"):
            record.message_post(body=answer_html(answer), message_type="comment",
                                subtype_xmlid="mail.mt_note" if output == "note" else "mail.mt_comment")
            return env._("note posted") if output == "note" else env._("message sent")
        if output == "field":
            field = record._fields.get(self.ai_output_field_id.name)
            if field is None or field.type not in ("char", "text", "html"):
                raise UserError(env._("The answer field of the action is not a text field of %s.", record._name))
            if field.type == "html":
                value = answer_html(answer)
            elif field.type == "char":
                value = " ".join(answer.split())[:field.size or None]
            else:
                value = answer
            record.write({field.name: value})
            return env._("%s updated", field._description_string(env))
        if output == "activity":
            deadline = fields.Date.context_today(record) + relativedelta(days=self.ai_activity_deadline_days)
            record.activity_schedule(
                activity_type_id=(self.ai_activity_type_id or record._default_activity_type()).id,
                summary=self.ai_activity_summary or self.name, note=answer_html(answer),
                user_id=(self.ai_activity_user_id or env.user).id, date_deadline=deadline)
            return env._("activity scheduled")
        return env._("answer ready")
