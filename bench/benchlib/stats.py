"""Timing request loops, percentiles and Markdown tables."""
import itertools
import threading
import time


def percentile(sorted_values, pct):
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil without floats
    return sorted_values[int(rank) - 1]


def latency_ms(sorted_latencies):
    """``(p50, p95, p99)`` in milliseconds of ascending latencies in seconds."""
    return tuple(percentile(sorted_latencies, pct) * 1000 for pct in (50, 95, 99))


def prepare(factory, warmup, concurrency, check):
    """One callable per client thread from ``factory()`` (sessions and connections set up outside the clock),
    each warmed up with ``warmup // concurrency`` calls (at least one); ``check(answer)`` raises on a wrong one."""
    calls = [factory() for _ in range(concurrency)]
    for call in calls:
        for _ in range(max(1, warmup // concurrency)):
            check(call())
    return calls


def measure(calls, requests):
    """Run ``requests`` calls spread over one thread per callable; answers (latencies in s, wall time in s)."""
    concurrency = len(calls)
    shares = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    latencies = [[] for _ in range(concurrency)]
    errors = []
    barrier = threading.Barrier(concurrency + 1)

    def worker(index):
        call, out = calls[index], latencies[index]
        barrier.wait()
        try:
            for _ in range(shares[index]):
                started = time.perf_counter()
                call()
                out.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return list(itertools.chain.from_iterable(latencies)), wall


def table_row(columns, row):
    """One Markdown row of ``row`` formatted by the ``(title, format)`` pairs of ``columns``."""
    return "| %s |" % " | ".join(fmt % value for (_title, fmt), value in zip(columns, row, strict=True))


def markdown_table(columns, rows):
    """Lines of a Markdown table: ``columns`` are ``(title, format)``, text (``%s``) left, numbers right-aligned."""
    lines = ["| %s |" % " | ".join(title for title, _fmt in columns),
             "|%s|" % "|".join("---" if fmt == "%s" else "---:" for _title, fmt in columns)]
    return lines + [table_row(columns, row) for row in rows]
