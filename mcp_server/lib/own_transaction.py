"""Short transactions of their own, for the server's bookkeeping under concurrency."""
from contextlib import contextmanager

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED


class RollBack(Exception):
    """Raise inside :func:`own_transaction` to discard its work."""


@contextmanager
def own_transaction(env):
    """A cursor whose work is committed at once, apart from the request's transaction, in READ COMMITTED
    (concurrent workers queue on row locks instead of failing to serialize). Raising :class:`RollBack`
    discards it. In Odoo's test mode the test's cursor is shared, so a savepoint of it stands in."""
    registry = env.registry
    try:
        if registry.in_test_mode():
            with env.cr.savepoint(flush=False):
                yield env.cr
        else:
            with registry.cursor() as cr:
                cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
                yield cr
    except RollBack:
        pass
