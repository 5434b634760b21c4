"""When a key, connection or session was last used, recorded without a write per request."""
import time

from .own_transaction import own_transaction


class UseRecorder:
    """Records a use at most once per ``seconds`` per id and worker, in a transaction of its own: the
    request's transaction writes nothing for it, and concurrent workers recording the same id never make a
    request fail. ``statement(record_id)`` is the ``odoo.tools.SQL`` that records the use."""

    def __init__(self, statement, seconds=60):
        self.statement = statement
        self.seconds = seconds
        # {record id: monotonic time of the last write in this worker}
        self.last_written = {}

    def record(self, env, record_id):
        """Record a use of ``record_id`` unless this worker did within ``seconds``; whether it wrote."""
        now = time.monotonic()
        last = self.last_written.get(record_id)
        if last is not None and now - last < self.seconds:
            return False
        self.last_written[record_id] = now
        with own_transaction(env) as cr:
            cr.execute(self.statement(record_id))
        return True
