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
    ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"), ("2024-11-05", "2024-11-05"),
    ("1999-01-01", "2025-11-25")])
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
    if "\\u0000" in json.dumps(arguments):
        # Text PostgreSQL cannot hold: refused as an invalid request, with the reason.
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["code"] == -32600 and "NUL" in error["message"], error
        return
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


# -- the modern era (2026-07-28): stateless, per-request _meta ---------------------------------------
MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "raw-modern", "version": "1"}}
NAME_FIELD = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}


def modern(key, method, params=None, request_id=7, meta=None, **headers):
    """One 2026-07-28 request with the headers a modern client sends (overridable; None drops one)."""
    params = dict(params or {})
    params["_meta"] = dict(META, **(meta or {}))
    base = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method}
    if method in NAME_FIELD:
        base["Mcp-Name"] = params.get(NAME_FIELD[method])
    base.update(headers)
    return post(key, {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}, **base)


def test_modern_discover_needs_no_session(key):
    response = modern(key, "server/discover")
    assert response.status_code == 200
    assert "MCP-Session-Id" not in response.headers
    result = response.json()["result"]
    assert result["supportedVersions"] == [MODERN]
    assert result["resultType"] == "complete"
    assert set(result["capabilities"]) >= {"tools", "resources", "prompts", "completions", "extensions"}
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "odoo-mcp-server"
    assert "list_models" in result["instructions"]
    # The instructions name the user: not shareable between credentials.
    assert (result["ttlMs"], result["cacheScope"]) == (300000, "private")


def test_modern_tools_call_works_without_initialize(key):
    response = modern(key, "tools/call", {"name": "search_count", "arguments": {"model": "res.country"}})
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["resultType"] == "complete"
    assert result["isError"] is False
    assert result["structuredContent"]["count"] > 200
    assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["version"].startswith("18.0.")
    # Only list and read results carry caching hints.
    assert "ttlMs" not in result


@pytest.mark.parametrize(("method", "params", "scope"), [
    ("tools/list", {}, "private"), ("resources/list", {}, "private"), ("prompts/list", {}, "private"),
    ("resources/templates/list", {}, "public"), ("resources/read", {"uri": "odoo://context"}, "private")])
def test_modern_caching_hints(key, method, params, scope):
    result = modern(key, method, params).json()["result"]
    assert result["resultType"] == "complete"
    assert isinstance(result["ttlMs"], int) and result["ttlMs"] >= 0
    assert result["cacheScope"] == scope


def test_modern_tools_list_is_in_name_order(key):
    names = [tool["name"] for tool in modern(key, "tools/list").json()["result"]["tools"]]
    assert names == sorted(names)
    assert names == [tool["name"] for tool in modern(key, "tools/list").json()["result"]["tools"]]


def test_modern_resource_not_found_is_invalid_params(key, client):
    response = modern(key, "resources/read", {"uri": "odoo://nothing/here"})
    assert response.status_code == 200
    error = error_of(response)
    assert error["code"] == -32602
    assert error["data"]["uri"] == "odoo://nothing/here"
    # The legacy era keeps -32002.
    assert client.post({"jsonrpc": "2.0", "id": 3, "method": "resources/read",
                        "params": {"uri": "odoo://nothing/here"}}).json()["error"]["code"] == -32002


@pytest.mark.parametrize(("meta", "headers"), [
    ({"io.modelcontextprotocol/protocolVersion": "1900-01-01"}, {"MCP-Protocol-Version": "1900-01-01"}),
    ({"io.modelcontextprotocol/protocolVersion": "2025-11-25"}, {"MCP-Protocol-Version": "2025-11-25"})])
def test_modern_unsupported_version_lists_the_supported_ones(key, meta, headers):
    response = modern(key, "server/discover", meta=meta, **headers)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == -32022
    assert error["data"]["supported"] == [MODERN]
    assert error["data"]["requested"] == meta["io.modelcontextprotocol/protocolVersion"]
    assert response.json()["id"] == 7


