"""``odoo-bin mcp-key``: keys made on the command line reach exactly what they were granted."""
import json

import pytest

from conftest import TAG, McpError, create_key, run_cli

WRITE_TOOLS = {"create", "write", "unlink"}


@pytest.fixture(scope="module")
def reader_key():
    return create_key("e2e partner reader", grants=["res.partner:read"])


def test_read_only_key_reads_partners_and_nothing_else(connect, reader_key, data):
    reader = connect(reader_key)
    tools = {tool["name"]: tool for tool in reader.request("tools/list")["tools"]}
    assert {"search_read", "read", "search_count", "name_search", "describe_model", "list_models"} <= set(tools)
    assert not WRITE_TOOLS & set(tools)
    assert all(tool["annotations"]["readOnlyHint"] for tool in tools.values()), [
        name for name, tool in tools.items() if not tool["annotations"]["readOnlyHint"]]

    # It reads partners, all of their fields (no allowlist), all of them (no domain).
    acme = reader.ok("search_read", model="res.partner", domain=[["id", "=", data["acme"]]],
                     fields=["name", "email", "city"])["records"]
    assert acme == [{"id": data["acme"], "name": "Acme %s" % TAG, "email": "secret-acme-%s@acme.test" % TAG,
                     "city": data["paris"]}]
    assert reader.ok("list_models")["models"] == [
        {"model": "res.partner", "name": "Contact", "operations": ["read"], "scope_restricted": False}]

    # Nothing else: no other model, and no change even when asked directly.
    for model in ("res.users", "res.company", "mcp.api.key"):
        assert "not allowed" in reader.fails("search_read", model=model)
    assert "not available" in reader.fails("create", model="res.partner", values={"name": "Nope %s" % TAG})
    assert "not available" in reader.fails("unlink", model="res.partner", ids=[data["bob"]])
    assert reader.ok("search_count", model="res.partner", domain=[["name", "=", "Nope %s" % TAG]])["count"] == 0
    assert reader.ok("search_count", model="res.partner", domain=[["id", "=", data["bob"]]])["count"] == 1
    uris = {r["uri"] for r in reader.request("resources/list")["resources"]}
    assert "odoo://model/res.partner/schema" in uris
    assert not any(uri.startswith("odoo://model/") and "res.partner" not in uri for uri in uris)


def test_key_with_fields_option(connect, data):
    secret = create_key("e2e cli fields", grants=["res.partner:read"], fields={"res.partner": ["name", "city"]})
    client = connect(secret)
    records = client.ok("read", model="res.partner", ids=[data["globex"]])["records"]
    assert set(records[0]) <= {"id", "name", "city", "display_name"}
    assert "email" in client.fails("read", model="res.partner", ids=[data["globex"]], fields=["email"])


def test_key_with_odoo_syntax_domain(connect, data):
    process = run_cli("--login", "admin", "--name", "e2e odoo syntax %s" % TAG, "--grant", "res.partner:read",
                      "--domain", "res.partner=[('city', '=', '%s'), ('active', '=', True)]" % data["lyon"])
    assert process.returncode == 0, process.stderr[-2000:]
    client = connect(process.stdout.strip().splitlines()[-1])
    ours = [data[name] for name in ("acme", "globex", "alice", "bob")]
    found = client.ok("search_read", model="res.partner", domain=[["id", "in", ours]], fields=["name"])
    assert {r["id"] for r in found["records"]} == {data["globex"], data["bob"]}


def test_key_without_grant_reaches_nothing(connect):
    client = connect(create_key("e2e no grant"))
    names = {tool["name"] for tool in client.request("tools/list")["tools"]}
    assert not {"list_models", "search_read", "read", "create", "write", "unlink"} & names
    assert "not available" in client.fails("search_read", model="res.partner")
    with pytest.raises(McpError) as denied:
        client.request("resources/read", {"uri": "odoo://model/res.partner/schema"})
    assert denied.value.code == -32002


def test_expiring_key_works_until_it_expires(connect, db):
    secret = create_key("e2e expiring", grants=["res.partner:read"], expires_days=1)
    with db.cursor() as cr:
        cr.execute("SELECT expires_at > now() at time zone 'UTC' + interval '23 hours' FROM mcp_api_key "
                   "WHERE prefix = %s", [secret[:13]])
        assert cr.fetchone()[0] is True
    assert connect(secret).ok("search_count", model="res.partner")["count"] > 0


@pytest.mark.parametrize(("args", "message"), [
    (["--grant", "res.partner"], "expected MODEL:OPS"),
    (["--grant", "res.partner:"], "expected MODEL:OPS"),
    (["--grant", "res.partner:read,delete"], "delete"),
    (["--grant", "res.nothing:read"], "res.nothing"),
    (["--grant", "res.partnr:read"], "Did you mean: res.partner"),
    (["--domain", 'res.partner=[["is_company", "=", true]]'], "has no --grant"),
    (["--grant", "res.partner:read", "--domain", "res.partner=[('nope', '=', 1)]"], "nope"),
    (["--grant", "res.partner:read", "--domain", "res.partner=__import__('os')"], "domain"),
    (["--grant", "res.partner:read", "--fields", "res.partner=name,no_such_field"], "no_such_field"),
    (["--grant", "res.partner:read", "--fields", "res.partner=name,citty"], "Did you mean: city"),
    (["--grant", "res.partner:read", "--domain", "res.partner=[('is_compny', '=', True)]"], "Did you mean: is_company"),
    (["--grant", "res.partner:read", "--fields", "res.users=login"], "has no --grant"),
    (["--grant", "res.partner:read", "--expires-days", "0"], "expires-days"),
])
def test_cli_refuses_bad_arguments_clearly(db, args, message):
    with db.cursor() as cr:
        cr.execute("SELECT count(*) FROM mcp_api_key")
        keys_before = cr.fetchone()[0]
    process = run_cli("--login", "admin", "--name", "e2e bad %s" % TAG, *args)
    assert process.returncode != 0
    assert message in process.stderr
    assert "Traceback" not in process.stderr
    assert "mcpk_" not in process.stdout
    with db.cursor() as cr:
        cr.execute("SELECT count(*) FROM mcp_api_key")
        assert cr.fetchone()[0] == keys_before


def test_cli_refuses_unknown_login_and_database():
    unknown_user = run_cli("--login", "nobody-%s" % TAG, "--name", "x", "--grant", "res.partner:read")
    assert unknown_user.returncode != 0
    assert "nobody-%s" % TAG in unknown_user.stderr
    assert "mcpk_" not in unknown_user.stdout
    missing_login = run_cli("--name", "x")
    assert missing_login.returncode != 0
    assert "--login" in missing_login.stderr


def test_cli_key_secret_is_not_stored(db, reader_key):
    secret = reader_key
    with db.cursor() as cr:
        cr.execute("SELECT row_to_json(k)::text FROM mcp_api_key k WHERE prefix = %s", [secret[:13]])
        row = cr.fetchone()[0]
    assert secret not in row
    assert secret[13:] not in row
    assert json.loads(row)["prefix"] == secret[:13]
