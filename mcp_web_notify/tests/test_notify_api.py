"""res.users._mcp_notify: payloads on each user's bus channel, buttons for records and actions."""
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import sent_notifications


@tagged("post_install", "-at_install")
class TestNotifyApi(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ann = new_test_user(cls.env, login="notify_ann", groups="base.group_user")
        cls.bob = new_test_user(cls.env, login="notify_bob", groups="base.group_user")
        cls.partner = cls.env["res.partner"].create({"name": "Notified Partner"})

    def test_every_user_gets_it(self):
        payload = (self.ann | self.bob)._mcp_notify("Report ready", "Line 1\nLine 2", "success", sticky=True)
        self.assertEqual(payload, {"title": "Report ready", "message": "Line 1\nLine 2", "type": "success",
                                   "sticky": True})
        self.assertEqual(sent_notifications(self.env, self.ann), [payload])
        self.assertEqual(sent_notifications(self.env, self.bob), [payload])
        self.assertEqual(sent_notifications(self.env, self.env.ref("base.user_admin")), [])

    def test_button_opens_a_record(self):
        self.ann._mcp_notify("Look", "at this partner", target=self.partner)
        [payload] = sent_notifications(self.env, self.ann)
        self.assertEqual(payload["button"], {"label": "Open", "action": {
            "type": "ir.actions.act_window", "res_model": "res.partner", "res_id": self.partner.id,
            "views": [[False, "form"]], "target": "current"}})

    def test_button_opens_records_or_an_action(self):
        partners = self.partner | self.env["res.partner"].create({"name": "Second"})
        self.ann._mcp_notify("Look", "at these", target=partners, button_label="See them")
        self.ann._mcp_notify("Settings", "changed", target="base.action_res_users")
        action = self.env.ref("base.action_res_users")
        self.ann._mcp_notify("Settings", "changed", target=action)
        self.ann._mcp_notify("Custom", "action", target={"type": "ir.actions.act_url", "url": "/odoo"})
        many, by_xmlid, by_record, custom = (payload["button"] for payload in sent_notifications(self.env, self.ann))
        self.assertEqual(many["label"], "See them")
        self.assertEqual(many["action"]["domain"], [["id", "in", partners.ids]])
        self.assertEqual(many["action"]["views"], [[False, "list"], [False, "form"]])
        self.assertEqual(by_xmlid["action"], action.id)
        self.assertEqual(by_record["action"], action.id)
        self.assertEqual(custom["action"], {"type": "ir.actions.act_url", "url": "/odoo"})

    def test_bad_arguments(self):
        with self.assertRaisesRegex(UserError, "success, info, warning, danger"):
            self.ann._mcp_notify("Title", "Message", "purple")
        with self.assertRaisesRegex(UserError, "ir.actions type"):
            self.ann._mcp_notify("Title", "Message", target={"type": "evil"})
        with self.assertRaisesRegex(UserError, "needs a record"):
            self.ann._mcp_notify("Title", "Message", target=3.5)

    def test_long_texts_are_cut(self):
        payload = self.ann._mcp_notify("T" * 500, "M" * 5000)
        self.assertEqual((len(payload["title"]), len(payload["message"])), (200, 2000))