@pytest.mark.parametrize("headers", [
    {"MCP-Protocol-Version": None}, {"Mcp-Method": None}, {"Mcp-Method": "tools/list"}, {"Mcp-Name": None},
    {"Mcp-Name": "create"}, {"Mcp-Name": "=?base64?Y3JlYXRl?="}])
def test_modern_headers_must_mirror_the_body(key, headers):
    response = modern(key, "tools/call", {"name": "search_count", "arguments": {"model": "res.country"}},
                      **headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == -32020


def test_modern_base64_name_header_is_decoded(key):
    # "search_count" in the sentinel form a client uses for names that are not plain ASCII.
    response = modern(key, "tools/call", {"name": "search_count", "arguments": {"model": "res.country"}},
                      **{"Mcp-Name": "=?base64?c2VhcmNoX2NvdW50?="})
    assert response.status_code == 200
    assert response.json()["result"]["isError"] is False


@pytest.mark.parametrize("drop", ["io.modelcontextprotocol/protocolVersion",
                                  "io.modelcontextprotocol/clientCapabilities"])
def test_modern_meta_fields_are_required(key, drop):
    params = {"_meta": {k: v for k, v in META.items() if k != drop}}
    response = post(key, {"jsonrpc": "2.0", "id": 9, "method": "server/discover", "params": params},
                    **{"MCP-Protocol-Version": MODERN, "Mcp-Method": "server/discover"})
    assert response.status_code == 400
    assert error_of(response)["code"] == -32602
    assert response.json()["id"] == 9


@pytest.mark.parametrize("method", ["initialize", "ping", "logging/setLevel", "no/such"])
def test_modern_removed_and_unknown_methods_are_404(key, method):
    response = modern(key, method)
    assert response.status_code == 404
    assert error_of(response)["code"] == -32601


def test_initialize_naming_a_newer_version_is_negotiated(key):
    """Legacy clients are served whatever version they name, in the body or the header."""
    message = json.loads(json.dumps(INIT))
    message["params"]["protocolVersion"] = MODERN
    response = post(key, message, **{"MCP-Protocol-Version": "2099-01-01"})
    assert response.status_code == 200
    assert response.json()["result"]["protocolVersion"] == "2025-11-25"
    assert response.headers["MCP-Session-Id"]


def test_modern_requests_open_no_session(db, key):
    with db.cursor() as cr:
        cr.execute("SELECT count(*) FROM mcp_session")
        before = cr.fetchone()[0]
        for _ in range(3):
            assert modern(key, "tools/list").status_code == 200
        cr.execute("SELECT count(*) FROM mcp_session")
        assert cr.fetchone()[0] == before


def test_modern_input_responses_must_be_objects(key):
    response = modern(key, "tools/call", {"name": "search_count", "arguments": {"model": "res.country"},
                                          "inputResponses": {"x": 12345}})
    assert response.status_code == 400
    assert error_of(response)["code"] == -32602


# -- Host and Origin come from configuration -----------------------------------------------------------
def test_foreign_host_is_refused_before_anything_else(key, db):
    before = max_audit_id(db)
    for host in ("evil.example.com", "evil.example.com:%s" % ODOO_URL.rsplit(":", 1)[1]):
        response = post(key, INIT, Host=host, Origin="http://%s" % host)
        assert response.status_code == 403
        assert "Host not allowed" in error_of(response)["message"]
        assert "MCP-Session-Id" not in response.headers
    # Refused before authentication: even a missing key gets 403, not 401.
    assert post("nope", INIT, Host="evil.example.com", Authorization=None).status_code == 403
    with db.cursor() as cr:
        cr.execute("SELECT status, http_status, key_id FROM mcp_audit_log WHERE id > %s AND error LIKE %s",
                   [before, "host not allowed: evil.example.com%"])
        rows = cr.fetchall()
    assert rows and all(row == ("denied", 403, None) for row in rows)


def test_loopback_aliases_of_a_loopback_public_url(key):
    port = ODOO_URL.rsplit(":", 1)[1]
    for host in ("localhost:%s" % port, "127.0.0.1:%s" % port, "[::1]:%s" % port):
        assert post(key, INIT, Host=host).status_code == 200, host
    assert post(key, INIT, Origin="http://localhost:%s" % port).status_code == 200
    assert post(key, INIT, Origin="http://localhost:1").status_code == 403


def test_public_url_behind_a_proxy_that_keeps_host(key, settings):
    """An administrator who publishes the server as https://erp.example.com: a proxy that keeps Host works,
    and the loopback names no longer count."""
    settings("web.base.url", "https://erp.example.com")
    response = post(key, INIT, Host="erp.example.com:80", Origin="https://erp.example.com")
    assert response.status_code == 403  # port 80 is not the public origin's
    response = post(key, dict(INIT, id=2), Host="erp.example.com:443", Origin="https://erp.example.com")
    assert response.status_code == 200, response.text
    assert post(key, INIT, Host="localhost:%s" % ODOO_URL.rsplit(":", 1)[1]).status_code == 403
    challenge = post("nope", INIT, Host="erp.example.com:443", Authorization=None).headers["WWW-Authenticate"]
    assert 'resource_metadata="https://erp.example.com/.well-known/oauth-protected-resource/mcp"' in challenge


def test_forwarded_host_is_ignored_without_proxy_mode(key):
    response = post(key, INIT, **{"X-Forwarded-Host": "evil.example.com"})
    assert response.status_code == 200


# -- bodies no parser should choke on -------------------------------------------------------------------
def _request_with(value):
    return ('{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "search_read", '
            '"arguments": {"model": "res.partner", "limit": %s}}}' % value).encode()


HOSTILE_BODIES = {
    "deep nesting": b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": ' + b"[" * 5000 + b"]" * 5000
                    + b"}}",
    "NaN": _request_with("NaN"),
    "Infinity": _request_with("-Infinity"),
    "lone surrogate": b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "\\ud800"}}',
    "duplicate keys": b'{"jsonrpc": "2.0", "id": 1, "id": 2, "method": "ping"}',
    "huge integer limit": _request_with("1" + "0" * 30),
    "huge integer id": b'{"jsonrpc": "2.0", "id": 123456789012345678901234567890, "method": "ping"}',
    "thousands of digits": _request_with("9" * 5000),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_hostile_bodies_get_a_json_rpc_error(client, kind):
    response = client.post(HOSTILE_BODIES[kind])
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] in (-32700, -32600)
    # The worker keeps serving.
    assert client.request("ping") == {}


