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
import subprocess
import sys
import uuid

from bench_search_read import (
    PROTOCOL_VERSION,
    HttpClient,
    Odoo,
    default_addons_path,
    free_port,
    log,
    measure,
    odoo_bin_command,
    percentile,
    run,
    wait_for_server,
)

ROWS = 100_000
CITIES = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", help="Odoo addons path; default: Odoo's own addons and this repository")
    parser.add_argument("--db", help="name of the database to create (must not exist)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    parser.add_argument("--requests", type=int, default=100, metavar="N", help="calls per path and level")
    parser.add_argument("--warmup", type=int, default=10, metavar="N", help="warm-up calls per path")
    parser.add_argument("--concurrency", default="1,8", metavar="LIST", help="client threads, e.g. 1,8")
    parser.add_argument("--odoo-bin", help="path of odoo-bin")
    parser.add_argument("-c", "--config", help="Odoo configuration file")
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
        env = odoo_side.env(cr)
        admin = env.ref("base.user_admin")
        api_key = odoo_side.env(cr, admin.id)["res.users.apikeys"]._generate(None, "bench", None)
        return admin.id, admin.login, api_key


def make_mcp(port, key):
    def factory():
        client = HttpClient(port)
        headers = {"Authorization": "Bearer %s" % key, "Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        status, reply_headers, body = client.post("/mcp", {
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                       "clientInfo": {"name": "bench", "version": "1.0"}}}, headers)
        if status != 200:
            raise RuntimeError("MCP initialize failed: %s" % body[:300])
        headers["MCP-Session-Id"] = reply_headers["MCP-Session-Id"]
        headers["MCP-Protocol-Version"] = PROTOCOL_VERSION
        ids = itertools.count(1)

        def call():
            _status, _headers, body = client.post("/mcp", {
                "jsonrpc": "2.0", "id": next(ids), "method": "tools/call", "params": {
                    "name": "aggregate", "arguments": {"model": "res.partner", "groupby": ["city"],
                                                       "measures": ["color:sum", "__count"]}}}, headers)
            result = json.loads(body)["result"]
            if result.get("isError"):
                raise RuntimeError(result["content"][0]["text"])
            return sum(group["__count"] for group in result["structuredContent"]["groups"])
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


def main(argv=None):
    args = parse_args(argv)
    args.addons_path = args.addons_path or default_addons_path()
    args.db = args.db or "mcp_bench_agg_%s" % uuid.uuid4().hex[:8]
    odoo_bin = odoo_bin_command(args)
    common = ["--addons-path=%s" % args.addons_path] + (["-c", args.config] if args.config else [])
    odoo_side = Odoo(args)
    if odoo_side.database_exists():
        sys.exit("bench: database %r already exists" % args.db)
    server = None
    try:
        run(odoo_bin + common + ["-d", args.db, "-i", "mcp_server", "--stop-after-init", "--without-demo=all",
                                 "--log-level=warn"], "create database %s and install mcp_server" % args.db)
        odoo_side.load()
        uid, login, api_key = populate(odoo_side)
        log("inserted %d partners" % ROWS)
        key = run(odoo_bin + common + ["mcp-key", "-d", args.db, "--login", login, "--name", "bench",
                                       "--grant", "res.partner:read"], "create MCP key").strip().splitlines()[-1]
        port = free_port()
        server = subprocess.Popen(odoo_bin + common + [
            "-d", args.db, "--http-interface=127.0.0.1", "--http-port=%d" % port, "--workers=0",
            "--max-cron-threads=0", "--log-level=warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_server(port, server)
        paths = [("MCP tools/call aggregate", make_mcp(port, key)),
                 ("Odoo /jsonrpc read_group", make_jsonrpc(port, args.db, uid, api_key))]
        lines = ["`res.partner` grouped by city (%d groups) with sum(color) and count over %d rows; %d calls "
                 "per row after %d warm-up; Odoo threaded." % (CITIES, ROWS, args.requests, args.warmup), "",
                 "| Path | Concurrency | p50 (ms) | p95 (ms) | p99 (ms) | Throughput (req/s) |",
                 "|---|---:|---:|---:|---:|---:|"]
        for concurrency in args.concurrency:
            for name, factory in paths:
                calls = [factory() for _ in range(concurrency)]
                for call in calls:
                    for _ in range(max(1, args.warmup // concurrency)):
                        total = call()
                        if total < ROWS:
                            raise RuntimeError("%s counted %s rows" % (name, total))
                latencies, wall = measure(calls, args.requests)
                latencies.sort()
                lines.append("| %s | %d | %.2f | %.2f | %.2f | %.1f |" % (
                    name, concurrency, percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000,
                    percentile(latencies, 99) * 1000, len(latencies) / wall))
                log(lines[-1])
        print("\n".join(lines))
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        if not args.keep_db:
            odoo_side.drop()
            log("dropped database %s" % args.db)


if __name__ == "__main__":
    sys.exit(main())
