"""The official MCP conformance suite (@modelcontextprotocol/conformance, ``--requirements REVISION``).

It runs against a server of its own: a separate database with mcp_server and the test-only addon
mcp_conformance_fixtures (the tools, resources and prompts the suite calls), which is never installed in
the main test database because other suites count the tools a key sees. The suite cannot send a bearer
key, so it talks to a small local proxy that adds the key and keeps the Host header as received; the
database's public URL (web.base.url) is the proxy's, as an administrator would set it behind a proxy.
Every required scenario of a revision must pass, and so must the Skills extension's server scenarios
(``sep-2640-*``, modern era): the key reaches partners, so the customer onboarding skill is listed. A revision's
run also runs scenarios it does not score (pending upstream); those listed in ``OPTIONAL_SCENARIOS`` must pass
with every check a success: JSON Schema 2020-12 keywords passed on unchanged, and the mirrored request headers
(``Mcp-Method``/``Mcp-Name``, and ``Mcp-Param-*`` of a fixture tool declaring ``x-mcp-header``).
"""
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import psycopg2
import pytest

from conftest import ODOO_ADDONS_PATH, ODOO_BIN, ODOO_DB
from servers import ARTIFACTS, free_port, wait_http

HERE = os.path.dirname(os.path.abspath(__file__))
REVISIONS = {"2025-11-25": 30, "2026-07-28": 37}
OPTIONAL_SCENARIOS = {"2025-11-25": ("json-schema-2020-12",),
                      "2026-07-28": ("json-schema-2020-12", "http-header-validation",
                                     "http-custom-header-server-validation")}
# Extension scenarios, run one by one in the modern era. The server does not declare the optional
# directoryRead setting, so the directory scenario's checks are skipped (not failed) by design.
SKILLS_SCENARIOS = {"sep-2640-skills-enumeration": False, "sep-2640-skills-manifest": False,
                    "sep-2640-skills-directory": True}
# The Tasks extension's scenarios (SEP-2663); the status-notifications one is skipped by the suite itself
# (its harness is being rewritten), so a SKIPPED check passes there.
TASKS_SCENARIOS = {"tasks-lifecycle": False, "tasks-capability-negotiation": False, "tasks-wire-fields": False,
                   "tasks-request-state-removal": False, "tasks-mrtr-input": False, "tasks-request-headers": False,
                   "tasks-dispatch-and-envelope": False, "tasks-status-notifications": True,
                   "tasks-required-task-error": False, "tasks-mrtr-composition": False}


def _run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


@pytest.fixture(scope="module")
def conformance_bin():
    process = _run([os.path.join(HERE, "conformance", "ensure-conformance")], timeout=900)
    assert process.returncode == 0, "cannot install the conformance suite:\n%s" % process.stderr[-3000:]
    return process.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def fixtures_server():
    """A server on a database of its own with the fixtures addon, behind the bearer proxy."""
    database = "%s_conformance" % ODOO_DB
    odoo = [*shlex.split(ODOO_BIN), "--addons-path=%s" % ODOO_ADDONS_PATH]
    os.makedirs(ARTIFACTS, exist_ok=True)
    _run(["dropdb", "--if-exists", "--force", database])
    install = _run([*odoo, "-d", database, "-i", "mcp_server,mcp_conformance_fixtures", "--stop-after-init",
                    "--without-demo=all", "--http-port=%s" % free_port(), "--max-cron-threads=0",
                    "--log-level=warn"], timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    odoo_port, proxy_port = free_port(), free_port()
    with psycopg2.connect(dbname=database) as connection, connection.cursor() as cr:
        cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = 'web.base.url'",
                   ["http://127.0.0.1:%s" % proxy_port])
        cr.execute("""INSERT INTO ir_config_parameter (key, value) VALUES ('web.base.url.freeze', 'True')
                      ON CONFLICT (key) DO UPDATE SET value = 'True'""")
    connection.close()
    key = _run([*odoo, "mcp-key", "-d", database, "--login", "admin", "--name", "conformance suite",
                "--grant", "res.partner:read,create,write"], timeout=180)
    assert key.returncode == 0, key.stderr[-3000:]
    secret = key.stdout.strip().splitlines()[-1]
    log = open(os.path.join(ARTIFACTS, "conformance-server.log"), "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([*odoo, "-d", database, "--db-filter=^%s$" % database, "--http-interface=127.0.0.1",
                               "--http-port=%s" % odoo_port, "--gevent-port=%s" % free_port(), "--workers=0",
                               "--max-cron-threads=1", "--without-demo=all"],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proxy = subprocess.Popen([sys.executable, os.path.join(HERE, "conformance", "bearer_proxy.py"), str(proxy_port),
                              "http://127.0.0.1:%s" % odoo_port, secret], start_new_session=True)
    try:
        wait_http("http://127.0.0.1:%s" % odoo_port)
        yield {"url": "http://127.0.0.1:%s/mcp" % proxy_port, "log": log.name}
    finally:
        for process in (proxy, server):
            os.killpg(process.pid, 15)
            process.wait(timeout=60)
        log.close()
        _run(["dropdb", "--if-exists", "--force", database])


