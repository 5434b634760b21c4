"""No path around the access profile, end to end: batch and call_method pass the gate of the tools they
stand for, approvals run under the current profile, rate limits count messages and unauthenticated calls."""
import json

import httpx
import pytest

from conftest import MCP_URL, TAG, RawClient, create_key, last_audit, max_audit_id
from servers import odoo_rpc
from test_governance_e2e import key_for_profile, make_profile, set_key_columns, tool_ids


def test_batch_cannot_reach_tools_the_profile_leaves_out(db, connect, admin):
    target = admin.ok("create", model="res.partner", values={"name": "Batch target %s" % TAG})["id"]
    profile = make_profile("no create or unlink", scope="full",
                           tool_ids=[[6, 0, tool_ids("batch", "write", "read", "call_method")]],
                           approval_tool_ids=[[6, 0, tool_ids("write")]])
    client = connect(key_for_profile(db, profile))
    text = client.fails("batch", operations=[
        {"operation": "create", "model": "res.partner", "values": {"name": "Smuggled %s" % TAG}},
        {"operation": "write", "model": "res.partner", "ids": [target], "values": {"city": "Moved"}},
        {"operation": "unlink", "model": "res.partner", "ids": [target]}])
    assert "step 1 (create)" in text and "Nothing was run" in text
    assert admin.ok("search_count", model="res.partner", domain=[["name", "=", "Smuggled %s" % TAG]])["count"] == 0
    pending = client.tool("batch", operations=[
        {"operation": "write", "model": "res.partner", "ids": [target], "values": {"city": "Moved"}}])
    assert pending["structuredContent"]["status"] == "pending_approval"
    # call_method of unlink is destructive and stands for the unlink tool, which this profile leaves out.
    odoo_rpc("mcp.access.rule", "write", odoo_rpc("mcp.access.rule", "search", [["profile_id", "=", profile]]),
             {"allowed_methods": "unlink"})
    text = client.fails("call_method", model="res.partner", ids=[target], method="unlink")
    assert "Tool unlink is not available" in text
    assert admin.ok("read", model="res.partner", ids=[target], fields=["city"])["records"][0]["city"] is None


def test_an_approval_runs_under_the_profile_as_it_is_when_approved(db, connect, admin):
    target = admin.ok("create", model="res.partner", values={"name": "Approve later %s" % TAG})["id"]
    profile = make_profile("approve deletes", scope="full", approval_destructive=True)
    secret = key_for_profile(db, profile)
    client = connect(secret)
    approval = client.tool("unlink", model="res.partner", ids=[target])["structuredContent"]["approval_id"]
    set_key_columns(db, secret, profile_id=make_profile("now read only", scope="read_only"))
    odoo_rpc("mcp.approval.request", "action_approve", [approval])
    status = client.ok("get_approval_status", approval_id=approval)
    assert status["status"] == "failed" and "Not executed" in status["result"]
    assert admin.ok("search_count", model="res.partner", domain=[["id", "=", target]])["count"] == 1
    assert any(row["method"] == "approval/failed" and row["status"] == "denied" for row in last_audit(db, secret))


@pytest.mark.parametrize("backend", ["postgresql", "redis"])
def test_each_message_of_a_batch_counts_against_the_rate_limit(db, settings, backend):
    settings("mcp_server.redis_url", "redis://127.0.0.1:6379/0" if backend == "redis" else None)
    secret = create_key("batch-limited-%s" % backend, grants=["res.partner:read"])
    set_key_columns(db, secret, rate_limit_minute=30)
    client = RawClient(secret, "2025-03-26")
    client.initialize()  # initialize and notifications/initialized: 2
    calls = [{"jsonrpc": "2.0", "id": i, "method": "tools/call",
              "params": {"name": "search_count", "arguments": {"model": "res.partner"}}} for i in range(25)]
    response = client.post(calls)
    assert response.status_code == 200 and len(response.json()) == 25
    refused = client.post([{"jsonrpc": "2.0", "id": i, "method": "ping"} for i in range(4)])
    assert refused.status_code == 429, "2 + 25 + 4 messages are over 30"
    assert client.post([{"jsonrpc": "2.0", "id": i, "method": "ping"} for i in range(3)]).status_code == 200
    assert client.post({"jsonrpc": "2.0", "id": 99, "method": "ping"}).status_code == 429
    client.http.close()


def test_unauthenticated_requests_are_limited_per_address(db, settings):
    settings("mcp_server.anonymous_rate_limit_minute", "4")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"})
    before = max_audit_id(db)
    statuses = [httpx.post(MCP_URL, content=body, headers={**headers, "Authorization": "Bearer wrong-%s" % i})
                .status_code for i in range(12)]
    # Other suites' anonymous calls in this minute may have used part of the allowance already.
    assert set(statuses) <= {401, 429} and statuses[-1] == 429 and statuses.count(401) <= 4
    with db.cursor() as cr:
        cr.execute("SELECT count(*) FROM mcp_audit_log WHERE id > %s AND status = 'auth_failed'", [before])
        assert cr.fetchone()[0] == statuses.count(401), "refused requests leave no audit row"
    refused = httpx.get(MCP_URL)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
