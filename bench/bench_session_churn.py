#!/usr/bin/env python3
"""Does MCP session churn slow down the people using Odoo's web client?

MCP clients open and close sessions all day (``initialize`` then ``DELETE /mcp``). Whatever those requests
do to shared state (caches flushed in every worker, rows locked) is paid by everybody else. This script
measures an Odoo user's ``/web/dataset/call_kw`` (``res.partner.search_read`` through a logged-in web
session) with and without 100 MCP session openings and closings per minute (protocol 2025-11-25) in the
background, in one run against the same server, with the same plain HTTP client.

It creates a database (``mcp_server`` without demo data, 2 000 partners, an MCP key made with
``odoo-bin mcp-key``), starts ``odoo-bin`` on a free local port (``--workers``, 2 by default so that
cache invalidation has to cross workers), alternates measured slices without and with churn
(``--rounds``) so that a change of load on the machine weighs on both alike, prints p50/p95/p99, stops the
server and drops the database. ``--profile-edits-per-minute`` adds access profile edits to the churn.

Example::

    python3 bench/bench_session_churn.py --requests 600 --workers 2
"""
import argparse
import itertools
import json
import sys
import threading
import time

from benchlib.database import BenchDatabase, add_database_options, add_odoo_options
from benchlib.http_client import PROTOCOL_VERSION, QUERY_DOMAIN, QUERY_FIELDS, QUERY_LIMIT, HttpClient, open_session
from benchlib.odoo_side import log, machine_description
from benchlib.partners import populate
from benchlib.stats import latency_ms, markdown_table

ADMIN_PASSWORD = "admin"  # what a database created without demo data gives the administrator
COLUMNS = [("Condition", "%s"), ("p50 (ms)", "%.2f"), ("p95 (ms)", "%.2f"), ("p99 (ms)", "%.2f")]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_options(parser)
    parser.add_argument("--requests", type=int, default=600, metavar="N",
                        help="measured web requests per condition (default: 600)")
    parser.add_argument("--warmup", type=int, default=50, metavar="N", help="unmeasured web requests (default: 50)")
    parser.add_argument("--rounds", type=int, default=6, metavar="N",
                        help="alternate the two conditions in N slices each (default: 6)")
    parser.add_argument("--churn-per-minute", type=int, default=100, metavar="N",
                        help="MCP session openings and closings per minute during churn (default: 100)")
    parser.add_argument("--profile-edits-per-minute", type=int, default=0, metavar="N",
                        help="also rename the key's access profile N times a minute during churn, as an "
                             "administrator in the web client would (default: 0)")
    parser.add_argument("--workers", type=int, default=2, help="0 = threaded, N = prefork with N workers (default 2)")
    parser.add_argument("--http-port", type=int, help="port of the server (default: a free one)")
    add_odoo_options(parser)
    args = parser.parse_args(argv)
    if min(args.requests, args.rounds, args.churn_per_minute) < 1 or args.warmup < 0 or args.workers < 0:
        parser.error("--requests, --rounds and --churn-per-minute must be positive")
    return args


def web_session(port, db, login):
    """A client logged in to the web client, and its ``call_kw(model, method, args, kwargs)``."""
    client = HttpClient(port, keep_cookie=True)
    status, _headers, body = client.request("POST", "/web/session/authenticate", {
        "jsonrpc": "2.0", "method": "call", "params": {"db": db, "login": login, "password": ADMIN_PASSWORD}},
        {"Content-Type": "application/json"})
    if status != 200 or "error" in json.loads(body):
        raise RuntimeError("web login failed: HTTP %s %s" % (status, body[:500]))
    ids = itertools.count(1)

    def call_kw(model, method, args, kwargs):
        status, _headers, body = client.request("POST", "/web/dataset/call_kw/%s/%s" % (model, method), {
            "jsonrpc": "2.0", "method": "call", "id": next(ids), "params": {
                "model": model, "method": method, "args": args, "kwargs": dict(kwargs, context={})}},
            {"Content-Type": "application/json"})
        reply = json.loads(body)
        if status != 200 or "error" in reply:
            raise RuntimeError("call_kw %s.%s failed: HTTP %s %s" % (model, method, status, body[:500]))
        return reply["result"]
    return call_kw


def web_user(port, db, login):
    """A logged-in web client whose ``call()`` runs one ``res.partner.search_read`` through call_kw."""
    call_kw = web_session(port, db, login)

    def call():
        records = call_kw("res.partner", "search_read", [],
                          {"domain": QUERY_DOMAIN, "fields": QUERY_FIELDS, "limit": QUERY_LIMIT})
        if len(records) != QUERY_LIMIT:
            raise RuntimeError("call_kw returned %s records" % len(records))
    return call


