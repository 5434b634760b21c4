"""The Generative AI server action end to end: queue, background run, outputs, failures, notifications."""
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import AiCase


@tagged("post_install", "-at_install")
class TestAiAction(AiCase):

    def jobs(self, action):
        return self.env["mcp.ai.job"].search([("action_id", "=", action.id)], order="id")

    def notes(self, record):
        return record.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_note"))

    def test_run_queues_and_never_calls_the_model(self):
        action = self.make_action()
        cron = self.env.ref("mcp_ai_engine.ir_cron_ai_jobs")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        result = self.run_action(action, self.partner)
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("you will be notified", result["params"]["message"])
        job = self.jobs(action)
        self.assertEqual((job.state, job.res_model, job.res_id, job.user_id, job.record_name),
                         ("queued", "res.partner", self.partner.id, self.user, "Acme Corp"))
        self.assertFalse(self.server.requests, "the request must not wait for the model")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)

    def test_note_in_chatter(self):
        action = self.make_action()
        self.run_action(action, self.partner)
        job = self.jobs(action)
        job._process()
        self.assertEqual((job.state, job.answer, job.outcome), ("done", "Acme is a loyal customer.", "note posted"))
        note = self.notes(self.partner)[:1]
        self.assertIn("Acme is a loyal customer.", note.body)
        self.assertEqual(note.author_id, self.user.partner_id, "posted as the user who triggered the action")
        # The prompt was rendered for this record and user, and the call logged.
        [(_path, _headers, body)] = self.server.requests
        self.assertEqual(body["messages"][0]["content"], "You are a careful assistant of %s." %
                         self.user.company_id.name)
        self.assertEqual(body["messages"][1]["content"], "Summarise Acme Corp (contact@acme.example) for Ada AI.")
        log = job.log_id
        self.assertEqual((log.origin, log.action_id, log.res_model, log.res_id, log.user_id, log.status),
                         ("action", action, "res.partner", self.partner.id, self.user, "success"))
        self.assertEqual((log.tokens_in, log.tokens_out, log.model), (12, 7, "model-openai"))
        self.assertGreaterEqual(log.latency_ms, 0)
        # The user hears about it, with a button opening the record.
        [payload] = self.notifications(self.user)
        self.assertEqual((payload["title"], payload["type"], payload["sticky"]),
                         ("Generative AI finished", "success", False))
        self.assertIn("Summarise the customer", payload["message"])
        self.assertEqual(payload["button"]["action"]["res_id"], self.partner.id)
        self.assertEqual(payload["button"]["action"]["res_model"], "res.partner")

    def test_message_to_followers(self):
        action = self.make_action(ai_output="message")
        self.run_action(action, self.partner)
        self.jobs(action)._process()
        message = self.partner.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_comment"))[:1]
        self.assertIn("Acme is a loyal customer.", message.body)

    def test_write_to_fields(self):
        self.server.answer = "Line one\nLine <two> <script>alert(1)</script>"
        fields_by_type = {"html": "comment", "char": "function"}
        for ttype, name in fields_by_type.items():
            with self.subTest(ttype=ttype):
                action = self.make_action(ai_output="field",
                                          ai_output_field_id=self.env["ir.model.fields"]._get("res.partner", name).id)
                self.run_action(action, self.partner)
                self.jobs(action)._process()
        self.assertEqual(self.partner.function, "Line one Line <two> <script>alert(1)</script>")
        # comment is an HTML field of res.partner: the answer is sanitised HTML.
        self.assertIn("Line one", self.partner.comment)
        self.assertNotIn("<script", self.partner.comment)
        self.server.answer = "Acme is a loyal customer."

    def test_html_answers_are_sanitised(self):
        self.server.answer = "<p>Good <b>customer</b></p><script>alert(1)</script><img src=x onerror=alert(1)>"
        action = self.make_action()
        self.run_action(action, self.partner)
        self.jobs(action)._process()
        body = self.notes(self.partner)[:1].body
        self.assertIn("<b>customer</b>", body)
        self.assertNotIn("script", body)
        self.assertNotIn("onerror", body)
        self.server.answer = "Acme is a loyal customer."

    def test_markdown_answers_are_rendered_and_sanitised(self):
        self.server.answer = ("## Acme\n\nA **loyal** customer since *2019*:\n\n- pays on time\n- orders monthly\n\n"
                              "| Year | Orders |\n|---|---|\n| 2025 | 12 |\n\n"
                              "[site](https://acme.example) [bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n"
                              "Call Ann\nthen Bob")
        action = self.make_action()
        self.run_action(action, self.partner)
        self.jobs(action)._process()
        body = str(self.notes(self.partner)[:1].body)
        for html in ("<h2>Acme</h2>", "<strong>loyal</strong>", "<em>2019</em>", "<li>pays on time</li>",
                     "<td>2025</td>", '<a href="https://acme.example">site</a>', "Call Ann<br>"):
            self.assertIn(html, body)
        self.assertNotIn("javascript:", body.replace("[bad](javascript:alert(1))", ""))
        self.assertNotIn("<img", body)
        self.assertNotIn("**", body)

        # An HTML field gets the same rendering; a text field keeps the Markdown as written.
        self.server.answer = "**VIP** customer"
        for name in ("comment", "function"):
            action = self.make_action(ai_output="field",
                                      ai_output_field_id=self.env["ir.model.fields"]._get("res.partner", name).id)
            self.run_action(action, self.partner)
            self.jobs(action)._process()
        self.assertIn("<strong>VIP</strong> customer", str(self.partner.comment))
        self.assertEqual(self.partner.function, "**VIP** customer")
        self.server.answer = "Acme is a loyal customer."

    def test_activity(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        assignee = self.env.ref("base.user_admin")
        action = self.make_action(ai_output="activity", ai_activity_type_id=todo.id, ai_activity_user_id=assignee.id,
                                  ai_activity_deadline_days=3, ai_activity_summary="Call them back")
        self.run_action(action, self.partner)
        self.jobs(action)._process()
        activity = self.partner.activity_ids
        self.assertEqual((activity.activity_type_id, activity.user_id, activity.summary),
                         (todo, assignee, "Call them back"))
        # Due three days after today in the triggering user's time zone (the job runs as that user).
        today = fields.Date.context_today(self.partner.with_context(tz=self.user.tz))
        self.assertEqual((activity.date_deadline - today).days, 3)
        self.assertIn("Acme is a loyal customer.", activity.note)
        # Without an assignee: the triggering user.
        action.ai_activity_user_id = False
        self.run_action(action, self.partner)
        self.jobs(action)[-1]._process()
        self.assertIn(self.user, self.partner.activity_ids.user_id)

    def test_return_only(self):
        action = self.make_action(ai_output="none")
        messages = len(self.partner.message_ids)
        self.run_action(action, self.partner)
        job = self.jobs(action)
        job._process()
        self.assertEqual(len(self.partner.message_ids), messages)
        self.assertEqual(job.answer, "Acme is a loyal customer.")
        [payload] = self.notifications(self.user)
        self.assertIn("Acme is a loyal customer.", payload["message"])
        self.assertEqual((payload["button"]["action"]["res_model"], payload["button"]["action"]["res_id"]),
                         ("mcp.ai.job", job.id))
        # The user may open their own job; another user may not see it.
        self.assertTrue(job.with_user(self.user).answer)
        other = new_test_user(self.env, login="ai_other", groups="base.group_user")
        self.assertFalse(self.env["mcp.ai.job"].with_user(other).search([]))

    def test_provider_failure_is_reported_plainly(self):
        action = self.make_action()
        self.run_action(action, self.partner)
        job = self.jobs(action)
        self.server.script[:] = [("status", 503)] * 3
        job._process()
        self.assertEqual(job.state, "failed")
        self.assertIn("server error (HTTP 503) 3 time(s)", job.error)
        note = self.notes(self.partner)[:1]
        self.assertIn("did not complete", note.body)
        self.assertIn("server error (HTTP 503)", note.body)
        self.assertEqual(note.author_id, self.env.ref("base.partner_root"))
        [payload] = self.notifications(self.user)
        self.assertEqual((payload["title"], payload["type"], payload["sticky"]),
                         ("Generative AI failed", "danger", True))
        self.assertIn("HTTP 503", payload["message"])
        self.assertEqual((job.log_id.status, job.log_id.attempts), ("server_error", 3))

    def test_prompt_failure_is_reported(self):
        action = self.make_action(ai_prompt="{{ record.env }}")
        self.run_action(action, self.partner)
        job = self.jobs(action)
        job._process()
        self.assertEqual(job.state, "failed")
        self.assertIn("has no field env", job.error)
        self.assertFalse(self.server.requests)

    def test_output_failure_keeps_the_answer_out(self):
        """The user may read but not write the record: nothing is written, the failure is told."""
        reader = new_test_user(self.env, login="ai_reader", groups="base.group_user")
        action = self.make_action(ai_output="field",
                                  ai_output_field_id=self.env["ir.model.fields"]._get("res.partner", "function").id)
        job = self.env["mcp.ai.job"]._enqueue(action, self.partner.with_user(reader))
        job._process()
        self.assertEqual(job.state, "failed")
        self.assertFalse(self.partner.function)
        self.assertEqual(job.log_id.status, "success", "the call itself worked and is logged")

    def test_several_records_one_notification(self):
        others = self.env["res.partner"].create([{"name": "Beta"}, {"name": "Gamma"}])
        records = self.partner | others
        action = self.make_action(ai_prompt="About {{ record.name }}")
        self.run_action(action, records)
        jobs = self.jobs(action)
        self.assertEqual(len(jobs), 3)
        self.assertEqual(len(set(jobs.mapped("batch"))), 1)
        self.server.script[:] = ["ok", ("status", 400)]
        for job in jobs:
            job._process()
            if job != jobs[-1]:
                self.assertFalse(self.notifications(self.user), "one notification once the batch is over")
        [payload] = self.notifications(self.user)
        self.assertEqual(payload["type"], "warning")
        self.assertIn("2 of 3 record(s) done, 1 failed", payload["message"])
        [(field, operator, ids)] = payload["button"]["action"]["domain"]
        self.assertEqual((field, operator, sorted(ids)), ("id", "in", sorted(records.ids)))

    def test_cron_runs_the_queue(self):
        action = self.make_action()
        self.run_action(action, self.partner)
        with patch.object(self.env.cr, "commit", lambda: None):
            self.env["mcp.ai.job"]._cron_process()
        self.assertEqual(self.jobs(action).state, "done")

    def test_a_job_left_running_by_a_stopped_worker_is_failed_and_reported(self):
        action = self.make_action()
        self.run_action(action, self.partner)
        job = self.jobs(action)
        job.write({"state": "running", "attempts": 1,
                   "started_at": fields.Datetime.subtract(fields.Datetime.now(), hours=1)})
        with patch.object(self.env.cr, "commit", lambda: None):
            self.assertEqual(self.env["mcp.ai.job"]._cron_process(), 0)
        self.assertEqual(job.state, "failed")
        self.assertIn("Interrupted", job.error)
        self.assertFalse(self.server.requests, "the interrupted job is not run again")
        [payload] = self.notifications(self.user)
        self.assertEqual(payload["type"], "danger")
        self.assertIn("Interrupted", payload["message"])

    def test_retry_a_failed_job(self):
        action = self.make_action()
        self.run_action(action, self.partner)
        job = self.jobs(action)
        self.server.script[:] = [("status", 401)]
        job._process()
        self.assertEqual(job.state, "failed")
        job.with_user(self.user).action_retry()
        self.assertEqual(job.state, "queued")
        job._process()
        self.assertEqual(job.state, "done")

    def test_checks(self):
        with self.assertRaisesRegex(ValidationError, "provider and a prompt"):
            self.make_action(ai_provider_id=False)
        with self.assertRaisesRegex(ValidationError, "text field"):
            self.make_action(ai_output="field",
                             ai_output_field_id=self.env["ir.model.fields"]._get("res.partner", "color").id)
        with self.assertRaisesRegex(ValidationError, "no chatter"):
            self.make_action(model_id=self.env["ir.model"]._get_id("res.country"))
        self.make_action(model_id=self.env["ir.model"]._get_id("res.country"), ai_output="none")
