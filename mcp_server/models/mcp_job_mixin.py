"""What every background job kind shares: its state, its progress, and the cron runner that claims and runs it."""
import logging
import time
from datetime import timedelta

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tools import SQL

from ..lib.job_watch import JOB_CHANNEL
from ..lib.own_transaction import own_transaction

_logger = logging.getLogger(__name__)

JOB_STATES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed"),
              ("cancelled", "Cancelled")]
FINAL_STATES = ("done", "failed", "cancelled")
# Below Odoo's default limit_time_real_cron: the runner stops claiming jobs past it, the cron is triggered again.
RUN_BUDGET_SECONDS = 240
CLAIM_ATTEMPTS = 3
# A job still running this long after it started was left behind by a worker that stopped.
STALE_SECONDS = RUN_BUDGET_SECONDS * 3
EXPLAINED_ERRORS = (UserError, AccessError, ValidationError, MissingError)


class JobCancelled(Exception):
    """Raised from a progress report when the job was cancelled: the job's work is rolled back."""


class McpJobMixin(models.AbstractModel):
    """A queue of background work, run by a cron worker, never by a thread of the request.

    A kind ``_inherit = ["mcp.job.mixin"]``, names its cron in ``_job_cron_xmlid`` (whose code calls
    ``model._cron_run()``) and implements :meth:`_run_job`. Contract:

    - ``_enqueue_job(vals)`` creates the job(s) (``vals``: a dict or a list of dicts) queued, wakes the cron,
      and returns them.
    - ``_cron_run(limit=None, budget_seconds=None)`` first recovers jobs left running by a worker that
      stopped (requeued while attempts remain, else failed with the reason), then claims queued jobs one at
      a time, oldest first, with ``FOR UPDATE SKIP LOCKED`` (two workers never run the same job), marks each
      running (``attempts`` + 1) and commits, runs it and commits again: one transaction per job. Returns
      how many jobs it ran.
    - ``_run_job()`` does one job's work as the kind sees fit, in a savepoint, and returns a value handed
      to ``_finish_job`` (default: the job is ``done``, progress 100). It must not write its own row when it
      reports progress (progress is written by other transactions); ``_finish_job`` runs in a fresh one.
      An exception fails the job with its message (``UserError`` and kin) or a generic one (others, the
      trace goes to the log), or queues it again while ``attempts < _job_max_attempts``, to run no sooner
      than ``_job_retry_delay()`` seconds later (``retry_at``; default 0: at once).
    - ``_report_progress(done, total=None, message=None)``: progress as ``done`` of ``total`` (or ``done``
      as a percentage when ``total`` is None), published at once in its own transaction; raises
      :class:`JobCancelled` when cancellation was requested, which leaves the job ``cancelled``.
    """

    _name = "mcp.job.mixin"
    _description = "MCP Background Job Kind"
    _job_cron_xmlid = None
    _job_max_attempts = 1

    state = fields.Selection(JOB_STATES, default="queued", required=True, readonly=True, index=True)
    attempts = fields.Integer(readonly=True, help="How many times a worker started this job.")
    progress = fields.Float(readonly=True, help="Percentage done.")
    progress_message = fields.Char(readonly=True)
    error = fields.Text(readonly=True)
    cancel_requested = fields.Boolean(readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade", index=True)
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    retry_at = fields.Datetime(readonly=True, help="A job queued again after a failure runs no sooner than this.")

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------
    @api.model
    def _enqueue_job(self, vals):
        """Create queued job(s) from ``vals`` (dict or list of dicts) and wake the kind's cron."""
        jobs = self.create(vals)
        self._job_trigger()
        return jobs

    @api.model
    def _job_trigger(self, at=None):
        self.env.ref(self._job_cron_xmlid)._trigger(at)

    def _job_retry_delay(self):
        """Seconds to wait before this failed job (``attempts`` done so far) runs again; 0: at once."""
        return 0

    @api.model
    def _job_ready_domain(self):
        return [("state", "=", "queued"), "|", ("retry_at", "=", False), ("retry_at", "<=", fields.Datetime.now())]

    def _run_job(self):
        """Do this job's work (one record); the return value goes to :meth:`_finish_job`."""
        raise NotImplementedError()

    def _finish_job(self, outcome):
        """Write the final state after :meth:`_run_job` returned ``outcome`` (default: done, unless the kind
        already wrote a final state)."""
        if self.state == "running":
            self.write({"state": "done", "progress": 100.0, "finished_at": fields.Datetime.now()})

    def _job_failed(self, message):
        """Record that the job failed for good with ``message`` (kinds add their own reporting)."""
        self.write({"state": "failed", "error": message, "finished_at": fields.Datetime.now()})

    # ------------------------------------------------------------------
    # Runner
    # ------------------------------------------------------------------
    @api.model
    def _cron_run(self, limit=None, budget_seconds=None):
        """Recover interrupted jobs, then run queued ones (at most ``limit``) for ``budget_seconds`` (default
        ``RUN_BUDGET_SECONDS``), each in its own transaction. Returns how many ran."""
        deadline = time.monotonic() + (budget_seconds or RUN_BUDGET_SECONDS)
        self._recover_interrupted_jobs()
        self.env.cr.commit()
        count = 0
        while time.monotonic() < deadline and (limit is None or count < limit):
            job = self._claim_next_job()
            if not job:
                break
            self.env.cr.commit()
            job._run_claimed_job()
            count += 1
        remaining = self.search_count(self._job_ready_domain())
        self.env["ir.cron"]._notify_progress(done=count, remaining=remaining)
        return count

    @api.model
    def _claim_next_job(self):
        """Lock the oldest queued job no other worker holds, mark it running; an empty recordset if none.

        Called at the start of a transaction. When another worker claimed the same job after this
        transaction's snapshot was taken, PostgreSQL refuses the lock (serialization failure under Odoo's
        REPEATABLE READ): the transaction is rolled back and the claim tried again with a fresh snapshot.
        """
        for _attempt in range(CLAIM_ATTEMPTS - 1):
            try:
                with self.env.cr.savepoint(flush=False):
                    return self._claim_oldest_queued_job()
            except psycopg2.errors.SerializationFailure:
                self.env.cr.rollback()
        return self._claim_oldest_queued_job()

    @api.model
    def _claim_oldest_queued_job(self):
        self.flush_model(["state", "retry_at"])
        # A serialization failure is expected here (see _claim_next_job): not logged as a bad query.
        self.env.cr.execute(SQL(
            """SELECT id FROM %s WHERE state = 'queued' AND (retry_at IS NULL OR retry_at <= %s)
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""",
            SQL.identifier(self._table), fields.Datetime.now()), log_exceptions=False)
        rows = self.env.cr.fetchall()
        if not rows:
            return self.browse()
        job = self.browse(rows[0][0])
        job.write({"state": "running", "started_at": fields.Datetime.now(), "finished_at": False,
                   "attempts": job.attempts + 1, "cancel_requested": False, "retry_at": False})
        return job

    def _run_claimed_job(self):
        """Run a claimed job and write its outcome, committing its work first, then its final state."""
        self.ensure_one()
        outcome = failure = None
        try:
            with self.env.cr.savepoint():
                outcome = self._run_job()
        except JobCancelled as exc:
            failure = exc
        except EXPLAINED_ERRORS as exc:
            _logger.info("Background job %s #%s failed: %s", self._name, self.id, exc)
            failure = exc
        except Exception as exc:  # one broken job must not stop the queue; the trace goes to the log
            _logger.exception("Background job %s #%s failed", self._name, self.id)
            failure = exc
        # Commit the job's work, then write its final state from a fresh snapshot: progress reports updated
        # the job row meanwhile, in transactions of their own.
        self.env.cr.commit()
        self.env.invalidate_all()
        job = self.with_context(lang=self.user_id.lang)
        if isinstance(failure, JobCancelled):
            job.write({"state": "cancelled", "finished_at": fields.Datetime.now()})
        elif failure is not None:
            job._record_failure(job._job_error_message(failure))
        else:
            job._finish_job(outcome)
        job._notify_job_changed()
        self.env.cr.commit()

    def _job_error_message(self, exc):
        if isinstance(exc, EXPLAINED_ERRORS):
            return exc.args[0] if exc.args else str(exc)
        return _("An internal error stopped the job; the server log has the details.")

    def _record_failure(self, message):
        """Queue the job again while attempts remain (keeping ``message`` as the last error), else fail it."""
        self.ensure_one()
        if self.attempts < self._job_max_attempts:
            delay = self._job_retry_delay()
            retry_at = fields.Datetime.now() + timedelta(seconds=delay) if delay else False
            self.write({"state": "queued", "error": message, "started_at": False, "retry_at": retry_at})
            self._job_trigger(retry_at or None)
        else:
            self._job_failed(message)

    @api.model
    def _recover_interrupted_jobs(self):
        """Jobs left running by a worker that stopped are queued again or failed, with the reason."""
        limit = fields.Datetime.now() - timedelta(seconds=STALE_SECONDS)
        for job in self.search([("state", "=", "running"), ("started_at", "<", limit)]):
            job = job.with_context(lang=job.user_id.lang)
            job._record_failure(job.env._("Interrupted: the worker running this job stopped. Retry it."))
            job._notify_job_changed()

    # ------------------------------------------------------------------
    # Progress and cancellation
    # ------------------------------------------------------------------
    def _report_progress(self, done, total=None, message=None):
        """Publish progress (``done`` of ``total``, or ``done`` percent without ``total``) and an optional
        message, committed at once; raises :class:`JobCancelled` when cancellation was requested."""
        self.ensure_one()
        percent = round(done * 100.0 / total, 1) if total else float(done or 0.0)
        with own_transaction(self.env) as cr:
            cr.execute(SQL(
                "UPDATE %s SET progress = %s, progress_message = %s WHERE id = %s RETURNING cancel_requested",
                SQL.identifier(self._table), percent, message, self.id))
            row = cr.fetchone()
            cr.execute(SQL("SELECT pg_notify(%s, %s)", JOB_CHANNEL, "%s:%s" % (self._table, self.id)))
        if row and row[0]:
            raise JobCancelled()

    def _lock_job_rows(self):
        """Lock these jobs' rows until the transaction ends, so the runner's progress reports wait for this
        change. A row the runner changed since this transaction began raises a serialization failure, not
        logged: Odoo retries the request with a fresh snapshot."""
        if self.ids:
            self.env.cr.execute(SQL("SELECT id FROM %s WHERE id IN %s FOR UPDATE", SQL.identifier(self._table),
                                    tuple(self.ids)), log_exceptions=False)

    def _notify_job_changed(self):
        """Tell listeners (progress streams) that these jobs changed, when the transaction commits."""
        for job in self:
            self.env.cr.execute(SQL("SELECT pg_notify(%s, %s)", JOB_CHANNEL, "%s:%s" % (job._table, job.id)))

    def _request_cancel(self):
        """Cancel now when queued; ask a running job to stop at its next progress report."""
        self._lock_job_rows()
        for job in self:
            if job.state == "queued":
                job.write({"state": "cancelled", "finished_at": fields.Datetime.now()})
            elif job.state == "running":
                job.cancel_requested = True
        self._notify_job_changed()
