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
import http.client
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from bench_search_read import (
    PROTOCOL_VERSION,
    QUERY_DOMAIN,
    QUERY_FIELDS,
    QUERY_LIMIT,
    Odoo,
    default_addons_path,
    free_port,
    log,
    machine_description,
    odoo_bin_command,
    percentile,
    run,
    wait_for_server,
)

ADMIN_PASSWORD = "admin"  # what a database created without demo data gives the administrator


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", help="Odoo addons path; default: Odoo's own addons and this repository")
    parser.add_argument("--db", help="name of the database to create (must not exist); default: a random name")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
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
    parser.add_argument("--odoo-bin", help="path of odoo-bin; default: odoo-bin on PATH")
    parser.add_argument("-c", "--config", help="Odoo configuration file (database connection settings)")
    args = parser.parse_args(argv)
    if min(args.requests, args.rounds, args.churn_per_minute) < 1 or args.warmup < 0 or args.workers < 0:
        parser.error("--requests, --rounds and --churn-per-minute must be positive")
    return args


class Client:
    """One plain HTTP/1.1 connection (reconnects when the server closes it), keeping the session cookie."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = None

    def request(self, method, path, payload=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = json.dumps(payload) if payload is not None else None
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie and cookie.startswith("session_id="):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.headers, data


def web_session(port, db, login):
    """A client logged in to the web client, and its ``call_kw(model, method, args, kwargs)``."""
    client = Client(port)
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
        self.client = Client(port)
        self.headers = {"Authorization": "Bearer %s" % key, "Content-Type": "application/json",
                        "Accept": "application/json, text/event-stream"}
        self.interval = 60.0 / per_minute
        self.active = threading.Event()
        self.stopped = threading.Event()
        self.sessions = 0
        self.error = None

    def churn_once(self):
        status, headers, body = self.client.request("POST", "/mcp", {
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                       "clientInfo": {"name": "churn", "version": "1.0"}}}, self.headers)
        if status != 200:
            raise RuntimeError("MCP initialize failed: HTTP %s %s" % (status, body[:500]))
        session = dict(self.headers, **{"MCP-Session-Id": headers["MCP-Session-Id"],
                                        "MCP-Protocol-Version": PROTOCOL_VERSION})
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


def serve_and_measure(args, odoo_bin, common, login, mcp_key, server_log):
    port = args.http_port or free_port()
    server = subprocess.Popen(
        odoo_bin + common + ["-d", args.db, "--http-interface=127.0.0.1", "--http-port=%d" % port,
                             "--workers=%d" % args.workers, "--max-cron-threads=0", "--log-level=warn"],
        stdout=server_log, stderr=subprocess.STDOUT)
    try:
        wait_for_server(port, server)
        log("odoo-bin serving on 127.0.0.1:%d (%s)" % (
            port, "threaded" if not args.workers else "%d workers" % args.workers))
        call = web_user(port, args.db, login)
        editor = args.profile_edits_per_minute and profile_editor(port, args.db, login)
        churn = SessionChurn(port, mcp_key, args.churn_per_minute, editor, args.profile_edits_per_minute)
        churn.start()
        for _ in range(args.warmup):
            call()
        churn.churn_once()
        started = time.monotonic()
        results = measure(call, args.requests, args.rounds, churn)
        churn.stopped.set()
        log("%d MCP sessions opened and closed in %.0f s" % (churn.sessions, time.monotonic() - started))
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
        "| Condition | p50 (ms) | p95 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|",
    ]
    for with_churn, label in ((False, "without MCP session churn"), (True, "with MCP session churn")):
        latencies = results[with_churn]
        lines.append("| %s | %.2f | %.2f | %.2f |" % (label, percentile(latencies, 50) * 1000,
                                                   percentile(latencies, 95) * 1000, percentile(latencies, 99) * 1000))
    print("\n".join(lines))


def main(argv=None):
    args = parse_args(argv)
    args.addons_path = args.addons_path or default_addons_path()
    args.db = args.db or "mcp_bench_%s" % uuid.uuid4().hex[:8]
    odoo_bin = odoo_bin_command(args)
    common = ["--addons-path=%s" % args.addons_path] + (["-c", args.config] if args.config else [])
    odoo_side = Odoo(args)
    if odoo_side.database_exists():
        sys.exit("bench: database %r already exists; choose another --db" % args.db)
    created = False
    with tempfile.TemporaryFile("w+", encoding="utf-8") as server_log:
        try:
            created = True
            run(odoo_bin + common + ["-d", args.db, "-i", "mcp_server", "--stop-after-init", "--without-demo=all",
                                     "--log-level=warn"], "create database %s and install mcp_server" % args.db)
            odoo_side.load()
            _uid, login, _api_key, _paris = odoo_side.populate()
            created_key = run(odoo_bin + common + ["mcp-key", "-d", args.db, "--login", login, "--name", "churn",
                                                   "--grant", "res.partner:read"], "create MCP key")
            mcp_key = created_key.strip().splitlines()[-1]
            report(args, serve_and_measure(args, odoo_bin, common, login, mcp_key, server_log))
            return 0
        except Exception:
            server_log.seek(0)
            sys.stderr.write(server_log.read()[-4000:])
            raise
        finally:
            if created and not args.keep_db:
                odoo_side.drop()
                log("dropped database %s" % args.db)


if __name__ == "__main__":
    sys.exit(main())
