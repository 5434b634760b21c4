"""Odoo from the benchmark's side: where it is, running ``odoo-bin`` commands, and the in-process registry."""
import logging
import os
import platform
import shutil
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# ``odoo`` is imported inside functions, after the command line is parsed, so that --help works anywhere.


def log(message):
    """One progress line on stderr (the results go to stdout)."""
    print("[bench] %s" % message, file=sys.stderr, flush=True)


def default_addons_path():
    """Odoo's own addons (package and, in a git checkout, the sibling ``addons``) and this repository."""
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
    """The command list that runs odoo-bin: ``--odoo-bin``, else odoo-bin on PATH, else next to the package."""
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


def run(cmd, what):
    """Run ``cmd`` to completion and answer its stdout; a failure shows its stderr and raises RuntimeError."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise RuntimeError("%s failed (exit %s)" % (what, proc.returncode))
    log("%s: %.1f s" % (what, time.perf_counter() - started))
    return proc.stdout


def machine_description():
    """``"N cores (CPU model), Python X.Y.Z"`` for the tables' captions."""
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


class Odoo:
    """The in-process side: configuration, registry, environments, database drop."""

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

    def admin_api_key(self, cr):
        """``(uid, login, Odoo API key)`` of the administrator."""
        admin = self.env(cr).ref("base.user_admin")
        api_key = self.env(cr, admin.id)["res.users.apikeys"]._generate(None, "bench", None)
        return admin.id, admin.login, api_key

    def drop(self):
        from odoo.service import db as db_service

        if self.registry is not None:
            self.registry.delete(self.db)
            self.registry = None
        db_service.exp_drop(self.db)
