"""The deprecated HTTP+SSE transport (protocol 2024-11-05) as the official SDK's ``sse_client`` sees it."""
import time
from contextlib import asynccontextmanager

import httpx
import pytest
from mcp import ClientSession
from mcp.client.sse import sse_client

from conftest import ODOO_URL, TAG, create_key, last_audit, max_audit_id

pytestmark = pytest.mark.anyio

SSE_URL = ODOO_URL + "/mcp/sse"


@asynccontextmanager
async def sse_session(secret, stream_ids=None):
    """An initialized ClientSession over /mcp/sse; ``stream_ids`` collects the stream id of the endpoint."""
    on_created = stream_ids.append if stream_ids is not None else None
    try:
        async with sse_client(SSE_URL, headers={"Authorization": "Bearer %s" % secret},
                              on_session_created=on_created) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            yield session
    except BaseExceptionGroup as group:
        leaves = list(group.exceptions)
        while len(leaves) == 1 and isinstance(leaves[0], BaseExceptionGroup):
            leaves = list(leaves[0].exceptions)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


async def test_sse_client_lists_calls_and_is_denied_like_streamable_http(admin_key, data, db):
    before = max_audit_id(db)
    async with sse_session(admin_key) as session:
        assert session.initialize_result.server_info.name == "odoo-mcp-server"
        tools = {tool.name for tool in (await session.list_tools()).tools}
        assert {"search_read", "describe_model"} <= tools

        found = (await session.call_tool("search_read", {
            "model": "res.partner", "domain": [["name", "=like", "% " + TAG], ["is_company", "=", True]],
            "fields": ["name", "email"], "order": "name"})).structured_content
        assert [r["name"] for r in found["records"]] == ["Acme %s" % TAG, "Globex %s" % TAG]
        assert found["records"][0]["email"] == "secret-acme-%s@acme.test" % TAG

        denied = await session.call_tool("search_read", {"model": "ir.config_parameter"})
        assert denied.is_error is True
        assert "not allowed for this key" in denied.content[0].text

    rows = last_audit(db, admin_key, before)
    denied_row = next(r for r in rows if r["tool"] == "search_read" and r["model"] == "ir.config_parameter")
    assert denied_row["status"] == "denied"
    assert denied_row["http_status"] == 202
    found_row = next(r for r in rows if r["tool"] == "search_read" and r["model"] == "res.partner")
    assert found_row["status"] == "success"
    # Every message after initialize runs in the session initialize opened on this stream.
    assert denied_row["session_id"] and denied_row["session_id"] == found_row["session_id"]
    assert any(r["method"] == "sse/open" and r["status"] == "success" for r in rows)


def test_stream_opens_with_the_endpoint_event_and_ends_when_the_client_leaves(admin_key, db):
    headers = {"Authorization": "Bearer %s" % admin_key}
    with httpx.Client(timeout=10) as http:
        with http.stream("GET", SSE_URL, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.iter_lines()
            assert next(lines) == "event: endpoint"
            endpoint = next(lines)[len("data: "):]
            assert endpoint.startswith("/mcp/messages?session_id=")
        # The server notices the hang-up at once (its worker is free again) and the stream is gone.
        ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        for _attempt in range(50):
            posted = http.post(ODOO_URL + endpoint, json=ping, headers=headers)
            if posted.status_code == 404:
                break
            assert posted.status_code == 202
            time.sleep(0.1)
        assert posted.status_code == 404


def test_wrong_key_is_refused_with_401(db):
    with httpx.Client(timeout=10) as http:
        opened = http.get(SSE_URL, headers={"Authorization": "Bearer mcpk_wrong_%s" % TAG})
        assert opened.status_code == 401
        assert opened.headers["www-authenticate"].startswith("Bearer ")
        posted = http.post(ODOO_URL + "/mcp/messages?session_id=whatever",
                           json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert posted.status_code == 401


async def test_another_keys_stream_is_refused(admin_key, db):
    other_key = create_key("e2e sse other", grants=["res.partner:read"])
    stream_ids = []
    async with sse_session(admin_key, stream_ids) as session:
        await session.send_ping()
        endpoint = ODOO_URL + "/mcp/messages?session_id=%s" % stream_ids[0]
        # A notification: no response travels on the stream the SDK is reading.
        notification = {"jsonrpc": "2.0", "method": "notifications/roots/list_changed"}
        async with httpx.AsyncClient(timeout=10) as http:
            refused = await http.post(endpoint, json=notification,
                                      headers={"Authorization": "Bearer %s" % other_key})
            assert refused.status_code == 404
            assert "Unknown or ended stream" in refused.json()["error"]["message"]
            accepted = await http.post(endpoint, json=notification,
                                       headers={"Authorization": "Bearer %s" % admin_key})
            assert accepted.status_code == 202
    assert last_audit(db, other_key)[0]["error"] == "unknown stream"
