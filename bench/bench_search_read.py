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
import http.client
import itertools
import json
import logging
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import xmlrpc.client

QUERY_DOMAIN = [["city", "=", "Paris"]]
QUERY_FIELDS = ["id", "name", "email"]
QUERY_LIMIT = 80
PARTNERS = 2000
PROTOCOL_VERSION = "2025-11-25"
MODERN_PROTOCOL_VERSION = "2026-07-28"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# ``odoo`` is imported inside functions, after the command line is parsed, so that --help works anywhere.


def log(message):
    print("[bench] %s" % message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------
# Setup
# ----------------------------------------------------------------------
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", help="Odoo addons path; default: Odoo's own addons and this repository")
    parser.add_argument("--db", help="name of the database to create (must not exist); default: a random name")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
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
    parser.add_argument("--odoo-bin", help="path of odoo-bin; default: odoo-bin on PATH, else next to the odoo package")
    parser.add_argument("-c", "--config", help="Odoo configuration file (database connection settings)")
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


def default_addons_path():
    import odoo

    package_dir = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [os.path.join(package_dir, "addons")]
    sibling = os.path.join(os.path.dirname(package_dir), "addons")  # git checkout layout
    if os.path.isdir(sibling):
        paths.append(sibling)
    paths.append(REPO_ROOT)
    return ",".join(paths)


def with_floor_addon(addons_path):
    """The addons path plus bench/addons (the benchmark-only floor route), when not already in it."""
    floor = os.path.join(REPO_ROOT, "bench", "addons")
    listed = {os.path.realpath(p.strip()) for p in addons_path.split(",") if p.strip()}
    return addons_path if os.path.realpath(floor) in listed else "%s,%s" % (addons_path, floor)


def odoo_bin_command(args):
    if args.odoo_bin:
        return [args.odoo_bin]
    found = shutil.which("odoo-bin")
    if found:
        return [found]
    import odoo

    candidate = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))), "odoo-bin")
    if os.path.isfile(candidate):
        return [sys.executable, candidate]
    sys.exit("bench: odoo-bin not found; pass --odoo-bin")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd, what):
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise RuntimeError("%s failed (exit %s)" % (what, proc.returncode))
    log("%s: %.1f s" % (what, time.perf_counter() - started))
    return proc.stdout


class Odoo:
    """The in-process side: configuration, registry, data, keys, database drop."""

    def __init__(self, args):
        import odoo

        self.odoo = odoo
        options = ["--addons-path=%s" % args.addons_path, "-d", args.db]
        if args.config:
            options += ["-c", args.config]
        odoo.tools.config.parse_config(options)
        logging.getLogger("odoo").setLevel(logging.WARNING)
        self.db = args.db
        self.registry = None

    def database_exists(self):
        with self.odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.db,))
            return bool(cr.fetchone())

    def load(self):
        from odoo.modules.registry import Registry

        self.registry = Registry(self.db)

    def env(self, cr, uid=None):
        from odoo import SUPERUSER_ID, api

        return api.Environment(cr, uid or SUPERUSER_ID, {})

    def populate(self):
        cities = ["Paris", "Lyon", "Marseille", "Brussels", "Berlin", "Madrid", "Rome", "Lisbon", "Vienna", "Prague"]
        values = [{
            "name": "Bench Partner %04d" % i,
            "email": "partner%04d@example.com" % i,
            "city": cities[i % len(cities)],
            "is_company": i % 5 == 0,
        } for i in range(PARTNERS)]
        with self.registry.cursor() as cr:
            env = self.env(cr)
            env["res.partner"].create(values)
            admin = env.ref("base.user_admin")
            api_key = self.env(cr, admin.id)["res.users.apikeys"]._generate(None, "bench", None)
            paris = env["res.partner"].search_count([("city", "=", "Paris")])
            return admin.id, admin.login, api_key, paris

    def drop(self):
        from odoo.service import db as db_service

        if self.registry is not None:
            self.registry.delete(self.db)
            self.registry = None
        db_service.exp_drop(self.db)


# ----------------------------------------------------------------------
# Clients: each ``make_*`` returns a factory of per-thread callables
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


