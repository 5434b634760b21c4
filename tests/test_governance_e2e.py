"""Governance end to end: rate limits across prefork workers (Redis and PostgreSQL), Redis outage,
network rules behind a proxy, tool policy, approvals, dry run and key rotation."""
import concurrent.futures
import shlex
import shutil
import subprocess
import time
import uuid

import httpx
import pytest

from conftest import (
    MCP_URL,
    ODOO_ADDONS_PATH,
    ODOO_BIN,
    ODOO_DB,
    TAG,
    _invalidate_caches,
    create_key,
    key_id,
    last_audit,
)
from servers import UrlClient, free_port, odoo_rpc, prefork  # noqa: F401 (prefork: a fixture)


def ping(url, secret, **headers):
    """One authenticated request; returns the HTTP status."""
    base = {"Authorization": "Bearer %s" % secret, "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream"}
    return httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers={**base, **headers},
                      timeout=60).status_code


def set_key_columns(db, secret, **values):
    with db.cursor() as cr:
        assignments = ", ".join("%s = %%s" % column for column in values)
        cr.execute("UPDATE mcp_api_key SET %s WHERE id = %%s" % assignments, [*values.values(), key_id(db, secret)])
        _invalidate_caches(cr)


def hammer(url, secret, total, threads=16):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda _i: ping(url, secret), range(total)))


@pytest.mark.parametrize("backend", ["postgresql", "redis"])
def test_rate_limit_is_exact_across_four_workers(db, settings, prefork, backend):
    settings("mcp_server.redis_url", "redis://127.0.0.1:6379/0" if backend == "redis" else None)
    secret = create_key("limited-%s" % backend, grants=["res.partner:read"])
    set_key_columns(db, secret, rate_limit_day=25)
    statuses = hammer(prefork["url"], secret, total=70)
    assert statuses.count(200) == 25, statuses
    assert statuses.count(429) == 45, statuses
    refused = [row for row in last_audit(db, secret) if row["status"] == "rate_limited"]
    assert len(refused) == 45
    assert all(row["http_status"] == 429 for row in refused)


