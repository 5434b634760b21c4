"""Streamable HTTP transport rules of /mcp, checked with raw HTTP requests."""
import json
import os

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import MCP_URL, ODOO_URL, RawClient, create_key, last_audit, max_audit_id

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}


@pytest.fixture(scope="module")
def key():
    return create_key("e2e transport", grants=["res.partner:read", "res.country:read"])


@pytest.fixture
def client(key):
    client = RawClient(key)
    client.initialize()
    yield client
    client.close()


def post(key, payload, **headers):
    all_headers = dict(JSON_HEADERS, Authorization="Bearer %s" % key)
    all_headers.update(headers)
    content = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return httpx.post(MCP_URL, content=content, headers={k: v for k, v in all_headers.items() if v is not None},
                      timeout=60)


def error_of(response):
    body = response.json()
    assert body["jsonrpc"] == "2.0"
    assert "result" not in body
    return body["error"]


# -- initialize and sessions ----------------------------------------------------------------------
def test_initialize_issues_a_session(key):
    response = post(key, INIT)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert len(response.headers["MCP-Session-Id"]) >= 20
    assert response.headers["MCP-Protocol-Version"] == "2025-11-25"
    body = response.json()
    assert body["id"] == 1
    assert body["result"]["protocolVersion"] == "2025-11-25"
    # Two sessions never share an id.
    assert post(key, INIT).headers["MCP-Session-Id"] != response.headers["MCP-Session-Id"]


@pytest.mark.parametrize(("requested", "negotiated"), [
    ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"), ("1999-01-01", "2025-11-25")])
def test_version_negotiation(key, requested, negotiated):
    message = json.loads(json.dumps(INIT))
    message["params"]["protocolVersion"] = requested
    response = post(key, message)
    assert response.status_code == 200
    assert response.json()["result"]["protocolVersion"] == negotiated


def test_requests_after_initialize_need_the_session_id(key, client):
    missing = post(key, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, **{"MCP-Protocol-Version": "2025-11-25"})
    assert missing.status_code == 400
    assert error_of(missing)["code"] == -32600
    assert "MCP-Session-Id" in error_of(missing)["message"]

    unknown = post(key, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                   **{"MCP-Session-Id": "no-such-session", "MCP-Protocol-Version": "2025-11-25"})
    assert unknown.status_code == 404

    # ping works without a session; everything works with it.
    assert post(key, {"jsonrpc": "2.0", "id": 3, "method": "ping"}).json() == {"jsonrpc": "2.0", "id": 3, "result": {}}
    assert client.request("tools/list")["tools"]


def test_a_session_belongs_to_its_key(key, client):
    other = create_key("e2e transport other", grants=["res.partner:read"])
    stolen = post(other, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                  **{"MCP-Session-Id": client.session_id, "MCP-Protocol-Version": "2025-11-25"})
    assert stolen.status_code == 404


def test_delete_ends_the_session(key, client):
    session_headers = dict(JSON_HEADERS, Authorization="Bearer %s" % key, **{
        "MCP-Session-Id": client.session_id, "MCP-Protocol-Version": "2025-11-25"})
    ended = httpx.delete(MCP_URL, headers=session_headers)
    assert ended.status_code == 204
    assert ended.content == b""
    after = post(key, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                 **{"MCP-Session-Id": client.session_id, "MCP-Protocol-Version": "2025-11-25"})
    assert after.status_code == 404
    assert error_of(after)["code"] == -32600
    assert httpx.delete(MCP_URL, headers=session_headers).status_code == 404
    without_id = httpx.delete(MCP_URL, headers={"Authorization": "Bearer %s" % key})
    assert without_id.status_code == 400
    client.session_id = None


def test_notifications_and_responses_get_202_without_body(client):
    for message in ({"jsonrpc": "2.0", "method": "notifications/initialized"},
                    {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5}},
                    {"jsonrpc": "2.0", "id": 7, "result": {}}):
        response = client.post(message)
        assert response.status_code == 202, message
        assert response.content == b""


def test_get_is_not_a_stream(key):
    response = httpx.get(MCP_URL, headers={"Authorization": "Bearer %s" % key, "Accept": "text/event-stream"})
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


# -- authentication -------------------------------------------------------------------------------
@pytest.mark.parametrize("authorization", [None, "Bearer mcpk_not-a-real-key", "Basic YWRtaW46YWRtaW4=", "Bearer"])
def test_missing_or_invalid_key_is_401_with_challenge(authorization):
    response = post(None, INIT, Authorization=authorization)
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'realm="Odoo MCP"' in challenge
    assert 'resource_metadata="%s/.well-known/oauth-protected-resource/mcp"' % ODOO_URL in challenge
    assert error_of(response)["code"] == -32600
    assert "MCP-Session-Id" not in response.headers


def test_failed_authentication_is_audited(db):
    with db.cursor() as cr:
        before = max_audit_id(db)
        post(None, INIT, Authorization="Bearer mcpk_forged-key-for-audit")
        cr.execute("SELECT status, http_status, error FROM mcp_audit_log WHERE id > %s", [before])
        rows = cr.fetchall()
    assert ("auth_failed", 401) in [(status, http) for status, http, _error in rows]
    # The presented secret is never stored.
    assert not any("forged-key-for-audit" in (error or "") for _s, _h, error in rows)


def test_key_prefix_with_a_wrong_secret_is_refused(key):
    """A key's prefix with a wrong secret part is refused (no prefix-only authentication)."""
    forged = key[:13] + "x" * (len(key) - 13)
    assert post(forged, INIT).status_code == 401


# -- headers ----------------------------------------------------------------------------------------
def test_unsupported_protocol_version_header_is_400(client):
    response = client.post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                           **{"MCP-Protocol-Version": "2024-01-01"})
    assert response.status_code == 400
    assert "2024-01-01" in error_of(response)["message"]