def required_scenarios(conformance, revision, env):
    listing = _run([conformance, "list", "--requirements", revision], env=env, timeout=120).stdout
    server_part = listing.split("Server scenarios", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\s+- (\S+)", server_part, re.MULTILINE)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("revision", sorted(REVISIONS))
def test_every_required_scenario_passes(conformance_bin, fixtures_server, revision):
    env = dict(os.environ, PATH="%s:%s" % (conformance_bin, os.environ["PATH"]))
    conformance = os.path.join(conformance_bin, "conformance")
    required = required_scenarios(conformance, revision, env)
    assert len(required) == REVISIONS[revision]
    output_dir = os.path.join(ARTIFACTS, "conformance-%s" % revision)
    shutil.rmtree(output_dir, ignore_errors=True)  # one checks.json per scenario: this run's
    process = _run([conformance, "server", "--url", fixtures_server["url"], "--requirements", revision,
                    "-o", output_dir], env=env, timeout=840, cwd=ARTIFACTS)
    with open(os.path.join(ARTIFACTS, "conformance-%s.log" % revision), "w", encoding="utf-8") as report:
        report.write(process.stdout + process.stderr)
    passed = set(re.findall(r"^✓ (\S+):", process.stdout, re.MULTILINE))
    failed = [name for name in required if name not in passed]
    print("conformance %s: %s/%s required scenarios pass" % (revision, len(required) - len(failed), len(required)))
    assert not failed, "required scenarios failing for %s: %s (see test-artifacts/conformance-%s.log)" % (
        revision, ", ".join(failed), revision)
    assert process.returncode == 0, process.stdout[-3000:]
    for scenario in OPTIONAL_SCENARIOS[revision]:
        statuses = check_statuses(output_dir, scenario)
        assert statuses and set(statuses) == {"SUCCESS"}, "%s (%s): %s" % (scenario, revision, statuses)
    with open(fixtures_server["log"], encoding="utf-8") as log:
        errors = [line for line in log if re.match(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", line)]
    assert not errors, "the server logged errors during the suite:\n%s" % "".join(errors[:10])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("scenario", sorted(SKILLS_SCENARIOS))
def test_skills_extension_scenarios_pass(conformance_bin, fixtures_server, scenario):
    run_extension_scenario(conformance_bin, fixtures_server, scenario, SKILLS_SCENARIOS[scenario])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("scenario", sorted(TASKS_SCENARIOS))
def test_tasks_extension_scenarios_pass(conformance_bin, fixtures_server, scenario):
    """Background tools followed as tasks through the job runner (the server runs one cron thread)."""
    run_extension_scenario(conformance_bin, fixtures_server, scenario, TASKS_SCENARIOS[scenario])


def check_statuses(output_dir, scenario):
    """The status of every check of one scenario in a run's output folder (``[]`` when it did not run)."""
    found = glob.glob(os.path.join(output_dir, "server-%s-*" % scenario, "checks.json"))
    statuses = []
    for path in found:
        with open(path, encoding="utf-8") as checks:
            statuses += [check["status"] for check in json.load(checks)]
    return statuses


def run_extension_scenario(conformance_bin, fixtures_server, scenario, may_skip):
    """Run one extension scenario: every check succeeds (or is skipped, when ``may_skip``)."""
    env = dict(os.environ, PATH="%s:%s" % (conformance_bin, os.environ["PATH"]))
    output_dir = os.path.join(ARTIFACTS, "conformance-%s" % scenario)
    shutil.rmtree(output_dir, ignore_errors=True)  # one checks.json: this run's
    process = _run([os.path.join(conformance_bin, "conformance"), "server", "--url", fixtures_server["url"],
                    "--scenario", scenario, "-o", output_dir], env=env, timeout=240, cwd=ARTIFACTS)
    with open(os.path.join(ARTIFACTS, "conformance-%s.log" % scenario), "w", encoding="utf-8") as report:
        report.write(process.stdout + process.stderr)
    [checks_file] = glob.glob(os.path.join(output_dir, "**", "checks.json"), recursive=True)
    with open(checks_file, encoding="utf-8") as checks:
        statuses = {check["id"]: check["status"] for check in json.load(checks)}
    allowed = {"SUCCESS", "SKIPPED"} if may_skip else {"SUCCESS"}
    assert len(statuses) > (0 if may_skip else 1), process.stdout[-3000:]
    assert {k: v for k, v in statuses.items() if v not in allowed} == {}, process.stdout[-3000:]
    assert process.returncode == 0, process.stdout[-3000:]