class HttpClient:
    """One client thread's HTTP connection (http.client reconnects when the server closes it)."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path, payload, headers):
        self.conn.request("POST", path, body=json.dumps(payload), headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        return response.status, response.headers, body


def make_mcp(port, key):
    def factory():
        client = HttpClient(port)
        headers = {
            "Authorization": "Bearer %s" % key,
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        }
        status, reply_headers, body = client.post("/mcp", {
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                       "clientInfo": {"name": "bench", "version": "1.0"}},
        }, headers)
        if status != 200:
            raise RuntimeError("MCP initialize failed: HTTP %s %s" % (status, body[:500]))
        headers["MCP-Session-Id"] = reply_headers["MCP-Session-Id"]
        headers["MCP-Protocol-Version"] = PROTOCOL_VERSION
        client.post("/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, headers)
        ids = itertools.count(1)

        def call():
            status, _headers, body = client.post("/mcp", {
                "jsonrpc": "2.0", "id": next(ids), "method": "tools/call",
                "params": {"name": "search_read", "arguments": {
                    "model": "res.partner", "domain": QUERY_DOMAIN, "fields": QUERY_FIELDS, "limit": QUERY_LIMIT}},
            }, headers)
            reply = json.loads(body)
            result = reply.get("result") or {}
            if status != 200 or "error" in reply or result.get("isError"):
                raise RuntimeError("MCP search_read failed: HTTP %s %s" % (status, body[:500]))
            return len(result["structuredContent"]["records"])
        return call
    return factory


def make_mcp_modern(port, key):
    """The same call in the 2026-07-28 era: no session, version and client in every request's _meta."""
    def factory():
        client = HttpClient(port)
        headers = {
            "Authorization": "Bearer %s" % key, "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": MODERN_PROTOCOL_VERSION,
            "Mcp-Method": "tools/call", "Mcp-Name": "search_read",
        }
        meta = {"io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL_VERSION,
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1.0"}}
        ids = itertools.count(1)

        def call():
            status, _headers, body = client.post("/mcp", {
                "jsonrpc": "2.0", "id": next(ids), "method": "tools/call",
                "params": {"name": "search_read", "_meta": meta, "arguments": {
                    "model": "res.partner", "domain": QUERY_DOMAIN, "fields": QUERY_FIELDS, "limit": QUERY_LIMIT}},
            }, headers)
            reply = json.loads(body)
            result = reply.get("result") or {}
            if status != 200 or "error" in reply or result.get("isError"):
                raise RuntimeError("MCP 2026-07-28 search_read failed: HTTP %s %s" % (status, body[:500]))
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
def percentile(sorted_values, pct):
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil without floats
    return sorted_values[int(rank) - 1]


def prepare(factory, warmup, concurrency):
    """One per-thread callable per client thread (sessions and connections set up outside the clock), warmed up."""
    calls = [factory() for _ in range(concurrency)]
    for call in calls:
        for _ in range(max(1, warmup // concurrency)):
            count = call()
            if count != QUERY_LIMIT:
                raise RuntimeError("expected %s records, got %s" % (QUERY_LIMIT, count))
    return calls


def measure(calls, requests):
    """Run ``requests`` calls spread over the client threads; return latencies (s) and wall time."""
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


def measure_interleaved(paths, requests, warmup, concurrency, rounds):
    """Measure every path in ``rounds`` interleaved slices, so that a change of load on the machine
    during the run weighs on all paths alike. Returns {name: (sorted latencies, total wall time)}."""
    prepared = [(name, prepare(factory, warmup, concurrency)) for name, factory in paths]
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


def wait_for_server(port, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("odoo-bin exited with code %s" % proc.returncode)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/web/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("odoo-bin did not answer on port %s within %s s" % (port, timeout))


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s cores (%s), Python %s" % (os.cpu_count(), cpu, platform.python_version())


def main(argv=None):
    args = parse_args(argv)
    args.addons_path = with_floor_addon(args.addons_path or default_addons_path())
    args.db = args.db or "mcp_bench_%s" % uuid.uuid4().hex[:8]
    odoo_bin = odoo_bin_command(args)
    common = ["--addons-path=%s" % args.addons_path] + (["-c", args.config] if args.config else [])

    odoo_side = Odoo(args)
    if odoo_side.database_exists():
        sys.exit("bench: database %r already exists; choose another --db" % args.db)

    server = None
    workdir = tempfile.mkdtemp(prefix="mcp-bench-")
    server_log_path = os.path.join(workdir, "odoo.log")
    created = False
    try:
        created = True
        run(odoo_bin + common + ["-d", args.db, "-i", "mcp_server,mcp_bench_floor", "--stop-after-init",
                                 "--without-demo=all", "--log-level=warn"],
            "create database %s and install mcp_server, mcp_bench_floor" % args.db)
        odoo_side.load()
        uid, login, api_key, paris = odoo_side.populate()
        log("loaded %d partners (%d in Paris)" % (PARTNERS, paris))
        mcp_key = run(odoo_bin + common + ["mcp-key", "-d", args.db, "--login", login, "--name", "bench",
                                           "--grant", "res.partner:read"], "create MCP key").strip().splitlines()[-1]

        def paths_for(port):
            return [
                ("ORM (in-process)", make_orm(odoo_side, uid)),
                ("Bare Odoo route (floor)", make_floor(port, uid)),
                ("MCP tools/call (/mcp, 2025-11-25 session)", make_mcp(port, mcp_key)),
                ("MCP tools/call (/mcp, 2026-07-28 stateless)", make_mcp_modern(port, mcp_key)),
                ("Odoo /jsonrpc execute_kw", make_jsonrpc(port, args.db, uid, api_key)),
                ("Odoo XML-RPC execute_kw", make_xmlrpc(port, args.db, uid, api_key)),
            ]

        rows = []
        for workers in args.workers:
            port = free_port()
            with open(server_log_path, "w", encoding="utf-8") as server_log:
                server = subprocess.Popen(
                    odoo_bin + common + ["-d", args.db, "--http-interface=127.0.0.1", "--http-port=%d" % port,
                                         "--workers=%d" % workers, "--max-cron-threads=0", "--log-level=warn"],
                    stdout=server_log, stderr=subprocess.STDOUT)
            wait_for_server(port, server)
            mode = "threaded" if not workers else "%d workers" % workers
            log("odoo-bin serving on 127.0.0.1:%d (%s)" % (port, mode))
            paths = paths_for(port)
            for concurrency in args.concurrency:
                results = measure_interleaved(paths, args.requests, args.warmup, concurrency, args.rounds)
                for name, _factory in paths:
                    latencies, wall = results[name]
                    row = (mode, name, concurrency, percentile(latencies, 50) * 1000,
                           percentile(latencies, 95) * 1000, percentile(latencies, 99) * 1000,
                           len(latencies) / wall)
                    log("%-10s %-26s c=%-2d p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  %7.1f req/s" % row)
                    rows.append(row)
            server.terminate()
            server.wait(timeout=60)
            server = None

        lines = [
            "`search_read` of %d `res.partner` (3 fields, domain `city = Paris`) among %d partners; "
            "%d requests per row (paths interleaved in %d rounds) after %d warm-up; %s." % (
                QUERY_LIMIT, PARTNERS, args.requests, args.rounds, args.warmup, machine_description()),
            "",
            "| Odoo | Path | Concurrency | p50 (ms) | p95 (ms) | p99 (ms) | Throughput (req/s) |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        lines += ["| %s | %s | %d | %.2f | %.2f | %.2f | %.1f |" % row for row in rows]
        table = "\n".join(lines)
        print(table)
        if args.output:
            os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
            with open(args.output, "w", encoding="utf-8") as output:
                output.write(table + "\n")
        return 0
    except Exception:
        if os.path.exists(server_log_path):
            with open(server_log_path, encoding="utf-8", errors="replace") as server_log:
                sys.stderr.write(server_log.read()[-4000:])
        raise
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if created and not args.keep_db:
            try:
                odoo_side.drop()
                log("dropped database %s" % args.db)
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the real error
                log("could not drop database %s: %s" % (args.db, exc))
        elif created:
            log("kept database %s" % args.db)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
