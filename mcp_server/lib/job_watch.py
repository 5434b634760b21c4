"""Waiting for a background job to change without polling the database: one connection, LISTEN/NOTIFY."""
import select
import time

from odoo import sql_db
from odoo.tools import SQL

JOB_CHANNEL = "mcp_job_changed"


class JobWatch:
    """A connection of its own that LISTENs to ``JOB_CHANNEL`` for one job (``<table>:<id>`` payloads), or for
    any of ``payloads`` (other announcements on the channel, e.g. an event feed's).

    Use as a context manager: ``cr`` reads the job (call :meth:`end_read` after reading, so the next read
    sees what was committed since), :meth:`wait` blocks until the job changes or ``timeout`` seconds pass.
    The connection goes back to Odoo's pool, no longer listening, when the block ends.
    """

    def __init__(self, db_name, table=None, job_id=None, payloads=()):
        self.db_name = db_name
        self.payloads = set(payloads) | ({"%s:%s" % (table, job_id)} if table else set())
        self.cr = None

    def __enter__(self):
        self.cr = sql_db.db_connect(self.db_name).cursor()
        self.cr.execute(SQL("LISTEN %s", SQL.identifier(JOB_CHANNEL)))
        self.cr.commit()
        return self

    def __exit__(self, *exc_info):
        try:
            self.cr.rollback()
            self.cr.execute(SQL("UNLISTEN *"))
            self.cr.commit()
        finally:
            self.cr.close()

    def end_read(self):
        """End the read's transaction: the next read takes a new snapshot (and notifications get through)."""
        self.cr.rollback()

    def wait(self, timeout):
        """Return True when the job was announced changed within ``timeout`` seconds, else False."""
        return bool(self.notified(timeout))

    def notified(self, timeout):
        """The watched payloads announced within ``timeout`` seconds (an empty set when none was)."""
        connection = self.cr._cnx
        deadline = time.monotonic() + timeout
        while True:
            connection.poll()
            notified = {notify.payload for notify in connection.notifies} & self.payloads
            connection.notifies.clear()
            remaining = deadline - time.monotonic()
            if notified or remaining <= 0:
                return notified
            select.select([connection], [], [], remaining)