def test_content_type_and_accept(key):
    assert post(key, INIT, **{"Content-Type": "text/plain"}).status_code == 415
    assert post(key, INIT, Accept="text/html").status_code == 406
    assert post(key, INIT, Accept="application/json").status_code == 200


def test_foreign_origin_is_refused(key):
    response = post(key, INIT, Origin="https://evil.example")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = httpx.options(MCP_URL, headers={"Origin": "https://evil.example",
                                                "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403


def test_own_origin_is_allowed(key):
    response = post(key, INIT, Origin=ODOO_URL)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ODOO_URL


def test_allowed_origins_setting_and_preflight(key, settings):
    settings("mcp_server.allowed_origins", "https://app.example.com, https://other.example")
    preflight = httpx.options(MCP_URL, headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, mcp-session-id"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    allowed_headers = preflight.headers["Access-Control-Allow-Headers"].lower()
    for header in ("authorization", "content-type", "mcp-session-id", "mcp-protocol-version"):
        assert header in allowed_headers
    response = post(key, INIT, Origin="https://app.example.com")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "mcp-session-id" in response.headers["Access-Control-Expose-Headers"].lower()
    assert post(key, INIT, Origin="https://app.example.com.evil.example").status_code == 403


# -- body -------------------------------------------------------------------------------------------
def test_body_over_the_size_limit_is_413(key, settings):
    settings("mcp_server.max_payload_kb", 2)
    big = dict(INIT, params=dict(INIT["params"], clientInfo={"name": "x" * 3000, "version": "1"}))
    response = post(key, big)
    assert response.status_code == 413
    assert error_of(response)["code"] == -32600
    assert "2 KB" in error_of(response)["message"]
    assert post(key, INIT).status_code == 200


def test_default_size_limit(key):
    response = post(key, b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "' + b"x" * 600_000 + b'"}}')
    assert response.status_code == 413


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b'{"jsonrpc": "2.0", "id": 1, "method": "ping"'])
def test_parse_error(key, body):
    response = post(key, body)
    assert response.status_code == 400
    assert error_of(response)["code"] == -32700
    assert response.json()["id"] is None


@pytest.mark.parametrize("message", [
    {"id": 1, "method": "ping"},
    {"jsonrpc": "1.0", "id": 1, "method": "ping"},
    {"jsonrpc": "2.0", "id": 1, "method": 42},
    {"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"},
    b"\"ping\"",
    b"42",
])
def test_invalid_request(key, message):
    response = post(key, message)
    assert response.status_code == 400
    assert error_of(response)["code"] == -32600


def test_unknown_method(client):
    response = client.post({"jsonrpc": "2.0", "id": "abc", "method": "tools/explode"})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "abc"
    assert body["error"]["code"] == -32601
    assert "tools/explode" in body["error"]["message"]


