"""Bounded retries with exponential backoff for rate limits (429) and server errors (5xx)."""
import time

from .providers.base import ProviderError

MAX_DELAY_SECONDS = 30.0


def call_with_retries(call, retries, base_delay, sleep=time.sleep):
    """Run ``call()``; on a retryable :class:`ProviderError` wait and try again, at most ``retries`` times.

    The waits double from ``base_delay`` (a ``Retry-After`` the provider sends wins when it is
    longer), each capped at 30 seconds. Returns ``(result, attempts)``; the last error is
    raised with its ``attempts`` set.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return call(), attempt
        except ProviderError as exc:
            exc.attempts = attempt
            if not exc.retryable or attempt > retries:
                raise
            delay = base_delay * (2 ** (attempt - 1))
            if exc.retry_after is not None:
                delay = max(delay, exc.retry_after)
            sleep(min(delay, MAX_DELAY_SECONDS))
