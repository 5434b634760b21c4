#!/usr/bin/env python3
"""Latency and throughput of one ``search_read``: ORM, a bare Odoo route, MCP, Odoo's JSON-RPC and XML-RPC.

The script needs a Python in which ``import odoo`` works (the one that runs Odoo 18) and a
PostgreSQL server Odoo can reach. It:

1. creates a fresh database and installs ``mcp_server`` and the benchmark-only ``mcp_bench_floor``
   (from ``bench/addons``, added to the addons path) without demo data;
2. loads 2 000 partners (every tenth in Paris);
3. creates an MCP key (``odoo-bin mcp-key --grant res.partner:read``) and an Odoo API key, both
   acting as the administrator;
4. starts ``odoo-bin`` on a free local port, threaded (``--workers 0``) and then in prefork mode
   (``--workers 4``) by default (``--workers``);
5. measures, side by side, the same query
   ``search_read([('city', '=', 'Paris')], ['id', 'name', 'email'], limit=80)``:

   * **ORM**: in this process, one fresh cursor and environment per call (as a request gets);
   * **floor**: ``POST /bench/search_read``, a bare route doing the ORM call with no MCP layer
     and no authentication: the lowest an Odoo route can reach;
   * **MCP**: ``tools/call`` ``search_read`` on ``/mcp`` within an MCP session;
   * **JSON-RPC**: ``execute_kw`` on ``/jsonrpc`` with the API key as password;
   * **XML-RPC**: ``execute_kw`` on ``/xmlrpc/2/object``, likewise;

   at each concurrency level (client threads), after a warm-up, and prints p50/p95/p99 latency
   and throughput as a Markdown table;
6. stops the server and drops the database (unless ``--keep-db``).

Example::

    python3 bench/bench_search_read.py --requests 300 --concurrency 1,8,32 --workers 0,4
"""
import argparse
import itertools
import json
import os
import sys
import xmlrpc.client

from benchlib.database import BenchDatabase, add_database_options, add_odoo_options
from benchlib.http_client import (
    QUERY_DOMAIN,
    QUERY_FIELDS,
    QUERY_LIMIT,
    SEARCH_READ_ARGUMENTS,
    HttpClient,
    modern_headers,
    modern_meta,
    session_tool_caller,
    tool_message,
    tool_result,
)
from benchlib.odoo_side import log, machine_description
from benchlib.partners import PARTNERS, populate
from benchlib.stats import latency_ms, markdown_table, measure, prepare

COLUMNS = [("Odoo", "%s"), ("Path", "%s"), ("Concurrency", "%d"), ("p50 (ms)", "%.2f"), ("p95 (ms)", "%.2f"),
           ("p99 (ms)", "%.2f"), ("Throughput (req/s)", "%.1f")]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_options(parser)
    parser.add_argument("--requests", type=int, default=300, metavar="N",
                        help="measured requests per path and concurrency level (default: 500)")
    parser.add_argument("--warmup", type=int, default=50, metavar="N",
                        help="unmeasured requests per path before measuring (default: 50)")
    parser.add_argument("--workers", default="0,4", metavar="LIST",
                        help="Odoo server modes to measure: 0 = threaded, N = prefork with N workers (default 0,4)")
    parser.add_argument("--concurrency", default="1,8,32", metavar="LIST",
                        help="comma-separated numbers of client threads (default: 1,8)")
    parser.add_argument("--rounds", type=int, default=10, metavar="N",
                        help="interleave the paths in N slices of the requests, so that load changes on the "
                             "machine affect them alike (default: 10)")
    add_odoo_options(parser)
    parser.add_argument("--output", metavar="FILE", help="also write the Markdown table to FILE")
    args = parser.parse_args(argv)
    try:
        args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
        args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        parser.error("--concurrency and --workers: expected numbers separated by commas, e.g. 1,8")
    if not args.workers or min(args.workers) < 0:
        parser.error("--workers: expected 0 (threaded) or worker counts, e.g. 0,4")
    if not args.concurrency or min(args.concurrency) < 1 or args.requests < 1 or args.warmup < 0 or args.rounds < 1:
        parser.error("--requests, --rounds and --concurrency must be positive numbers")
    return args


# ----------------------------------------------------------------------
# Clients: each ``make_*`` returns a factory of per-thread callables answering the number of records
# ----------------------------------------------------------------------
def make_orm(odoo_side, uid):
    def factory():
        def call():
            with odoo_side.registry.cursor() as cr:
                records = odoo_side.env(cr, uid)["res.partner"].search_read(
                    QUERY_DOMAIN, QUERY_FIELDS, limit=QUERY_LIMIT)
            return len(records)
        return call
    return factory


def make_mcp(port, key):
    def factory():
        call_tool = session_tool_caller(port, key)

        def call():
            return len(call_tool("search_read", SEARCH_READ_ARGUMENTS)["structuredContent"]["records"])
        return call
    return factory


def make_mcp_modern(port, key):
    """The same call in the 2026-07-28 era: no session, version and client in every request's _meta."""
    def factory():
        client = HttpClient(port)
        headers, meta = modern_headers(key, "search_read"), modern_meta("bench")
        ids = itertools.count(1)

        def call():
            status, _headers, body = client.post(
                "/mcp", tool_message(next(ids), "search_read", SEARCH_READ_ARGUMENTS, meta), headers)
            result = tool_result(status, body, "MCP 2026-07-28 search_read")
            return len(result["structuredContent"]["records"])
        return call
    return factory