@pytest.mark.parametrize(("params", "needle"), [
    ({"name": "no_such_tool", "arguments": {}}, "no_such_tool"),
    ({"name": "search_read", "arguments": "res.partner"}, "arguments"),
])
def test_invalid_params(client, params, needle):
    body = client.post({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": params}).json()
    assert body["error"]["code"] == -32602
    assert needle in body["error"]["message"]


@pytest.mark.parametrize("tool, arguments, needle", [
    ("search_read", {"model": "res.partner", "limit": "ten"}, "'limit' must be of type integer"),
    ("search_read", {"model": "res.partner", "unknown_argument": 1}, "unknown argument 'unknown_argument'"),
    ("read", {"model": "res.partner", "ids": list(range(1, 3001))}, "'ids' takes at most 1000 items, got 3000"),
    ("read", {"model": "res.partner"}, "missing required argument 'ids'"),
])
def test_invalid_arguments_are_tool_errors(client, tool, arguments, needle):
    """SEP-1303: the model sees what to fix as a tool result; the message never echoes the whole input."""
    body = client.post({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                        "params": {"name": tool, "arguments": arguments}}).json()
    assert body["result"]["isError"] is True, body
    assert "structuredContent" not in body["result"]
    text = body["result"]["content"][0]["text"]
    assert needle in text
    assert len(text) < 700


def test_logging_set_level_validates_the_level(client):
    assert client.request("logging/setLevel", {"level": "error"}) == {}
    body = client.post({"jsonrpc": "2.0", "id": 9, "method": "logging/setLevel", "params": {"level": "loud"}}).json()
    assert body["error"]["code"] == -32602


def test_invalid_cursor(client):
    body = client.post({"jsonrpc": "2.0", "id": 9, "method": "tools/list", "params": {"cursor": "%%%"}}).json()
    assert body["error"]["code"] == -32602


# -- batches ----------------------------------------------------------------------------------------
def test_batches_are_refused_from_2025_06_18(key):
    for version in ("2025-11-25", "2025-06-18"):
        client = RawClient(key, version)
        client.initialize()
        response = client.post([{"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}])
        assert response.status_code == 400, version
        assert error_of(response)["code"] == -32600
        client.close()


def test_batches_work_in_2025_03_26(key):
    client = RawClient(key, "2025-03-26")
    client.initialize()
    assert client.protocol_version == "2025-03-26"
    response = client.post([
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": "search_count", "arguments": {"model": "res.country"}}},
        {"jsonrpc": "2.0", "id": 3, "method": "nope"},
    ])
    assert response.status_code == 200
    replies = {reply["id"]: reply for reply in response.json()}
    assert set(replies) == {1, 2, 3}
    assert replies[1]["result"] == {}
    assert replies[2]["result"]["structuredContent"]["count"] > 200  # every country of the world
    assert replies[3]["error"]["code"] == -32601
    assert post(key, [], **{"MCP-Session-Id": client.session_id, "MCP-Protocol-Version": "2025-03-26"}
                ).status_code == 400
    client.close()


# -- audit ------------------------------------------------------------------------------------------
def test_one_audit_row_per_message(db, key, client):
    before = max_audit_id(db)
    client.ok("search_count", model="res.partner")
    client.fails("search_read", model="res.users")
    rows = last_audit(db, key, before)
    assert [(r["method"], r["tool"], r["status"]) for r in rows] == [
        ("tools/call", "search_read", "denied"), ("tools/call", "search_count", "success")]
    assert all(r["session_id"] == client.session_id for r in rows)


# -- robustness -------------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
field_names = st.sampled_from(["name", "id", "email", "parent_id", "parent_id.name", "child_ids", "country_id.code",
                               "display_name", "create_date", "is_company", "nope", "name.x", "", "id.id"])
operators = st.sampled_from(["=", "!=", "ilike", "in", "not in", "<", ">=", "child_of", "any", "=?", "bogus"])
leaves = st.tuples(field_names, operators, json_values).map(list)
domains = st.lists(st.one_of(leaves, st.sampled_from(["|", "&", "!"]), json_values), max_size=5) | st.text(max_size=40)


@hypothesis_settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 120)), deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
@given(tool=st.sampled_from(["search_read", "search_count", "name_search"]), arguments=st.fixed_dictionaries(
    {"model": st.sampled_from(["res.partner", "res.country", "res.users"])},
    optional={"domain": domains, "fields": st.lists(field_names, max_size=3),
              "order": st.text(max_size=20) | field_names, "limit": st.integers(-5, 1000),
              "offset": st.integers(-5, 10**6), "name": st.text(max_size=10)}))
def test_random_arguments_never_cause_an_internal_error(fuzz_client, tool, arguments):
    """Whatever an agent sends, the answer is a result or a clear error, never a crash or a traceback."""
    response = fuzz_client.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                 "params": {"name": tool, "arguments": arguments}})
    assert response.status_code == 200, response.text
    body = response.json()
    text = response.text
    assert "Traceback" not in text and 'File "' not in text
    assert "error" not in body, body  # invalid arguments are tool errors, never -32603
    assert isinstance(body["result"]["isError"], bool)


@pytest.fixture(scope="module")
def fuzz_client(key):
    client = RawClient(key)
    client.initialize()
    yield client
    client.close()