def profile_editor(port, db, login):
    """``edit()`` renames the first access profile, as an administrator would in the web client."""
    call_kw = web_session(port, db, login)
    profile_id = call_kw("mcp.access.profile", "search", [[]], {"limit": 1})[0]
    edits = itertools.count(1)

    def edit():
        call_kw("mcp.access.profile", "write", [[profile_id], {"name": "churn profile %d" % next(edits)}], {})
    return edit


class SessionChurn(threading.Thread):
    """Opens and closes MCP sessions at a steady rate while ``active`` is set."""

    def __init__(self, port, key, per_minute, edit=None, edits_per_minute=0):
        super().__init__(daemon=True)
        # One profile edit every ``edit_every`` sessions (0: none).
        self.edit, self.edit_every = edit, edits_per_minute and max(1, round(per_minute / edits_per_minute))
        self.client, self.key = HttpClient(port, keep_cookie=True), key
        self.interval = 60.0 / per_minute
        self.active = threading.Event()
        self.stopped = threading.Event()
        self.sessions = 0
        self.error = None

    def churn_once(self):
        session = open_session(self.client, self.key, "churn", notify=False)
        status, _headers, body = self.client.request("DELETE", "/mcp", None, session)
        if status not in (200, 202, 204):
            raise RuntimeError("MCP DELETE failed: HTTP %s %s" % (status, body[:500]))
        self.sessions += 1
        if self.edit_every and self.sessions % self.edit_every == 0:
            self.edit()

    def run(self):
        next_at = time.monotonic()
        while not self.stopped.is_set():
            if not self.active.wait(0.05):
                next_at = time.monotonic()
                continue
            try:
                self.churn_once()
            except Exception as exc:  # noqa: BLE001 - reported by the main thread
                self.error = exc
                return
            next_at += self.interval
            time.sleep(max(0.0, next_at - time.monotonic()))


def measure(call, requests, rounds, churn):
    """``{condition: sorted latencies (s)}`` for "without churn" and "with churn", alternated in rounds."""
    results = {False: [], True: []}
    for index in range(rounds):
        share = requests // rounds + (1 if index < requests % rounds else 0)
        for with_churn in (False, True) if index % 2 == 0 else (True, False):
            if with_churn:
                churn.active.set()
                time.sleep(churn.interval)  # the churn is under way before the clock starts
            for _ in range(share):
                started = time.perf_counter()
                call()
                results[with_churn].append(time.perf_counter() - started)
            churn.active.clear()
            if churn.error:
                raise churn.error
    return {condition: sorted(latencies) for condition, latencies in results.items()}


def serve_and_measure(database, login, mcp_key):
    args = database.args
    with database.serve(args.workers, args.http_port) as server:
        call = web_user(server.port, args.db, login)
        editor = args.profile_edits_per_minute and profile_editor(server.port, args.db, login)
        churn = SessionChurn(server.port, mcp_key, args.churn_per_minute, editor, args.profile_edits_per_minute)
        churn.start()
        for _ in range(args.warmup):
            call()
        churn.churn_once()
        started = time.monotonic()
        results = measure(call, args.requests, args.rounds, churn)
        churn.stopped.set()
        log("%d MCP sessions opened and closed in %.0f s" % (churn.sessions, time.monotonic() - started))
        return results


def report(args, results):
    lines = [
        "Web client `call_kw` `res.partner.search_read` (%d of 2 000 partners, 3 fields), %d requests per "
        "condition in %d alternating slices, %s, while MCP sessions open and close (%d per minute, "
        "initialize + DELETE, %s%s); %s." % (
            QUERY_LIMIT, args.requests, args.rounds, "threaded" if not args.workers else "%d workers" % args.workers,
            args.churn_per_minute, PROTOCOL_VERSION,
            ", and %d access profile edits per minute" % args.profile_edits_per_minute
            if args.profile_edits_per_minute else "", machine_description()),
        "",
    ]
    rows = [(label, *latency_ms(results[with_churn]))
            for with_churn, label in ((False, "without MCP session churn"), (True, "with MCP session churn"))]
    lines += markdown_table(COLUMNS, rows)
    print("\n".join(lines))


def main(argv=None):
    args = parse_args(argv)
    with BenchDatabase(args) as database:
        database.install("mcp_server")
        _uid, login, _api_key, _paris = populate(database.odoo_side)
        mcp_key = database.mcp_key(login, name="churn")
        report(args, serve_and_measure(database, login, mcp_key))
        return 0


if __name__ == "__main__":
    sys.exit(main())
