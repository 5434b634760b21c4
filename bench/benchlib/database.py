"""A fresh database for one benchmark run: created with modules installed, served by ``odoo-bin``, dropped."""
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from .odoo_side import Odoo, default_addons_path, log, odoo_bin_command, run, with_floor_addon


def add_database_options(parser):
    """``--addons-path``, ``--db`` and ``--keep-db``."""
    parser.add_argument("--addons-path", help="Odoo addons path; default: Odoo's own addons and this repository")
    parser.add_argument("--db", help="name of the database to create (must not exist); default: a random name")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")


def add_odoo_options(parser):
    """``--odoo-bin`` and ``-c/--config``."""
    parser.add_argument("--odoo-bin", help="path of odoo-bin; default: odoo-bin on PATH, else next to the odoo package")
    parser.add_argument("-c", "--config", help="Odoo configuration file (database connection settings)")


def wait_for_server(port, proc, timeout=120):
    """Return once ``GET /web/health`` answers 200; RuntimeError when ``proc`` exits or after ``timeout`` s."""
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


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BenchDatabase:
    """Context manager of a database that must not exist yet (``args.db``, else ``<prefix>_<random>``).

    Resolves ``args.addons_path`` (plus ``bench/addons`` when ``floor``) and ``args.db``; on exit drops the
    database unless ``args.keep_db``, and on an error shows the end of the last server's log.
    """

    def __init__(self, args, prefix="mcp_bench", floor=False):
        args.addons_path = args.addons_path or default_addons_path()
        if floor:
            args.addons_path = with_floor_addon(args.addons_path)
        args.db = args.db or "%s_%s" % (prefix, uuid.uuid4().hex[:8])
        self.args, self.db = args, args.db
        self.odoo_bin = odoo_bin_command(args)
        self.common = ["--addons-path=%s" % args.addons_path] + (["-c", args.config] if args.config else [])
        self.odoo_side = Odoo(args)
        if self.odoo_side.database_exists():
            sys.exit("bench: database %r already exists; choose another --db" % args.db)
        self.created = False
        self.workdir = tempfile.mkdtemp(prefix="mcp-bench-")
        self.server_log_path = os.path.join(self.workdir, "odoo.log")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None and os.path.exists(self.server_log_path):
            with open(self.server_log_path, encoding="utf-8", errors="replace") as server_log:
                sys.stderr.write(server_log.read()[-4000:])
        if self.created and not self.args.keep_db:
            try:
                self.odoo_side.drop()
                log("dropped database %s" % self.db)
            except Exception as error:  # noqa: BLE001 - cleanup must not hide the real error
                log("could not drop database %s: %s" % (self.db, error))
        elif self.created:
            log("kept database %s" % self.db)
        shutil.rmtree(self.workdir, ignore_errors=True)
        return False

    def install(self, modules):
        """Create the database with ``modules`` (comma-separated) installed, without demo data; load its registry."""
        self.created = True
        run(self.odoo_bin + self.common + ["-d", self.db, "-i", modules, "--stop-after-init",
                                           "--without-demo=all", "--log-level=warn"],
            "create database %s and install %s" % (self.db, modules))
        self.odoo_side.load()

    def mcp_key(self, login, name="bench", grant="res.partner:read"):
        """A new MCP key acting as ``login`` (``odoo-bin mcp-key``), as text."""
        created = run(self.odoo_bin + self.common + ["mcp-key", "-d", self.db, "--login", login, "--name", name,
                                                     "--grant", grant], "create MCP key")
        return created.strip().splitlines()[-1]

    def serve(self, workers=0, port=None):
        """A :class:`Server` of this database (a context manager)."""
        return Server(self, workers, port or free_port())


class Server:
    """``odoo-bin`` serving a :class:`BenchDatabase` on 127.0.0.1:``port`` while the ``with`` block runs."""

    def __init__(self, database, workers, port):
        self.database, self.workers, self.port = database, workers, port
        self.mode = "threaded" if not workers else "%d workers" % workers
        self.proc = None

    def __enter__(self):
        database = self.database
        with open(database.server_log_path, "w", encoding="utf-8") as server_log:
            self.proc = subprocess.Popen(
                database.odoo_bin + database.common + [
                    "-d", database.db, "--http-interface=127.0.0.1", "--http-port=%d" % self.port,
                    "--workers=%d" % self.workers, "--max-cron-threads=0", "--log-level=warn"],
                stdout=server_log, stderr=subprocess.STDOUT)
        try:
            wait_for_server(self.port, self.proc)
        except BaseException:
            self.stop()
            raise
        log("odoo-bin serving on 127.0.0.1:%d (%s)" % (self.port, self.mode))
        return self

    def __exit__(self, exc_type, exc, traceback):
        self.stop()
        return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
