"""The module builder end to end: a server of its own (its generated modules folder on the addons path)
validates, builds and installs a two-model app through /mcp, works with the new models, upgrades the app
with a new field keeping its records, runs the generated module's own tests, and uninstalls it."""
import base64
import copy
import io
import os
import shlex
import shutil
import subprocess
import tempfile
import zipfile

import httpx
import psycopg2
import pytest

from conftest import ODOO_ADDONS_PATH, ODOO_BIN, ODOO_DB
from servers import ARTIFACTS, UrlClient, free_port, wait_http

SPEC = {
    "name": "e2e_equipment_loans", "title": "Equipment Loans", "summary": "Track equipment loans",
    "depends": ["mail"], "user_group": "Loans User", "manager_group": "Loans Manager",
    "models": [
        {"name": "e2e_equipment.item", "description": "Equipment", "fields": [
            {"name": "name", "type": "char", "required": True},
            {"name": "loan_ids", "type": "one2many", "comodel": "e2e_equipment.loan", "inverse": "item_id"}]},
        {"name": "e2e_equipment.loan", "description": "Equipment Loan", "mail_thread": True,
         "views": ["list", "form", "search", "kanban"], "kanban_group_by": "state", "fields": [
             {"name": "name", "type": "char", "required": True, "help": "</field><script>alert(1)</script>"},
             {"name": "item_id", "type": "many2one", "comodel": "e2e_equipment.item", "required": True},
             {"name": "state", "type": "selection", "default": "draft", "selection": [
                 {"value": "draft", "label": "Draft"}, {"value": "on_loan", "label": "On loan'); x('"}]}]},
    ],
}


def _run(command, timeout=900):
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)


@pytest.fixture(scope="module")
def builder_server():
    """A server on a database of its own with mcp_module_builder, and a generated modules folder."""
    database = "%s_builder" % ODOO_DB
    folder = tempfile.mkdtemp(prefix="generated-addons-")
    # Odoo accepts on its addons path only a folder holding a module: an uninstallable placeholder.
    os.makedirs(os.path.join(folder, "generated_modules_folder"))
    with open(os.path.join(folder, "generated_modules_folder", "__init__.py"), "w"):
        pass
    with open(os.path.join(folder, "generated_modules_folder", "__manifest__.py"), "w") as manifest:
        manifest.write("{'name': 'Generated modules folder', 'license': 'LGPL-3', 'installable': False}\n")
    addons_path = "%s,%s" % (ODOO_ADDONS_PATH, folder)
    odoo = [*shlex.split(ODOO_BIN), "--addons-path=%s" % addons_path]
    _run(["dropdb", "--if-exists", "--force", database])
    install = _run([*odoo, "-d", database, "-i", "mcp_module_builder", "--stop-after-init", "--without-demo=all",
                    "--http-port=%s" % free_port(), "--max-cron-threads=0", "--log-level=warn"])
    assert install.returncode == 0, install.stderr[-3000:]
    port = free_port()
    url = "http://127.0.0.1:%s" % port
    with psycopg2.connect(dbname=database) as connection, connection.cursor() as cr:
        for key, value in (("web.base.url", url), ("web.base.url.freeze", "True"), ("mcp_server.enabled", "True"),
                           ("mcp_module_builder.enabled", "True"), ("mcp_module_builder.folder", folder)):
            cr.execute("""INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)
                          ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""", [key, value])
    connection.close()
    os.makedirs(ARTIFACTS, exist_ok=True)
    log = open(os.path.join(ARTIFACTS, "builder-server.log"), "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([*odoo, "-d", database, "--db-filter=^%s$" % database, "--http-interface=127.0.0.1",
                               "--http-port=%s" % port, "--gevent-port=%s" % free_port(), "--workers=0",
                               "--max-cron-threads=0", "--without-demo=all"],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(url)
        yield {"url": url, "database": database, "folder": folder, "odoo": odoo, "log": log.name}
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        log.close()
        _run(["dropdb", "--if-exists", "--force", database])
        shutil.rmtree(folder, ignore_errors=True)


def _key(server, *grants):
    """A key of the administrator (a grant with unlink gives the full scope the builder's tools need)."""
    args = ["--login", "admin", "--name", "builder e2e"]
    for grant in grants:
        args += ["--grant", grant]
    process = _run([*server["odoo"], "mcp-key", "-d", server["database"], *args], timeout=180)
    assert process.returncode == 0, process.stderr[-3000:]
    return process.stdout.strip().splitlines()[-1]


def _client(server, secret):
    client = UrlClient(secret, server["url"] + "/mcp")
    client.http.timeout = httpx.Timeout(300)
    client.initialize()
    return client


def _resource_zip(client, uri):
    contents = client.request("resources/read", {"uri": uri})["contents"][0]
    assert contents["mimeType"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(base64.b64decode(contents["blob"])))


def _jsonrpc(server, model, method, *args):
    response = httpx.post(server["url"] + "/jsonrpc", timeout=300, json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [server["database"], 2, "admin", model, method, list(args)]}})
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]


