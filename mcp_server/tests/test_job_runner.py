"""The shared background job runner (mcp.job.mixin), exercised through the mcp.job kind."""
import time
from contextlib import closing
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..lib.job_watch import JOB_CHANNEL, JobWatch
from ..models.mcp_job_mixin import McpJobMixin


@tagged("post_install", "-at_install")
class TestJobRunner(TransactionCase):
    def setUp(self):
        super().setUp()
        self.Job = self.env["mcp.job"].sudo()
        self.job_class = type(self.env["mcp.job"])
        self.partner = self.env["res.partner"].create({"name": "Before"})
        self.commits = []
        self.startPatcher(patch.object(self.env.cr, "commit", lambda: self.commits.append(1)))

    def job(self, **values):
        return self.Job.create(dict({"tool": "batch", "user_id": self.env.ref("base.user_admin").id}, **values))

    def run_with(self, run_job, max_attempts=1):
        """Run the queue with ``run_job`` as the kind's work, finished as the mixin does by default."""
        with patch.object(self.job_class, "_run_job", run_job), \
                patch.object(self.job_class, "_finish_job", McpJobMixin._finish_job), \
                patch.object(self.job_class, "_job_max_attempts", max_attempts):
            return self.Job._cron_run(budget_seconds=30)

    def test_jobs_run_oldest_first_each_committed_on_its_own(self):
        first, second = self.job(), self.job()
        ran = []

        def run_job(job):
            ran.append((job.id, job.state, job.attempts))

        self.assertEqual(self.run_with(run_job), 2)
        self.assertEqual(ran, [(first.id, "running", 1), (second.id, "running", 1)])
        for job in first | second:
            self.assertEqual((job.state, job.progress, job.attempts), ("done", 100.0, 1))
            self.assertTrue(job.finished_at >= job.started_at)
        # Recovery, then per job: claimed, its work, its final state.
        self.assertEqual(len(self.commits), 1 + 2 * 3)

    def test_a_failure_is_recorded_with_its_reason_and_its_work_undone(self):
        explained, broken = self.job(), self.job()

        def run_job(job):
            self.partner.name = "Half done"
            if job == explained:
                raise UserError("The warehouse is closed.")
            raise RuntimeError("division by zero")

        with self.assertLogs("odoo.addons.mcp_server.models.mcp_job_mixin", "ERROR"):
            self.run_with(run_job)
        self.assertEqual((explained.state, explained.error), ("failed", "The warehouse is closed."))
        self.assertEqual(broken.state, "failed")
        self.assertIn("internal error", broken.error)
        self.assertNotIn("division", broken.error)
        self.assertTrue(explained.finished_at)
        self.assertEqual(self.partner.name, "Before")

    def test_failed_attempts_are_retried_up_to_the_kind_maximum(self):
        hopeless, flaky = self.job(), self.job()
        calls = []

        def run_job(job):
            calls.append(job.id)
            if job == hopeless or calls.count(flaky.id) == 1:
                raise UserError("Provider busy (attempt %s)." % job.attempts)

        self.assertEqual(self.run_with(run_job, max_attempts=3), 5)
        self.assertEqual((hopeless.state, hopeless.attempts), ("failed", 3))
        self.assertEqual(hopeless.error, "Provider busy (attempt 3).")
        self.assertEqual((flaky.state, flaky.attempts), ("done", 2))

    def test_a_retry_delay_holds_the_job_until_its_time(self):
        job = self.job()

        def run_job(job):
            raise UserError("Receiver down.")

        with patch.object(self.job_class, "_job_retry_delay", lambda job: 60), \
                patch.object(type(self.env["ir.cron"]), "_trigger", lambda cron, at=None: triggers.append(at)):
            triggers = []
            self.assertEqual(self.run_with(run_job, max_attempts=2), 1, "not run again before its time")
            self.assertEqual((job.state, job.error), ("queued", "Receiver down."))
            self.assertAlmostEqual((job.retry_at - fields.Datetime.now()).total_seconds(), 60, delta=5)
            self.assertEqual(triggers, [job.retry_at], "the cron is woken at the retry time")
            job.retry_at = fields.Datetime.now() - timedelta(seconds=1)
            self.assertEqual(self.run_with(run_job, max_attempts=2), 1)
        self.assertEqual((job.state, job.attempts, job.retry_at), ("failed", 2, False))

    def test_progress_is_published_and_a_cancel_request_stops_the_job(self):
        # Progress reports use transactions of their own; in test mode they share the test's cursor.
        self.registry.enter_test_mode(self.env.cr)
        self.addCleanup(self.registry.leave_test_mode)
        job = self.job()
        seen = []

        def run_job(job):
            self.partner.name = "Half done"
            job._report_progress(1, 4, "One of four")
            seen.append(self.env.execute_query(SQL(
                "SELECT progress, progress_message FROM mcp_job WHERE id = %s", job.id))[0])
            job._report_progress(40)
            seen.append(self.env.execute_query(SQL("SELECT progress FROM mcp_job WHERE id = %s", job.id))[0])
            job.browse(job.id)._request_cancel()
            job.env.flush_all()
            job._report_progress(3, 4)
            seen.append("not stopped")

        self.run_with(run_job)
        self.assertEqual(seen, [(25.0, "One of four"), (40.0,)])
        self.assertEqual(job.state, "cancelled")
        self.assertEqual(self.partner.name, "Before")

    def test_interrupted_jobs_are_failed_or_queued_again(self):
        long_ago = fields.Datetime.now() - timedelta(hours=1)
        lost = self.job(state="running", started_at=long_ago, attempts=1)
        recent = self.job(state="running", started_at=fields.Datetime.now(), attempts=1)
        self.run_with(lambda job: None)
        self.assertEqual(lost.state, "failed")
        self.assertIn("Interrupted", lost.error)
        self.assertEqual(recent.state, "running", "a job still within its run budget is left alone")

        again = self.job(state="running", started_at=long_ago, attempts=1)
        self.run_with(lambda job: None, max_attempts=2)
        self.assertEqual((again.state, again.attempts), ("done", 2))

    def test_a_job_locked_by_another_worker_is_skipped(self):
        db = sql_db.db_connect(self.env.cr.dbname)
        admin = self.env.ref("base.user_admin").id
        with closing(db.cursor()) as setup:
            ids = [setup.execute(SQL("INSERT INTO mcp_job (tool, user_id, state) VALUES ('batch', %s, 'queued') "
                                     "RETURNING id", admin)) or setup.fetchone()[0] for _i in range(2)]
            setup.commit()
        try:
            with closing(db.cursor()) as worker_a, closing(db.cursor()) as worker_b:
                worker_a.execute(SQL("SELECT id FROM mcp_job WHERE id = %s FOR UPDATE", ids[0]))
                env_b = api.Environment(worker_b, SUPERUSER_ID, {})
                started = time.monotonic()
                claimed = env_b["mcp.job"]._claim_next_job()
                self.assertLess(time.monotonic() - started, 2.0, "the claim does not wait for the locked job")
                self.assertEqual(claimed.id, ids[1])
                self.assertEqual((claimed.state, claimed.attempts), ("running", 1))
                self.assertFalse(env_b["mcp.job"]._claim_next_job())
                worker_b.rollback()
                worker_a.rollback()
        finally:
            with closing(db.cursor()) as cleanup:
                cleanup.execute(SQL("DELETE FROM mcp_job WHERE id IN %s", tuple(ids)))
                cleanup.commit()

    def test_a_job_claimed_by_another_worker_since_the_snapshot_is_skipped(self):
        db = sql_db.db_connect(self.env.cr.dbname)
        admin = self.env.ref("base.user_admin").id
        with closing(db.cursor()) as setup:
            ids = [setup.execute(SQL("INSERT INTO mcp_job (tool, user_id, state) VALUES ('batch', %s, 'queued') "
                                     "RETURNING id", admin)) or setup.fetchone()[0] for _i in range(2)]
            setup.commit()
        try:
            with closing(db.cursor()) as worker_a, closing(db.cursor()) as worker_b:
                worker_b.execute("SELECT count(*) FROM mcp_job")  # worker B's snapshot starts here
                first = api.Environment(worker_a, SUPERUSER_ID, {})["mcp.job"]._claim_next_job()
                worker_a.commit()
                second = api.Environment(worker_b, SUPERUSER_ID, {})["mcp.job"]._claim_next_job()
                self.assertEqual((first.id, second.id), tuple(ids))
                worker_b.rollback()
        finally:
            with closing(db.cursor()) as cleanup:
                cleanup.execute(SQL("DELETE FROM mcp_job WHERE id IN %s", tuple(ids)))
                cleanup.commit()


@tagged("post_install", "-at_install")
class TestJobWatch(TransactionCase):
    def notify(self, payload):
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            cr.execute(SQL("SELECT pg_notify(%s, %s)", JOB_CHANNEL, payload))
            cr.commit()

    def test_the_stream_wakes_when_its_job_changes_and_only_then(self):
        with JobWatch(self.env.cr.dbname, "mcp_job", 4242) as watch:
            self.notify("mcp_job:4243")
            self.notify("mcp_ai_job:4242")
            started = time.monotonic()
            self.assertFalse(watch.wait(0.5))
            self.assertGreaterEqual(time.monotonic() - started, 0.5)
            self.notify("mcp_job:4242")
            started = time.monotonic()
            self.assertTrue(watch.wait(10))
            self.assertLess(time.monotonic() - started, 1.0)
