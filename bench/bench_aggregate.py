#!/usr/bin/env python3
"""Grouped totals over 100 000 rows: MCP ``aggregate`` against the same ``read_group`` through ``/jsonrpc``.

Run with the Python that runs Odoo 18, like ``bench_search_read.py`` (same options for the database,
addons path and configuration). It creates a database, installs ``mcp_server``, inserts 100 000
partners in ten cities with one SQL statement, starts ``odoo-bin`` threaded, and measures
``res.partner`` grouped by ``city`` with ``sum(color)`` and the record count, both ways, at each
concurrency level. The database is dropped at the end unless ``--keep-db``.

Example::

    python3 bench/bench_aggregate.py --requests 100 --concurrency 1,8
"""
import argparse
import itertools
import json
import sys

from benchlib.database import BenchDatabase, add_database_options, add_odoo_options
from benchlib.http_client import HttpClient, session_tool_caller
from benchlib.odoo_side import log
from benchlib.stats import latency_ms, markdown_table, measure, prepare, table_row

ROWS = 100_000
CITIES = 10
COLUMNS = [("Path", "%s"), ("Concurrency", "%d"), ("p50 (ms)", "%.2f"), ("p95 (ms)", "%.2f"), ("p99 (ms)", "%.2f"),
           ("Throughput (req/s)", "%.1f")]
AGGREGATE_ARGUMENTS = {"model": "res.partner", "groupby": ["city"], "measures": ["color:sum", "__count"]}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_options(parser)
    parser.add_argument("--requests", type=int, default=100, metavar="N", help="calls per path and level")
    parser.add_argument("--warmup", type=int, default=10, metavar="N", help="warm-up calls per path")
    parser.add_argument("--concurrency", default="1,8", metavar="LIST", help="client threads, e.g. 1,8")
    add_odoo_options(parser)
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    return args


def populate(odoo_side):
    """100 000 partners in one statement (the ORM would take minutes), and the keys' user and API key."""
    with odoo_side.registry.cursor() as cr:
        cr.execute("""
            INSERT INTO res_partner (name, complete_name, city, color, active, type, is_company,
                                     create_date, write_date, create_uid, write_uid)
            SELECT 'Aggregate ' || g, 'Aggregate ' || g, 'City ' || (g %% %s), g %% 12, true, 'contact', false,
                   now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
              FROM generate_series(1, %s) AS g""", (CITIES, ROWS))
        return odoo_side.admin_api_key(cr)


def make_mcp(port, key):
    def factory():
        call_tool = session_tool_caller(port, key)

        def call():
            groups = call_tool("aggregate", AGGREGATE_ARGUMENTS)["structuredContent"]["groups"]
            return sum(group["__count"] for group in groups)
        return call
    return factory


def make_jsonrpc(port, db, uid, api_key):
    def factory():
        client = HttpClient(port)
        ids = itertools.count(1)

        def call():
            _status, _headers, body = client.post("/jsonrpc", {
                "jsonrpc": "2.0", "id": next(ids), "method": "call", "params": {
                    "service": "object", "method": "execute_kw", "args": [
                        db, uid, api_key, "res.partner", "read_group", [[], ["color:sum"], ["city"]],
                        {"lazy": False}]}}, {"Content-Type": "application/json"})
            return sum(group["__count"] for group in json.loads(body)["result"])
        return call
    return factory


def check_total(name):
    def check(total):
        if total < ROWS:
            raise RuntimeError("%s counted %s rows" % (name, total))
    return check


def measure_paths(args, paths):
    """Table rows: each path at each concurrency level."""
    rows = []
    for concurrency in args.concurrency:
        for name, factory in paths:
            calls = prepare(factory, args.warmup, concurrency, check_total(name))
            latencies, wall = measure(calls, args.requests)
            rows.append((name, concurrency, *latency_ms(sorted(latencies)), len(latencies) / wall))
            log(table_row(COLUMNS, rows[-1]))
    return rows


def main(argv=None):
    args = parse_args(argv)
    with BenchDatabase(args, prefix="mcp_bench_agg") as database:
        database.install("mcp_server")
        uid, login, api_key = populate(database.odoo_side)
        log("inserted %d partners" % ROWS)
        key = database.mcp_key(login)
        with database.serve() as server:
            paths = [("MCP tools/call aggregate", make_mcp(server.port, key)),
                     ("Odoo /jsonrpc read_group", make_jsonrpc(server.port, args.db, uid, api_key))]
            rows = measure_paths(args, paths)
        lines = ["`res.partner` grouped by city (%d groups) with sum(color) and count over %d rows; %d calls "
                 "per row after %d warm-up; Odoo threaded." % (CITIES, ROWS, args.requests, args.warmup), ""]
        print("\n".join(lines + markdown_table(COLUMNS, rows)))
        return 0


if __name__ == "__main__":
    sys.exit(main())