def test_build_install_use_upgrade_uninstall(builder_server):
    server = builder_server
    admin = _client(server, _key(server, "res.partner.category:read,create,write,unlink"))
    assert admin.ok("validate_module_spec", spec=SPEC)["valid"] is True
    built = admin.ok("build_module", spec=SPEC)
    archive = _resource_zip(admin, built["uri"])
    assert "e2e_equipment_loans/models/e2e_equipment_loan.py" in archive.namelist()

    installed = admin.ok("install_module", build_id=built["build_id"])
    assert installed["state"] == "installed"
    assert installed["models"] == ["e2e_equipment.item", "e2e_equipment.loan"]
    assert "Equipment Loans/Equipment Loan" in installed["menus"]
    assert os.path.isfile(os.path.join(server["folder"], "e2e_equipment_loans", "__manifest__.py"))

    grants = ["e2e_equipment.item:read,create,write", "e2e_equipment.loan:read,create,write"]
    user = _client(server, _key(server, *grants))
    item = user.ok("create", model="e2e_equipment.item", values={"name": "Drill"})["id"]
    loan = user.ok("create", model="e2e_equipment.loan", values={"name": "Loan 1", "item_id": item})["id"]
    rows = user.ok("search_read", model="e2e_equipment.loan", domain=[["item_id", "=", item]],
                   fields=["name", "state", "item_id"])["records"]
    assert [(row["id"], row["name"], row["state"]) for row in rows] == [(loan, "Loan 1", "draft")]

    upgraded_spec = copy.deepcopy(SPEC)
    upgraded_spec["version"] = "1.1.0"
    upgraded_spec["models"][1]["fields"].append({"name": "days", "type": "integer", "default": 7})
    rebuilt = admin.ok("build_module", spec=upgraded_spec)
    assert rebuilt["upgrade"] is True
    assert "already installed" in admin.fails("install_module", build_id=rebuilt["build_id"])
    upgraded = admin.ok("upgrade_module", build_id=rebuilt["build_id"])
    assert upgraded["state"] == "installed"
    user = _client(server, _key(server, *grants))
    rows = user.ok("search_read", model="e2e_equipment.loan", domain=[], fields=["name", "days"])["records"]
    assert [(row["id"], row["name"], row["days"]) for row in rows] == [(loan, "Loan 1", 7)]
    listed = admin.ok("list_generated_modules")["modules"]
    assert [(m["name"], m["version"], m["spec_hash"]) for m in listed] == [
        ("e2e_equipment_loans", "1.1.0", rebuilt["spec_hash"])]

    with psycopg2.connect(dbname=server["database"]) as connection, connection.cursor() as cr:
        cr.execute("SELECT tool, status, module_spec_hash FROM mcp_audit_log WHERE tool IN "
                   "('install_module', 'upgrade_module') ORDER BY id")
        audited = cr.fetchall()
    connection.close()
    assert audited == [("install_module", "success", built["spec_hash"]),
                       ("install_module", "tool_error", rebuilt["spec_hash"]),
                       ("upgrade_module", "success", rebuilt["spec_hash"])]
    module_ids = _jsonrpc(server, "ir.module.module", "search", [["name", "=", "e2e_equipment_loans"]])
    _jsonrpc(server, "ir.module.module", "button_immediate_uninstall", module_ids)
    assert _jsonrpc(server, "ir.model", "search", [["model", "like", "e2e_equipment."]]) == []


def test_generated_module_tests_pass(builder_server):
    """The generated module's own tests, run by Odoo with --test-enable on a database of their own."""
    server = builder_server
    admin = _client(server, _key(server, "res.partner.category:read,create,write,unlink"))
    spec = dict(copy.deepcopy(SPEC), name="e2e_equipment_tests")
    for model in spec["models"]:
        model["name"] = model["name"].replace("e2e_equipment.", "e2e_tested.")
        for field in model["fields"]:
            if "comodel" in field:
                field["comodel"] = field["comodel"].replace("e2e_equipment.", "e2e_tested.")
    # A required link to an existing model that has no record yet in a fresh database: the test makes one.
    spec["models"][1]["fields"].append({"name": "tag_id", "type": "many2one", "comodel": "res.partner.category",
                                        "required": True})
    built = admin.ok("build_module", spec=spec)
    archive = _resource_zip(admin, built["uri"])
    folder = tempfile.mkdtemp(prefix="generated-tests-")
    database = "%s_generated" % server["database"]
    try:
        archive.extractall(folder)
        result = _run([*shlex.split(ODOO_BIN), "--addons-path=%s,%s" % (ODOO_ADDONS_PATH, folder), "-d", database,
                       "-i", "e2e_equipment_tests", "--test-enable", "--test-tags=/e2e_equipment_tests",
                       "--stop-after-init", "--without-demo=all", "--http-port=%s" % free_port(),
                       "--max-cron-threads=0", "--log-level=test"])
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-3000:]
        assert "0 failed, 0 error(s) of 2 tests" in output, output[-3000:]
    finally:
        _run(["dropdb", "--if-exists", "--force", database])
        shutil.rmtree(folder, ignore_errors=True)
