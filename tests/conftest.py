"""Fixtures of the end-to-end suite: a live Odoo server, keys made with the real CLI, test data.

``./run-tests`` starts the server and sets the environment this suite reads:

ODOO_URL          base URL of the running server, e.g. http://127.0.0.1:8123
ODOO_DB           its database (PostgreSQL connection from the usual PG* variables)
ODOO_ADDONS_PATH  addons path for ``odoo-bin mcp-key``
ODOO_BIN          command that runs Odoo (default odoo-bin)
"""
import json
import os
import shlex
import subprocess
import uuid

import httpx
import psycopg2
import pytest

ODOO_URL = os.environ.get("ODOO_URL", "").rstrip("/")
ODOO_DB = os.environ.get("ODOO_DB", "")
ODOO_ADDONS_PATH = os.environ.get("ODOO_ADDONS_PATH", "")
ODOO_BIN = os.environ.get("ODOO_BIN", "odoo-bin")
MCP_URL = ODOO_URL + "/mcp"
PROTOCOL_VERSION = "2025-11-25"
# Unique per run, so the suite can also run against a database that already holds test data.
TAG = uuid.uuid4().hex[:8]

if not (ODOO_URL and ODOO_DB and ODOO_ADDONS_PATH):
    raise pytest.UsageError("The end-to-end suite runs through ./run-tests (ODOO_URL, ODOO_DB and "
                            "ODOO_ADDONS_PATH must point at a running server).")


@pytest.fixture
def anyio_backend():
    return "asyncio"


# ----------------------------------------------------------------------------------------------
# The CLI
# ----------------------------------------------------------------------------------------------
def run_cli(*args, timeout=180):
    """Run ``odoo-bin --addons-path=… mcp-key -d DB ARGS`` and return the CompletedProcess."""
    command = [*shlex.split(ODOO_BIN), "--addons-path=%s" % ODOO_ADDONS_PATH, "mcp-key", "-d", ODOO_DB, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def create_key(name, login="admin", grants=(), domains=None, fields=None, expires_days=None):
    """Create a key with the CLI and return its secret (the last line of stdout).

    ``grants``: ["res.partner:read,write", ...]; ``domains``: {model: domain list};
    ``fields``: {model: [field, ...]}.
    """
    args = ["--login", login, "--name", "%s %s" % (name, TAG)]
    for grant in grants:
        args += ["--grant", grant]
    for model, domain in (domains or {}).items():
        args += ["--domain", "%s=%s" % (model, json.dumps(domain))]
    for model, names in (fields or {}).items():
        args += ["--fields", "%s=%s" % (model, ",".join(names))]
    if expires_days is not None:
        args += ["--expires-days", str(expires_days)]
    process = run_cli(*args)
    lines = process.stdout.strip().splitlines()
    if process.returncode != 0 or not lines:
        raise AssertionError("mcp-key failed (%s):\n%s\n%s" % (
            process.returncode, process.stdout, process.stderr[-3000:]))
    secret = lines[-1].strip()
    assert secret.startswith("mcpk_"), secret
    return secret


# ----------------------------------------------------------------------------------------------
# Direct database access (settings and audit rows)
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def db():
    connection = psycopg2.connect(dbname=ODOO_DB)
    connection.autocommit = True
    yield connection
    connection.close()


def _invalidate_caches(cursor):
    """Make the server reload its caches (settings, policies) on its next request."""
    cursor.execute("SELECT nextval('base_cache_signaling_default')")


def get_param(db, key):
    with db.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
        row = cr.fetchone()
    return row[0] if row else None


def set_param(db, key, value):
    """Set (or with None, delete) an ir.config_parameter behind the server's back, then invalidate."""
    with db.cursor() as cr:
        if value is None:
            cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [key])
        else:
            cr.execute(
                """INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
                   VALUES (%s, %s, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC')
                   ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date""",
                [key, str(value)])
        _invalidate_caches(cr)


@pytest.fixture(scope="session", autouse=True)
def public_url(db):
    """The server's public URL (web.base.url) is the one the suite reaches it at, as an administrator sets it:
    the OAuth issuer and resource URLs come from it, never from a request's Host."""
    set_param(db, "web.base.url", ODOO_URL)
    set_param(db, "web.base.url.freeze", "True")
    return ODOO_URL


@pytest.fixture
def settings(db):
    """Change server settings for one test; the previous values come back afterwards."""
    saved = {}

    def change(key, value):
        if key not in saved:
            saved[key] = get_param(db, key)
        set_param(db, key, value)

    yield change
    for key, value in saved.items():
        set_param(db, key, value)


def key_id(db, secret):
    with db.cursor() as cr:
        cr.execute("SELECT id FROM mcp_api_key WHERE prefix = %s", [secret[:13]])
        rows = cr.fetchall()
    assert len(rows) == 1, "no key with prefix %s" % secret[:13]
    return rows[0][0]


def last_audit(db, secret, after_id=0):
    """Audit rows of a key newer than ``after_id``, newest first, as dicts."""
    with db.cursor() as cr:
        cr.execute(
            """SELECT id, method, tool, model, record_ids, status, http_status, error, session_id, user_id
                 FROM mcp_audit_log WHERE key_id = %s AND id > %s ORDER BY id DESC""",
            [key_id(db, secret), after_id])
        columns = [c.name for c in cr.description]
        return [dict(zip(columns, row, strict=True)) for row in cr.fetchall()]


