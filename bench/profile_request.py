#!/usr/bin/env python3
"""Profile and count the SQL statements of one request path, in-process, through Odoo's own WSGI application.

Runs against a database prepared by ``bench_search_read.py --keep-db`` (partners loaded, modules installed)
and an MCP key for it (``odoo-bin mcp-key -d DB --login admin --grant res.partner:read``). Each path sends
the same ``search_read`` as the benchmark, without sockets, through ``odoo.http.root``:

* ``floor``: ``POST /bench/search_read``;
* ``mcp``: ``tools/call`` within a 2025-11-25 session;
* ``mcp-modern``: ``tools/call`` in the 2026-07-28 era (no session).

It prints the SQL statements each request executes (Odoo's ``sql_db.sql_counter``: every statement through a
cursor, own transactions included; ``BEGIN``/``COMMIT`` are not statements of a cursor and are not counted),
optionally the statements themselves (``--show-sql``), and either the CPU time this process spends per request
over ``--requests`` calls or, with ``--profile FILE``, a pyinstrument text profile of them (needs
``pip install pyinstrument``).

Example::

    python3 bench/profile_request.py --db mcp_bench_x --key mcpk_... --path mcp --requests 300 --profile out.txt
"""
import argparse
import json
import logging
import sys
import time

from benchlib.http_client import (
    PROTOCOL_VERSION,
    QUERY_DOMAIN,
    QUERY_FIELDS,
    QUERY_LIMIT,
    SEARCH_READ_ARGUMENTS,
    initialize_message,
    mcp_headers,
    modern_headers,
    modern_meta,
    tool_message,
)
from benchlib.odoo_side import default_addons_path, with_floor_addon


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database prepared by bench_search_read.py --keep-db")
    parser.add_argument("--key", help="MCP key acting as the administrator (paths mcp and mcp-modern)")
    parser.add_argument("--path", choices=("floor", "mcp", "mcp-modern"), default="mcp")
    parser.add_argument("--requests", type=int, default=200, metavar="N", help="profiled requests (default 200)")
    parser.add_argument("--warmup", type=int, default=30, metavar="N", help="unprofiled requests first (default 30)")
    parser.add_argument("--profile", metavar="FILE", help="write a pyinstrument text profile to FILE")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one request")
    parser.add_argument("--addons-path", help="Odoo addons path; default: as bench_search_read.py")
    parser.add_argument("-c", "--config", help="Odoo configuration file (database connection settings)")
    return parser.parse_args(argv)


class Caller:
    """Sends the benchmark's ``search_read`` through ``odoo.http.root`` with werkzeug's test client."""

    def __init__(self, path, key, uid):
        from werkzeug.test import Client

        import odoo.http

        self.client = Client(odoo.http.root)
        self.path, self.uid, self.ids = path, uid, iter(range(1, 10 ** 9))
        self.headers = mcp_headers(key)
        if path == "mcp":
            reply = self.post("/mcp", initialize_message("profile"))
            self.headers.update({"MCP-Session-Id": reply.headers["MCP-Session-Id"],
                                 "MCP-Protocol-Version": PROTOCOL_VERSION})
            self.post("/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"})
        elif path == "mcp-modern":
            self.headers = modern_headers(key, "search_read")

    def post(self, url, payload):
        reply = self.client.post(url, data=json.dumps(payload), headers=self.headers)
        if reply.status_code >= 300:
            raise RuntimeError("%s: HTTP %s %s" % (url, reply.status_code, reply.get_data()[:500]))
        return reply

    def call(self):
        if self.path == "floor":
            reply = self.post("/bench/search_read", {"uid": self.uid, "domain": QUERY_DOMAIN,
                                                     "fields": QUERY_FIELDS, "limit": QUERY_LIMIT})
            return len(json.loads(reply.get_data()))
        meta = modern_meta("profile") if self.path == "mcp-modern" else None
        message = tool_message(next(self.ids), "search_read", SEARCH_READ_ARGUMENTS, meta)
        reply = json.loads(self.post("/mcp", message).get_data())
        result = reply.get("result") or {}
        if "error" in reply or result.get("isError"):
            raise RuntimeError("search_read failed: %s" % str(reply)[:500])
        return len(result["structuredContent"]["records"])


class StatementLog(logging.Handler):
    """Collects the statements Odoo logs at debug level on ``odoo.sql_db``."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        self.statements.append(record.getMessage().split("\n")[0][:200])


def load(args):
    """Configure Odoo for ``args.db`` as the benchmark's server runs; answers the registry."""
    import odoo

    addons_path = with_floor_addon(args.addons_path or default_addons_path())
    # -d without --db-filter, as the benchmark's server runs: Odoo uses that database without listing them.
    options = ["--addons-path=%s" % addons_path, "-d", args.db, "--max-cron-threads=0"] + (
        ["-c", args.config] if args.config else [])
    odoo.tools.config.parse_config(options)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    return odoo.modules.registry.Registry(args.db)


def count_statements(args, caller):
    """Print the statements of one request (and, with ``--show-sql``, the statements themselves)."""
    from odoo import sql_db

    before = sql_db.sql_counter
    caller.call()
    print("%s: %d SQL statements per request" % (args.path, sql_db.sql_counter - before))
    if args.show_sql:
        handler, sql_logger = StatementLog(), logging.getLogger("odoo.sql_db")
        sql_logger.addHandler(handler)
        sql_logger.setLevel(logging.DEBUG)
        caller.call()
        sql_logger.setLevel(logging.WARNING)
        sql_logger.removeHandler(handler)
        print("\n".join("  %s" % statement for statement in handler.statements if "query:" in statement))


def time_requests(args, caller):
    """CPU and wall time per request over ``--requests`` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.requests):
        caller.call()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print("%s: %.2f ms CPU (this process: client and Odoo, not PostgreSQL) and %.2f ms wall per request"
          % (args.path, cpu * 1000 / max(1, args.requests), wall * 1000 / max(1, args.requests)))


def profile_requests(args, caller):
    """A pyinstrument text profile of ``--requests`` calls, written to ``--profile``."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.requests):
        caller.call()
    profiler.stop()
    with open(args.profile, "w", encoding="utf-8") as output:
        output.write("%s: %d requests of search_read (80 partners, 3 fields), in-process via odoo.http.root\n\n"
                     % (args.path, args.requests))
        output.write(profiler.output_text(unicode=False, color=False, show_all=False))
    print("profile written to %s" % args.profile)


def main(argv=None):
    args = parse_args(argv)
    import odoo

    registry = load(args)
    if args.path != "floor" and not args.key:
        sys.exit("profile: --key is needed for path %s" % args.path)
    with registry.cursor() as cr:
        uid = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin").id
    caller = Caller(args.path, args.key, uid)
    for _ in range(args.warmup):
        caller.call()
    count_statements(args, caller)
    if args.profile:
        profile_requests(args, caller)
    else:
        time_requests(args, caller)
    return 0


if __name__ == "__main__":
    sys.exit(main())
