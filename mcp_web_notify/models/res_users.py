"""Live notifications to users' browsers through Odoo's bus."""
from odoo import _, models
from odoo.exceptions import UserError

NOTIFICATION_TYPE = "mcp_web_notify"
TYPES = ("success", "info", "warning", "danger")
MAX_TITLE = 200
MAX_MESSAGE = 2000


class ResUsers(models.Model):
    _inherit = "res.users"

    def _mcp_notify(self, title, message, notification_type="info", sticky=False, target=None, button_label=None):
        """Show a notification in the web client of each user of ``self`` (every open tab), now.

        :param title: short title (plain text)
        :param message: the text (plain text; line breaks are kept)
        :param notification_type: success, info, warning or danger
        :param sticky: stays until closed (else fades after a few seconds)
        :param target: what a button opens: a record or several (their form or list), an action
            (``ir.actions.*`` record, XML id or id), or an action dictionary; None for no button
        :param button_label: text of that button (default "Open")
        :return: the payload sent (the same for every user)
        """
        if notification_type not in TYPES:
            raise UserError(_("The notification type must be one of %s.", ", ".join(TYPES)))
        payload = {
            "title": (title or "")[:MAX_TITLE],
            "message": (message or "")[:MAX_MESSAGE],
            "type": notification_type,
            "sticky": bool(sticky),
        }
        if target is not None:
            payload["button"] = {"label": button_label or _("Open"), "action": self._mcp_notify_action(target)}
        for user in self:
            user._bus_send(NOTIFICATION_TYPE, payload)
        return payload

    def _mcp_notify_action(self, target):
        """What the web client's action service runs when the button is clicked."""
        if isinstance(target, dict):
            if not str(target.get("type", "")).startswith("ir.actions."):
                raise UserError(_("A notification button needs an action (a dictionary with an ir.actions type)."))
            return target
        if isinstance(target, str):
            return self.env.ref(target).id
        if isinstance(target, int):
            return target
        if isinstance(target, models.BaseModel) and target._name.startswith("ir.actions."):
            target.ensure_one()
            return target.id
        if isinstance(target, models.BaseModel) and target:
            if len(target) == 1:
                return {"type": "ir.actions.act_window", "res_model": target._name, "res_id": target.id,
                        "views": [[False, "form"]], "target": "current"}
            return {"type": "ir.actions.act_window", "res_model": target._name, "name": target._description,
                    "domain": [("id", "in", target.ids)], "views": [[False, "list"], [False, "form"]],
                    "target": "current"}
        raise UserError(_("A notification button needs a record, an action or an action dictionary."))