def max_audit_id(db):
    with db.cursor() as cr:
        cr.execute("SELECT coalesce(max(id), 0) FROM mcp_audit_log")
        return cr.fetchone()[0]


# ----------------------------------------------------------------------------------------------
# A small raw MCP client (httpx) for the transport and policy suites
# ----------------------------------------------------------------------------------------------
class McpError(AssertionError):
    def __init__(self, error):
        super().__init__("JSON-RPC error %s: %s" % (error.get("code"), error.get("message")))
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


class RawClient:
    """An MCP session over plain HTTP: initialize once, then JSON-RPC calls."""

    def __init__(self, secret, protocol_version=PROTOCOL_VERSION):
        self.secret = secret
        self.protocol_version = protocol_version
        self.http = httpx.Client(timeout=60)
        self.session_id = None
        self._next_id = 0

    def headers(self, **extra):
        headers = {"Authorization": "Bearer %s" % self.secret, "Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        if self.session_id:
            headers["MCP-Session-Id"] = self.session_id
            headers["MCP-Protocol-Version"] = self.protocol_version
        headers.update(extra)
        return {k: v for k, v in headers.items() if v is not None}

    def post(self, payload, **headers):
        content = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.http.post(MCP_URL, content=content, headers=self.headers(**headers))

    def initialize(self):
        response = self.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": self.protocol_version, "capabilities": {},
            "clientInfo": {"name": "e2e-tests", "version": "1.0"}}})
        assert response.status_code == 200, response.text
        self.session_id = response.headers["MCP-Session-Id"]
        self.protocol_version = response.json()["result"]["protocolVersion"]
        notified = self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        assert notified.status_code == 202, notified.text
        return response

    def request(self, method, params=None):
        """The JSON-RPC result; a JSON-RPC error raises :class:`McpError`."""
        self._next_id += 1
        message = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        response = self.post(message)
        body = response.json()
        if "error" in body:
            raise McpError(body["error"])
        assert response.status_code == 200, response.text
        return body["result"]

    def tool(self, name, /, **arguments):
        """The raw tools/call result (with ``isError``)."""
        return self.request("tools/call", {"name": name, "arguments": arguments})

    def ok(self, name, /, **arguments):
        """The structured content of a successful tool call."""
        result = self.tool(name, **arguments)
        assert result["isError"] is False, "%s failed: %s" % (name, result["content"][0]["text"])
        return result["structuredContent"]

    def fails(self, name, /, **arguments):
        """The error text of a tool call that must fail (isError)."""
        result = self.tool(name, **arguments)
        assert result["isError"] is True, "%s should have failed, got %s" % (name, result.get("structuredContent"))
        assert "structuredContent" not in result or not result["structuredContent"]
        return result["content"][0]["text"]

    def close(self):
        if self.session_id:
            self.http.delete(MCP_URL, headers=self.headers())
            self.session_id = None
        self.http.close()


@pytest.fixture
def connect():
    """``connect(secret)`` → an initialized :class:`RawClient`, closed after the test."""
    clients = []

    def make(secret, protocol_version=PROTOCOL_VERSION):
        client = RawClient(secret, protocol_version)
        client.initialize()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# ----------------------------------------------------------------------------------------------
# Keys and data shared by the suites
# ----------------------------------------------------------------------------------------------
ADMIN_GRANTS = [
    "res.partner:read,create,write,unlink",
    "res.users:read,create,write",
    "res.groups:read",
    "res.country:read",
    "res.company:read",
]


@pytest.fixture(scope="session")
def admin_key():
    """A full-access key acting as the administrator."""
    return create_key("e2e admin", grants=ADMIN_GRANTS)


@pytest.fixture(scope="session")
def admin(admin_key):
    client = RawClient(admin_key)
    client.initialize()
    yield client
    client.close()


@pytest.fixture(scope="session")
def data(admin):
    """Partners and a restricted user, created through the MCP ``create`` tool as the administrator.

    Two companies (one in the city ``paris``, one in ``lyon``) with one contact each, who lives in the
    other city; every
    value carries the run's TAG so the suite never trips over other data.
    """
    paris, lyon = "Paris-%s" % TAG, "Lyon-%s" % TAG
    values = {}

    def create(model, **fields):
        return admin.ok("create", model=model, values=fields)["id"]

    values["paris"], values["lyon"] = paris, lyon
    values["acme"] = create("res.partner", name="Acme %s" % TAG, is_company=True, city=paris,
                            email="secret-acme-%s@acme.test" % TAG, phone="+33 1 00 00 00 01")
    values["globex"] = create("res.partner", name="Globex %s" % TAG, is_company=True, city=lyon,
                              email="secret-globex-%s@globex.test" % TAG)
    # type "other": a contact keeps its own address instead of its company's.
    values["alice"] = create("res.partner", name="Alice %s" % TAG, is_company=False, city=paris, type="other",
                             parent_id=values["globex"], email="alice-%s@private.test" % TAG)
    values["bob"] = create("res.partner", name="Bob %s" % TAG, is_company=False, city=lyon, type="other",
                           parent_id=values["acme"], email="bob-%s@private.test" % TAG)
    cities = admin.ok("read", model="res.partner", ids=[values["alice"], values["bob"]], fields=["city"])
    assert [r["city"] for r in cities["records"]] == [paris, lyon]
    values["rita_login"] = "rita-%s" % TAG
    values["rita"] = create("res.users", name="Rita %s" % TAG, login=values["rita_login"],
                            email="rita-%s@example.test" % TAG)
    return values
