"""The official MCP conformance suite's authorization-server scenarios against the live server.

``conformance authorization`` runs ``authorization-server-metadata-endpoint`` and then
``authorization-code-grant``, which needs a registered client (``--client-id``, a public client here,
registered like any application through dynamic registration with the suite's loopback callback) and a
person who logs in: the suite prints the authorization URL and waits for its callback. Chromium, driven
by Playwright, plays that person (Odoo login, then "Allow" on the consent page), exactly as a browser
opened on that URL would; the suite then checks the authorization response and the token response.
"""
import glob
import json
import os
import subprocess

import anyio
import pytest

from conftest import MCP_URL, ODOO_URL, TAG
from oauth_helpers import browser_page, log_in_and_decide, oauth_user, register_client  # noqa: F401 (fixture)
from servers import ARTIFACTS, free_port

pytestmark = pytest.mark.anyio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def conformance_bin():
    """The folder holding Node 22 and the ``conformance`` command (installed on first use)."""
    process = subprocess.run([os.path.join(ROOT, "tests", "conformance", "ensure-conformance")],
                             capture_output=True, text=True, timeout=900, check=False)
    if process.returncode != 0:
        pytest.fail("cannot install the conformance suite:\n%s" % process.stderr[-2000:])
    return process.stdout.strip().splitlines()[-1]


async def test_authorization_server_scenarios(oauth_user, tmp_path):
    bin_dir = conformance_bin()
    port = free_port()
    client = register_client("http://127.0.0.1:%s/callback" % port, name="Conformance suite")
    output = tmp_path / "results"
    command = [os.path.join(bin_dir, "conformance"), "authorization", "--url", ODOO_URL,
               "--client-id", client["client_id"], "--port", str(port), "--resource", MCP_URL,
               "--output-dir", str(output)]
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), NO_COLOR="1")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    try:
        # The suite prints the authorization URL a person would open, then waits for the callback.
        url = None
        while url is None:
            line = await anyio.to_thread.run_sync(process.stdout.readline)
            if not line:
                break
            lines.append(line)
            if line.startswith(ODOO_URL + "/oauth/authorize?"):
                url = line.strip()
        assert url, "the suite printed no authorization URL:\n" + "".join(lines)
        async with browser_page() as page:
            assert await log_in_and_decide(page, url, oauth_user), "no consent page"
        rest, _ = await anyio.to_thread.run_sync(lambda: process.communicate(timeout=300))
        lines.append(rest)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    report = "".join(lines)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "conformance-authorization-%s.log" % TAG), "w") as log:
        log.write(report)
    checks = {}
    for path in glob.glob(str(output / "**" / "checks.json"), recursive=True):
        with open(path) as file:
            for check in json.load(file):
                checks[check["id"]] = check
    failed = {name: check.get("errorMessage") for name, check in checks.items() if check["status"] != "SUCCESS"}
    assert not failed, "conformance checks not passed: %s\n%s" % (failed, report[-3000:])
    assert {"authorization-server-metadata", "authorization-server-metadata-cimd",
            "authorization-code-grant"} <= set(checks), report[-3000:]
    assert process.returncode == 0, report[-3000:]
    # The authorization response the suite received named this server as issuer (RFC 9207).
    assert "iss=" in checks["authorization-code-grant"]["details"]["authorizationResponseUrl"]
