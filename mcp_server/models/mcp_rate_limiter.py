"""Fixed-window rate limits shared by every worker: Redis when configured, PostgreSQL otherwise.

Each HTTP request is checked against several counters at once (per credential and
global, per minute and per day) and counts as many JSON-RPC messages as it carries.
Either every counter is incremented or none: a refused request does not consume
quota, and concurrent workers never let one message more than the limit through.
Requests that carry no valid credential are counted per client address.
"""
import logging
import time

from odoo import api, models
from odoo.tools import SQL

from ..lib.own_transaction import RollBack, own_transaction

_logger = logging.getLogger(__name__)

WINDOWS = {"minute": 60, "day": 86400}
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.25

# Check every counter, then add the request's count to all of them only when none would pass its limit.
# KEYS: counter keys; ARGV: count, limit_1, ttl_1, limit_2, ttl_2, ...
REDIS_SCRIPT = """
local n = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count + n > tonumber(ARGV[2 * i]) then
    return i
  end
end
for i, key in ipairs(KEYS) do
  local count = redis.call('INCRBY', key, n)
  if count == n then
    redis.call('EXPIRE', key, tonumber(ARGV[2 * i + 1]))
  end
end
return 0
"""


class RedisBackend:
    """Per-worker Redis connection with a circuit breaker: when Redis fails, callers fall back
    to PostgreSQL and Redis is tried again after a few seconds. Logs once per outage."""

    _clients = {}
    _down_since = {}

    @classmethod
    def check(cls, url, counters, count=1):
        """Return the index (1-based) of the exhausted counter, 0 when allowed, None when Redis is unavailable."""
        down_since = cls._down_since.get(url)
        if down_since and time.monotonic() - down_since < REDIS_RETRY_SECONDS:
            return None
        try:
            client = cls._client(url)
            keys = [key for key, _limit, _ttl in counters]
            args = [count]
            for _key, limit, ttl in counters:
                args += [limit, ttl]
            result = client.eval(REDIS_SCRIPT, len(keys), *keys, *args)
        except Exception as exc:  # noqa: BLE001 - any Redis failure means: use PostgreSQL for now
            if not down_since:
                _logger.warning("MCP rate limiter: Redis at %s is unreachable (%s); using PostgreSQL until it returns",
                                _safe_url(url), exc)
            cls._down_since[url] = time.monotonic()
            cls._clients.pop(url, None)
            return None
        if down_since:
            _logger.info("MCP rate limiter: Redis at %s is back; using it again", _safe_url(url))
            cls._down_since.pop(url, None)
        return int(result)

    @classmethod
    def _client(cls, url):
        client = cls._clients.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                          socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
            cls._clients[url] = client
        return client


def _safe_url(url):
    """The URL without its password, for logs."""
    if "@" in url:
        scheme, _sep, rest = url.partition("://")
        return "%s://***@%s" % (scheme, rest.rpartition("@")[2])
    return url


class McpRateLimiter(models.AbstractModel):
    _name = "mcp.rate.limiter"
    _description = "MCP rate limiter"

    def init(self):
        self.env.cr.execute(SQL(
            """CREATE TABLE IF NOT EXISTS mcp_rate_counter (
                   bucket varchar PRIMARY KEY,
                   window_end timestamp without time zone NOT NULL,
                   count integer NOT NULL DEFAULT 0)"""
        ))

    @api.model
    def _limits_for(self, credential, settings):
        """``[(scope, window, limit)]`` that apply to this credential (0 = unlimited)."""
        limits = []
        for window in WINDOWS:
            per_credential = getattr(credential, "rate_limit_%s" % window) or settings.get("rate_limit_%s" % window, 0)
            if per_credential:
                limits.append(("cred:%s" % credential.ref, window, per_credential))
            global_limit = settings.get("global_rate_limit_%s" % window, 0)
            if global_limit:
                limits.append(("global", window, global_limit))
        return limits

    @api.model
    def _hit(self, credential, settings, count=1):
        """Count ``count`` JSON-RPC messages of a credential. Returns ``None`` when allowed, else
        ``(scope, window, limit, retry_after)``."""
        return self._consume(self._limits_for(credential, settings), settings, count)

    @api.model
    def _hit_address(self, address, settings):
        """Count one request that carries no valid credential, per client address (same answer as ``_hit``)."""
        limit = settings.get("anonymous_rate_limit_minute", 0)
        return self._consume([("ip:%s" % address, "minute", limit)] if limit else [], settings, 1)

    @api.model
    def _consume(self, limits, settings, count):
        if not limits:
            return None
        now = time.time()
        counters = []
        for scope, window, limit in limits:
            seconds = WINDOWS[window]
            window_start = int(now // seconds) * seconds
            bucket = "mcp:rl:%s:%s:%s:%s" % (self.env.cr.dbname, scope, window, window_start)
            counters.append((bucket, limit, window_start + seconds))
        exhausted = None
        if settings.get("redis_url"):
            exhausted = RedisBackend.check(settings["redis_url"],
                                           [(b, lim, max(1, int(end - now)) + 1) for b, lim, end in counters], count)
        if exhausted is None:
            exhausted = self._check_postgres(counters, count)
        if not exhausted:
            return None
        scope, window, limit = limits[exhausted - 1]
        retry_after = max(1, int(counters[exhausted - 1][2] - now + 0.999))
        return scope, window, limit, retry_after

    @api.model
    def _check_postgres(self, counters, count=1):
        """Atomic check-and-increment in PostgreSQL, committed at once in its own transaction
        (READ COMMITTED, so concurrent workers queue on the row lock instead of failing)."""
        exhausted = 0
        with own_transaction(self.env) as cr:
            exhausted = self._increment_counters(cr, counters, count)
            if exhausted:
                raise RollBack()
        return exhausted

    @api.model
    def _increment_counters(self, cr, counters, count=1):
        """Add ``count`` to each counter that stays within its limit; return the 1-based index of the first
        one it would pass."""
        for index, (bucket, limit, window_end) in enumerate(counters, start=1):
            cr.execute(SQL(
                """INSERT INTO mcp_rate_counter AS c (bucket, window_end, count)
                   SELECT %s, to_timestamp(%s) at time zone 'UTC', %s WHERE %s <= %s
                   ON CONFLICT (bucket) DO UPDATE SET count = c.count + EXCLUDED.count
                    WHERE c.count + EXCLUDED.count <= %s
                   RETURNING c.count""",
                bucket, window_end, count, count, limit, limit,
            ))
            if not cr.fetchone():
                return index
        return 0

    @api.autovacuum
    def _gc_rate_counters(self):
        """Forget counters of windows that are over."""
        self.env.cr.execute(SQL(
            "DELETE FROM mcp_rate_counter WHERE window_end < (now() at time zone 'UTC') - interval '1 hour'"))