def test_429_names_the_limit_and_when_to_retry(db, settings):
    secret = create_key("limited-429", grants=["res.partner:read"])
    set_key_columns(db, secret, rate_limit_minute=2)
    assert [ping(MCP_URL, secret) for _i in range(2)] == [200, 200]
    response = httpx.post(MCP_URL, json={"jsonrpc": "2.0", "id": 9, "method": "ping"}, headers={
        "Authorization": "Bearer %s" % secret, "Content-Type": "application/json"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    error = response.json()["error"]
    assert "2 requests per minute" in error["message"]


@pytest.fixture
def own_redis():
    """A Redis server of this test, on its own port, that the test may stop and restart."""
    redis_server = shutil.which("redis-server")
    if not redis_server:
        pytest.fail("redis-server is not installed")
    port = free_port()
    command = [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    state = {"process": subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)}

    def start():
        state["process"] = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop():
        state["process"].terminate()
        state["process"].wait(timeout=10)

    time.sleep(0.5)
    yield {"url": "redis://127.0.0.1:%s/0" % port, "start": start, "stop": stop}
    if state["process"].poll() is None:
        stop()


def test_redis_outage_falls_back_to_postgresql_without_failing_requests(db, settings, prefork, own_redis):
    settings("mcp_server.redis_url", own_redis["url"])
    secret = create_key("redis-outage", grants=["res.partner:read"])
    set_key_columns(db, secret, rate_limit_day=100000)
    before = hammer(prefork["url"], secret, total=20, threads=4)
    own_redis["stop"]()
    during = hammer(prefork["url"], secret, total=60, threads=8)
    own_redis["start"]()
    time.sleep(6)  # the limiter tries Redis again after a few seconds
    after = hammer(prefork["url"], secret, total=20, threads=4)
    assert set(before + during + after) == {200}
    with open(prefork["log"], encoding="utf-8") as log:
        text = log.read()
    warnings = text.count("is unreachable")
    assert 1 <= warnings <= 4, "expected one warning per worker at most, got %s" % warnings
    assert text.count("is back; using it again") >= 1


# ----------------------------------------------------------------------------------------------
# Network rules
# ----------------------------------------------------------------------------------------------
def test_global_deny_list_blocks_and_audits(db, settings):
    secret = create_key("ip-global", grants=["res.partner:read"])
    settings("mcp_server.ip_deny", "127.0.0.0/8, ::1")
    assert ping(MCP_URL, secret) == 403
    settings("mcp_server.ip_deny", None)
    assert ping(MCP_URL, secret) == 200
    with db.cursor() as cr:
        cr.execute("SELECT count(*) FROM mcp_audit_log WHERE status = 'denied' AND error LIKE %s",
                   ["%server's network rules%"])
        assert cr.fetchone()[0] >= 1


def test_key_allow_list_and_deny_wins(db):
    secret = create_key("ip-key", grants=["res.partner:read"])
    set_key_columns(db, secret, ip_allow="10.0.0.0/8")
    assert ping(MCP_URL, secret) == 403
    set_key_columns(db, secret, ip_allow="127.0.0.1/32, ::1/128", ip_deny="127.0.0.1")
    assert ping(MCP_URL, secret) == 403
    set_key_columns(db, secret, ip_allow="127.0.0.1/32, ::1/128", ip_deny=None)
    assert ping(MCP_URL, secret) == 200
    assert last_audit(db, secret)[1]["status"] == "denied"


def test_forwarded_for_is_honoured_only_in_proxy_mode(db, prefork):
    secret = create_key("ip-proxy", grants=["res.partner:read"])
    set_key_columns(db, secret, ip_deny="203.0.113.0/24, 2001:db8::/32")
    # The prefork server runs with --proxy-mode: the proxy's X-Forwarded-For is the client.
    assert ping(prefork["url"], secret, **{"X-Forwarded-For": "203.0.113.7"}) == 403
    assert ping(prefork["url"], secret, **{"X-Forwarded-For": "2001:db8::5"}) == 403
    assert ping(prefork["url"], secret, **{"X-Forwarded-For": "198.51.100.4"}) == 200
    # The main server does not: a client cannot spoof its address with the header.
    assert ping(MCP_URL, secret, **{"X-Forwarded-For": "203.0.113.7"}) == 200


# ----------------------------------------------------------------------------------------------
# Tool policy, scope presets, approvals, dry run
# ----------------------------------------------------------------------------------------------
def make_profile(name, **values):
    partner_model = odoo_rpc("ir.model", "search", [["model", "=", "res.partner"]])[0]
    rules = values.pop("rules", [{"model_id": partner_model, "perm_read": True, "perm_create": True,
                                  "perm_write": True, "perm_unlink": True}])
    return odoo_rpc("mcp.access.profile", "create", {
        "name": "%s %s %s" % (name, TAG, uuid.uuid4().hex[:4]), "rule_ids": [[0, 0, r] for r in rules], **values})


def key_for_profile(db, profile_id, login="admin"):
    secret = create_key("profiled", login=login, grants=["res.partner:read"])
    set_key_columns(db, secret, profile_id=profile_id)
    return secret


def tool_ids(*names):
    return odoo_rpc("mcp.tool", "search", [["name", "in", list(names)]])


def test_tool_allowlist_limits_listing_and_calls(db, connect):
    profile = make_profile("allowlist", scope="full", tool_ids=[[6, 0, tool_ids("search_read", "list_models")]])
    client = connect(key_for_profile(db, profile))
    names = sorted(tool["name"] for tool in client.request("tools/list")["tools"])
    assert names == ["get_approval_status", "list_models", "search_read"]
    text = client.fails("search_count", model="res.partner")
    assert "not available" in text


def test_read_only_preset_hides_and_refuses_writes(db, connect):
    profile = make_profile("read-only", scope="read_only")
    client = connect(key_for_profile(db, profile))
    names = {tool["name"] for tool in client.request("tools/list")["tools"]}
    assert {"search_read", "read"} <= names
    assert not names & {"create", "write", "unlink", "batch"}
    assert client.fails("create", model="res.partner", values={"name": "nope"})


def test_catalog_lists_every_tool_with_its_risk():
    rows = odoo_rpc("mcp.tool", "search_read", [], fields=["name", "risk"])
    risks = {row["name"]: row["risk"] for row in rows}
    assert risks["search_read"] == "read"
    assert risks["write"] == "write"
    assert risks["unlink"] == "destructive"
    assert {"aggregate", "export_records", "get_approval_status", "get_job"} <= set(risks)


@pytest.fixture
def approval_setup(db, data):
    profile = make_profile("approvals", scope="full", approval_destructive=True, approval_write=True)
    secret = key_for_profile(db, profile, login=data["rita_login"])
    # Rita needs Odoo rights on partners for the approved call to succeed as her.
    group = odoo_rpc("ir.model.data", "search_read", [["module", "=", "base"], ["name", "=", "group_partner_manager"]],
                     fields=["res_id"])[0]["res_id"]
    odoo_rpc("res.users", "write", [data["rita"]], {"groups_id": [[4, group]]})
    return secret


def test_approved_call_runs_as_the_requester(db, connect, data, admin, approval_setup):
    target = admin.ok("create", model="res.partner", values={"name": "Approve me %s" % TAG})["id"]
    client = connect(approval_setup)
    pending = client.tool("write", model="res.partner", ids=[target], values={"city": "Approved-%s" % TAG})
    assert pending["isError"] is True
    status = pending["structuredContent"]
    assert status["status"] == "pending_approval"
    assert "res.partner" in status["summary"] and "Approved-" in status["summary"]
    approval_id = status["approval_id"]
    assert client.ok("get_approval_status", approval_id=approval_id)["status"] == "pending"
    assert admin.ok("read", model="res.partner", ids=[target], fields=["city"])["records"][0]["city"] is None
    activities = odoo_rpc("mail.activity", "search_count", [["res_model", "=", "mcp.approval.request"],
                                                            ["res_id", "=", approval_id]])
    assert activities >= 1
    odoo_rpc("mcp.approval.request", "action_approve", [approval_id])
    done = client.ok("get_approval_status", approval_id=approval_id)
    assert done["status"] == "executed"
    record = admin.ok("read", model="res.partner", ids=[target], fields=["city", "write_uid"])["records"][0]
    assert record["city"] == "Approved-%s" % TAG
    assert record["write_uid"]["id"] == data["rita"]
    statuses = [row["status"] for row in last_audit(db, approval_setup)]
    assert "pending_approval" in statuses


def test_rejected_and_expired_approvals_change_nothing(db, connect, admin, approval_setup):
    target = admin.ok("create", model="res.partner", values={"name": "Keep me %s" % TAG})["id"]
    client = connect(approval_setup)
    rejected = client.tool("unlink", model="res.partner", ids=[target])["structuredContent"]["approval_id"]
    odoo_rpc("mcp.approval.request", "action_reject", [rejected])
    assert client.ok("get_approval_status", approval_id=rejected)["status"] == "rejected"
    expired = client.tool("unlink", model="res.partner", ids=[target])["structuredContent"]["approval_id"]
    with db.cursor() as cr:
        cr.execute("UPDATE mcp_approval_request SET expires_at = now() at time zone 'UTC' - interval '1 minute' "
                   "WHERE id = %s", [expired])
    assert client.ok("get_approval_status", approval_id=expired)["status"] == "expired"
    with pytest.raises(AssertionError, match="expired"):
        odoo_rpc("mcp.approval.request", "action_approve", [expired])
    assert admin.ok("search_count", model="res.partner", domain=[["id", "=", target]])["count"] == 1
    # Another key cannot see this key's approvals.
    other = connect(create_key("other", grants=["res.partner:read"]))
    assert "No approval request" in other.fails("get_approval_status", approval_id=rejected)


def test_dry_run_reports_and_leaves_the_database_unchanged(admin, data):
    before = admin.ok("read", model="res.partner", ids=[data["acme"]], fields=["city", "phone"])["records"][0]
    report = admin.ok("write", model="res.partner", ids=[data["acme"]], values={"city": "Nowhere"}, dry_run=True)
    assert report["dry_run"] is True and report["would_succeed"] is True
    assert report["changes"] == [{"operation": "write", "model": "res.partner", "id": data["acme"],
                                  "before": {"city": before["city"]}, "after": {"city": "Nowhere"}}]
    created = admin.ok("create", model="res.partner", values={"name": "Ghost %s" % TAG}, dry_run=True)
    assert created["changes"][0]["values"]["name"] == "Ghost %s" % TAG
    deleted = admin.ok("unlink", model="res.partner", ids=[data["bob"]], dry_run=True)
    assert deleted["changes"][0]["id"] == data["bob"]
    invalid = admin.ok("write", model="res.partner", ids=[data["acme"]], values={"parent_id": data["acme"]},
                       dry_run=True)
    assert invalid["would_succeed"] is False and "recursive" in invalid["error"].lower()
    after = admin.ok("read", model="res.partner", ids=[data["acme"]], fields=["city", "phone", "parent_id"])
    assert after["records"][0]["city"] == before["city"]
    assert after["records"][0]["parent_id"] is None
    assert admin.ok("search_count", model="res.partner", domain=[["name", "=", "Ghost %s" % TAG]])["count"] == 0
    assert admin.ok("search_count", model="res.partner", domain=[["id", "=", data["bob"]]])["count"] == 1


# ----------------------------------------------------------------------------------------------
# Key lifecycle
# ----------------------------------------------------------------------------------------------
def test_rotated_key_works_within_grace_and_fails_after(db):
    old = create_key("rotate", grants=["res.partner:read"])
    wizard = odoo_rpc("mcp.key.wizard", "create", {"key_id": key_id(db, old), "mode": "rotate", "grace_hours": 2})
    shown = odoo_rpc("mcp.key.wizard", "action_generate", [wizard])  # the new secret, shown once
    new = odoo_rpc("mcp.connect.wizard", "read", [shown["res_id"]], fields=["secret"])[0]["secret"]
    assert new.startswith("mcpk_") and new != old
    assert ping(MCP_URL, new) == 200
    assert ping(MCP_URL, old) == 200
    with db.cursor() as cr:
        cr.execute("UPDATE mcp_api_key SET previous_valid_until = now() at time zone 'UTC' - interval '1 second' "
                   "WHERE id = %s", [key_id(db, new)])
        _invalidate_caches(cr)
    assert ping(MCP_URL, old) == 401
    assert ping(MCP_URL, new) == 200


def odoo_api_key():
    """An Odoo API key of the administrator, made the way Odoo makes them (odoo-bin shell)."""
    script = ("key = env['res.users.apikeys'].with_user(env.ref('base.user_admin'))._generate(None, 'e2e', False)\n"
              "env.cr.commit()\nprint('APIKEY=' + key)\n")
    process = subprocess.run([*shlex.split(ODOO_BIN), "shell", "--addons-path=%s" % ODOO_ADDONS_PATH, "-d", ODOO_DB,
                              "--no-http", "--log-level=warn"], input=script, capture_output=True, text=True,
                             timeout=180, check=False)
    lines = [line for line in process.stdout.splitlines() if line.startswith("APIKEY=")]
    assert lines, process.stderr[-2000:]
    return lines[0][len("APIKEY="):]


def test_odoo_api_keys_are_refused_unless_mapped_to_a_profile(settings):
    secret = odoo_api_key()
    assert ping(MCP_URL, secret) == 401
    profile = make_profile("native", scope="read_only")
    settings("mcp_server.native_key_profile_id", str(profile))
    assert ping(MCP_URL, secret) == 200
    client = UrlClient(secret, MCP_URL)
    client.initialize()
    names = {tool["name"] for tool in client.request("tools/list")["tools"]}
    assert "search_read" in names and "write" not in names
    client.close()
