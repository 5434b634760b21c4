"""The queue of Generative AI work: one job per record, run by a cron worker, never by the request."""
import logging
import uuid

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError

from .mcp_ai_provider import ProviderFailure

_logger = logging.getLogger(__name__)

ANSWER_EXCERPT = 300


class McpAiJob(models.Model):
    """A Generative AI server action on one record, run by the shared job runner as the user who started it."""

    _name = "mcp.ai.job"
    _inherit = ["mcp.job.mixin"]
    _description = "Generative AI Job"
    _order = "id desc"
    _job_cron_xmlid = "mcp_ai_engine.ir_cron_ai_jobs"

    action_id = fields.Many2one("ir.actions.server", string="Action", required=True, readonly=True,
                                ondelete="cascade", index=True)
    res_model = fields.Char(string="Record Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True, readonly=True)
    record_name = fields.Char(string="Record", readonly=True)
    user_id = fields.Many2one(string="Triggered By")
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    batch = fields.Char(readonly=True, index=True, help="Jobs queued together, reported together.")
    answer = fields.Text(readonly=True)
    outcome = fields.Char(readonly=True)
    log_id = fields.Many2one("mcp.ai.call.log", string="Call", readonly=True, ondelete="set null")

    def _compute_display_name(self):
        for job in self:
            job.display_name = _("%(action)s on %(record)s", action=job.action_id.name, record=job.record_name)

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, action, records):
        """One job per record of ``records`` (whose env is the triggering user's), then wake the cron."""
        env = records.env
        batch = uuid.uuid4().hex
        jobs = self.sudo()._enqueue_job([{
            "action_id": action.id, "res_model": record._name, "res_id": record.id,
            "record_name": record.display_name, "user_id": env.user.id, "company_id": env.company.id,
            "batch": batch,
        } for record in records])
        return jobs

    def action_retry(self):
        """Queue failed jobs again (their owner or an MCP administrator)."""
        is_admin = self.env.user.has_group("mcp_server.group_mcp_admin")
        for job in self:
            if job.state != "failed":
                raise UserError(_("Only failed jobs can be retried."))
            if job.user_id != self.env.user and not is_admin:
                raise AccessError(_("Only the user who started a job, or an MCP administrator, can retry it."))
        self.sudo().write({"state": "queued", "batch": uuid.uuid4().hex, "error": False, "answer": False,
                           "outcome": False, "log_id": False, "started_at": False, "finished_at": False})
        self._job_trigger()
        return True

    @api.model
    def _cron_process(self):
        """Run queued jobs with the shared runner (see ``mcp.job.mixin``)."""
        return self._cron_run()

    def _run_job(self):
        self.with_context(lang=self.user_id.lang)._process()

    def _job_failed(self, message):
        """A job the runner gave up on (interrupted): failed, and its batch reported."""
        self._finish_failed(message, None)

    # ------------------------------------------------------------------
    # One job
    # ------------------------------------------------------------------
    def _user_env(self):
        """The environment of the user who triggered the job, in the company they were working in."""
        user = self.user_id
        company = self.company_id if self.company_id in user.company_ids else user.company_id
        context = dict(user.with_user(user).context_get(), allowed_company_ids=company.ids)
        return self.env(user=user, su=False, context=context)

    def _process(self):
        """Render, ask, write the answer; any failure is recorded on the job and the record's chatter."""
        self.ensure_one()
        action = self.action_id
        record = self._user_env()[self.res_model].browse(self.res_id)
        try:
            if not record.exists():
                raise UserError(_("The record no longer exists."))
            if action.state != "ai_generate" or not action.ai_provider_id.active:
                raise UserError(_("The action is no longer a Generative AI action with an active provider."))
            with self.env.cr.savepoint():
                system, prompt = action._ai_render(record)
            generation, log = action.ai_provider_id._generate(system, prompt, "action", action=action,
                                                              record=record, user=self.user_id)
            self.log_id = log
            with self.env.cr.savepoint():
                outcome = action._ai_apply_output(record, generation.text)
        except ProviderFailure as failure:
            self.log_id = failure.log
            self._finish_failed(failure.message, record)
        except (UserError, AccessError, ValidationError, MissingError) as exc:
            self.env.invalidate_all()
            self._finish_failed(exc.args[0] if exc.args else str(exc), record)
        except Exception:  # one broken job must not stop the queue; the trace goes to the log
            _logger.exception("Generative AI job %s failed", self.id)
            self.env.invalidate_all()
            self._finish_failed(_("An internal error stopped the action; the server log has the details."), record)
        else:
            self.write({"state": "done", "answer": generation.text, "outcome": outcome,
                        "finished_at": fields.Datetime.now()})
            self._notify_batch()

    def _finish_failed(self, message, record):
        self.write({"state": "failed", "error": message, "finished_at": fields.Datetime.now()})
        if record is not None and record.exists() and hasattr(record, "message_post"):
            body = Markup("<p>%s</p>") % _("The Generative AI action “%(action)s” did not complete: %(error)s",
                                            action=self.action_id.name, error=message)
            try:
                with self.env.cr.savepoint():
                    # The server's own note (posted by OdooBot), whatever the user may post.
                    record.sudo().message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note",
                                               author_id=self.env.ref("base.partner_root").id)
            except (UserError, AccessError, ValidationError):
                _logger.warning("Could not post the failure of AI job %s on %s", self.id, record)
        self._notify_batch()

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------
    def _notify_batch(self):
        """Tell the user once every job of this batch is over: one toast per batch, not per record."""
        self.ensure_one()
        jobs = self.search([("batch", "=", self.batch)])
        if any(job.state in ("queued", "running") for job in jobs):
            return
        failed = jobs.filtered(lambda job: job.state == "failed")
        action_name = self.action_id.name
        user = self.user_id
        if len(jobs) == 1 and not failed:
            message = _("“%(action)s” on %(record)s: %(outcome)s.", action=action_name, record=self.record_name,
                        outcome=self.outcome)
            if self.action_id.ai_output == "none":
                message = "%s\n%s" % (message, self.answer[:ANSWER_EXCERPT])
                target = self
            else:
                target = self._record_target()
            user._mcp_notify(_("Generative AI finished"), message, "success", target=target)
        elif len(jobs) == 1:
            user._mcp_notify(_("Generative AI failed"), _("“%(action)s” on %(record)s: %(error)s",
                             action=action_name, record=self.record_name, error=self.error), "danger",
                             sticky=True, target=self._record_target() or self)
        else:
            message = _("“%(action)s”: %(done)s of %(total)s record(s) done, %(failed)s failed.",
                        action=action_name, done=len(jobs) - len(failed), total=len(jobs), failed=len(failed))
            records = self.env[self.res_model].browse(jobs.mapped("res_id")).exists()
            user._mcp_notify(_("Generative AI finished"), message, "warning" if failed else "success",
                             sticky=bool(failed), target=records or None)

    def _record_target(self):
        record = self.env[self.res_model].browse(self.res_id)
        return record if record.exists() else None