hostile_values = st.one_of(
    st.integers(min_value=2**63, max_value=2**200) | st.integers(min_value=-2**200, max_value=-2**63),
    st.sampled_from(["NaN", "Infinity", "-Infinity"]),
    st.integers(min_value=65, max_value=3000).map(lambda depth: "[" * depth + "]" * depth),
    st.sampled_from(["\\ud800", "\\udfff", "\\ud83d", "x\\udc00y"]).map(lambda s: '"%s"' % s),
    st.integers(min_value=1, max_value=400_000).map(lambda size: '"%s"' % ("é" * (size // 2))),
)


@hypothesis_settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
@given(value=hostile_values, where=st.sampled_from(["id", "limit", "domain", "name"]))
def test_hostile_values_never_cause_a_server_error(fuzz_client, value, where):
    """Out-of-range numbers, NaN, deep nesting, lone surrogates and long strings, wherever they sit: a
    JSON-RPC error or a tool result, never HTTP 500."""
    arguments = {"limit": '10', "domain": "[]", "name": '"x"'}
    request_id = "1"
    if where == "id":
        request_id = value
    else:
        arguments[where] = value
    body = ('{"jsonrpc": "2.0", "id": %s, "method": "tools/call", "params": {"name": "search_read", "arguments": '
            '{"model": "res.partner", "limit": %s, "domain": %s, "fields": ["name"], "order": %s}}}' % (
                request_id, arguments["limit"], arguments["domain"], arguments["name"])).encode()
    response = fuzz_client.post(body)
    assert response.status_code in (200, 400, 413), response.text[:300]
    assert "Traceback" not in response.text
    answer = response.json()
    assert ("error" in answer and answer["error"]["code"] in (-32700, -32600, -32602)) or \
        isinstance(answer["result"]["isError"], bool)