def make_floor(port, uid):
    def factory():
        client = HttpClient(port)
        headers = {"Content-Type": "application/json"}

        def call():
            status, _headers, body = client.post("/bench/search_read", {
                "uid": uid, "domain": QUERY_DOMAIN, "fields": QUERY_FIELDS, "limit": QUERY_LIMIT}, headers)
            if status != 200:
                raise RuntimeError("floor route failed: HTTP %s %s" % (status, body[:500]))
            return len(json.loads(body))
        return call
    return factory


def make_jsonrpc(port, db, uid, api_key):
    def factory():
        client = HttpClient(port)
        headers = {"Content-Type": "application/json"}
        ids = itertools.count(1)

        def call():
            status, _headers, body = client.post("/jsonrpc", {
                "jsonrpc": "2.0", "id": next(ids), "method": "call",
                "params": {"service": "object", "method": "execute_kw", "args": [
                    db, uid, api_key, "res.partner", "search_read", [QUERY_DOMAIN],
                    {"fields": QUERY_FIELDS, "limit": QUERY_LIMIT}]},
            }, headers)
            reply = json.loads(body)
            if status != 200 or "error" in reply:
                raise RuntimeError("JSON-RPC search_read failed: HTTP %s %s" % (status, body[:500]))
            return len(reply["result"])
        return call
    return factory


def make_xmlrpc(port, db, uid, api_key):
    def factory():
        proxy = xmlrpc.client.ServerProxy("http://127.0.0.1:%d/xmlrpc/2/object" % port, allow_none=True)

        def call():
            return len(proxy.execute_kw(db, uid, api_key, "res.partner", "search_read", [QUERY_DOMAIN],
                                        {"fields": QUERY_FIELDS, "limit": QUERY_LIMIT}))
        return call
    return factory


# ----------------------------------------------------------------------
# Measurement
# ----------------------------------------------------------------------
def check_count(count):
    if count != QUERY_LIMIT:
        raise RuntimeError("expected %s records, got %s" % (QUERY_LIMIT, count))


def measure_interleaved(paths, requests, warmup, concurrency, rounds):
    """Measure every path in ``rounds`` interleaved slices, so that a change of load on the machine
    during the run weighs on all paths alike. Returns {name: (sorted latencies, total wall time)}."""
    prepared = [(name, prepare(factory, warmup, concurrency, check_count)) for name, factory in paths]
    results = {name: ([], 0.0) for name, _calls in prepared}
    rounds = max(1, min(rounds, requests))
    for index in range(rounds):
        share = requests // rounds + (1 if index < requests % rounds else 0)
        offset = index % len(prepared)
        for name, calls in prepared[offset:] + prepared[:offset]:
            latencies, wall = measure(calls, share)
            total, elapsed = results[name]
            results[name] = (total + latencies, elapsed + wall)
    return {name: (sorted(latencies), wall) for name, (latencies, wall) in results.items()}


def paths_for(port, odoo_side, db, uid, api_key, mcp_key):
    return [
        ("ORM (in-process)", make_orm(odoo_side, uid)),
        ("Bare Odoo route (floor)", make_floor(port, uid)),
        ("MCP tools/call (/mcp, 2025-11-25 session)", make_mcp(port, mcp_key)),
        ("MCP tools/call (/mcp, 2026-07-28 stateless)", make_mcp_modern(port, mcp_key)),
        ("Odoo /jsonrpc execute_kw", make_jsonrpc(port, db, uid, api_key)),
        ("Odoo XML-RPC execute_kw", make_xmlrpc(port, db, uid, api_key)),
    ]


def measure_server(args, database, workers, uid, api_key, mcp_key):
    """Rows of the table for one server mode: every path at every concurrency level."""
    rows = []
    with database.serve(workers) as server:
        paths = paths_for(server.port, database.odoo_side, args.db, uid, api_key, mcp_key)
        for concurrency in args.concurrency:
            results = measure_interleaved(paths, args.requests, args.warmup, concurrency, args.rounds)
            for name, _factory in paths:
                latencies, wall = results[name]
                row = (server.mode, name, concurrency, *latency_ms(latencies), len(latencies) / wall)
                log("%-10s %-26s c=%-2d p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  %7.1f req/s" % row)
                rows.append(row)
    return rows


def report(args, rows):
    lines = [
        "`search_read` of %d `res.partner` (3 fields, domain `city = Paris`) among %d partners; "
        "%d requests per row (paths interleaved in %d rounds) after %d warm-up; %s." % (
            QUERY_LIMIT, PARTNERS, args.requests, args.rounds, args.warmup, machine_description()),
        "",
        *markdown_table(COLUMNS, rows),
    ]
    table = "\n".join(lines)
    print(table)
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as output:
            output.write(table + "\n")


def main(argv=None):
    args = parse_args(argv)
    with BenchDatabase(args, floor=True) as database:
        database.install("mcp_server,mcp_bench_floor")
        uid, login, api_key, paris = populate(database.odoo_side)
        log("loaded %d partners (%d in Paris)" % (PARTNERS, paris))
        mcp_key = database.mcp_key(login)
        rows = []
        for workers in args.workers:
            rows += measure_server(args, database, workers, uid, api_key, mcp_key)
        report(args, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
