"""One round trip to a Redis server: is it reachable, how fast, which version (Settings test, health check)."""
import time

# Short: a health check must answer a load balancer quickly even when Redis hangs.
PROBE_TIMEOUT_SECONDS = 1.0


class RedisProbeError(Exception):
    """Redis could not be reached or refused the ping; the message names why, never the URL's password.
    ``kind`` is the short reason without any address (e.g. ``ConnectionError``), for public answers."""

    def __init__(self, message, kind):
        super().__init__(message)
        self.kind = kind


def probe(url, timeout=PROBE_TIMEOUT_SECONDS):
    """``(latency in milliseconds, server version)`` of the Redis at ``url``; raises :class:`RedisProbeError`."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    except ValueError as exc:
        raise RedisProbeError(str(exc), "invalid URL") from None
    try:
        started = time.perf_counter()
        client.ping()
        latency_ms = (time.perf_counter() - started) * 1000.0
        version = client.info("server").get("redis_version", "?")
    except redis.RedisError as exc:
        raise RedisProbeError(_without_url(str(exc), url), type(exc).__name__) from None
    finally:
        client.close()
    return round(latency_ms, 2), version


def _without_url(message, url):
    """A driver message with the URL (and so any password in it) removed."""
    return message.replace(url, "the Redis URL")[:200] or "unreachable"
