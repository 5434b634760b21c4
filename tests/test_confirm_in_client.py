"""'Confirm in the client': a write the profile marks for confirmation runs only after the person using the
client accepted a summary of its changes (modern: input-required result; legacy: elicitation on the stream)."""
import json

import httpx
import pytest

from conftest import MCP_URL, TAG, RawClient, create_key, key_id
from servers import odoo_rpc

MODERN = "2026-07-28"
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
ACCEPT = {"confirm": {"action": "accept", "content": {"confirm": True}}}
DECLINE = {"confirm": {"action": "decline"}}


def confirming_key(db, name):
    """A key whose profile asks for confirmation in the client before write tools run."""
    secret = create_key(name, grants=["res.partner:read,create,write"])
    with db.cursor() as cr:
        cr.execute("SELECT profile_id FROM mcp_api_key WHERE id = %s", [key_id(db, secret)])
        profile_id = cr.fetchone()[0]
    odoo_rpc("mcp.access.profile", "write", [profile_id], {"confirm_write": True})
    return secret


@pytest.fixture(scope="module")
def key(db):
    return confirming_key(db, "e2e confirm")


def call(key, name, arguments, capabilities=None, **extra):
    params = dict(extra, name=name, arguments=arguments, _meta={
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}} if capabilities is None else capabilities})
    response = httpx.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params},
                          headers=dict(HEADERS, Authorization="Bearer %s" % key, **{
                              "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": name}),
                          timeout=60)
    return response.json()


def partners(name):
    return odoo_rpc("res.partner", "search_count", [["name", "=", name]])


def test_accepting_runs_the_call_as_submitted(key, db):
    name = "Confirmed %s" % TAG
    asked = call(key, "create", {"model": "res.partner", "values": {"name": name}})["result"]
    assert asked["resultType"] == "input_required"
    request = asked["inputRequests"]["confirm"]
    assert request["method"] == "elicitation/create"
    assert "Create a res.partner record: name = %s" % name in request["params"]["message"]
    # The question names the tool as a name, not as words of the sentence.
    assert request["params"]["message"].startswith("Allow the tool “Create")
    assert request["params"]["requestedSchema"]["properties"]["confirm"]["type"] == "boolean"
    assert "ttlMs" not in asked
    assert partners(name) == 0  # nothing happens before the person accepts

    done = call(key, "create", {"model": "res.partner", "values": {"name": name}},
                inputResponses=ACCEPT, requestState=asked["requestState"])["result"]
    assert done["resultType"] == "complete" and done["isError"] is False
    assert partners(name) == 1
    with db.cursor() as cr:
        cr.execute("SELECT status FROM mcp_audit_log WHERE key_id = %s AND tool = 'create' ORDER BY id",
                   [key_id(db, key)])
        assert [row[0] for row in cr.fetchall()][-2:] == ["pending_confirmation", "success"]

    # The same state cannot run the call a second time.
    replayed = call(key, "create", {"model": "res.partner", "values": {"name": name}},
                    inputResponses=ACCEPT, requestState=asked["requestState"])
    assert replayed["error"]["code"] == -32602
    assert partners(name) == 1


def test_write_summary_shows_before_and_after(key):
    partner = odoo_rpc("res.partner", "create", {"name": "Before %s" % TAG, "city": "Ghent"})
    asked = call(key, "write", {"model": "res.partner", "ids": [partner], "values": {"city": "Bruges"}})["result"]
    assert "city: Ghent → Bruges" in asked["inputRequests"]["confirm"]["params"]["message"]
    assert odoo_rpc("res.partner", "read", [partner], ["city"])[0]["city"] == "Ghent"


def test_declining_changes_nothing(key):
    name = "Declined %s" % TAG
    asked = call(key, "create", {"model": "res.partner", "values": {"name": name}})["result"]
    declined = call(key, "create", {"model": "res.partner", "values": {"name": name}},
                    inputResponses=DECLINE, requestState=asked["requestState"])["result"]
    assert declined["isError"] is True
    assert "declined" in declined["content"][0]["text"] and "nothing was changed" in declined["content"][0]["text"]
    assert partners(name) == 0


@pytest.mark.parametrize("change", ["tampered", "other arguments", "other key"])
def test_a_state_that_does_not_match_executes_nothing(db, key, change):
    name = "Tampered %s %s" % (change, TAG)
    arguments = {"model": "res.partner", "values": {"name": name}}
    state = call(key, "create", arguments)["result"]["requestState"]
    secret = key
    if change == "tampered":
        state = state[:-3] + ("AAA" if not state.endswith("AAA") else "BBB")
    elif change == "other arguments":
        arguments = {"model": "res.partner", "values": {"name": name + " bis"}}
    else:
        secret = confirming_key(db, "e2e confirm other")
    answer = call(secret, "create", arguments, inputResponses=ACCEPT, requestState=state)
    assert answer["error"]["code"] == -32602
    assert "requestState" in answer["error"]["message"]
    assert partners(name) == 0 and partners(name + " bis") == 0


def test_clients_that_cannot_ask_fall_back_to_approval(key):
    name = "Approval %s" % TAG
    result = call(key, "create", {"model": "res.partner", "values": {"name": name}}, capabilities={})["result"]
    assert result["isError"] is True
    assert result["structuredContent"]["status"] == "pending_approval"
    assert partners(name) == 0


def test_legacy_client_confirms_on_the_request_stream(key):
    name = "Legacy confirmed %s" % TAG
    client = RawClient(key)
    response = client.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {"elicitation": {}},
        "clientInfo": {"name": "e2e-confirm", "version": "1"}}})
    client.session_id = response.headers["MCP-Session-Id"]
    message = {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
               "params": {"name": "create", "arguments": {"model": "res.partner", "values": {"name": name}}}}
    events = []
    with client.http.stream("POST", MCP_URL, content=json.dumps(message), headers=client.headers()) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            events.append(event)
            if event.get("method") == "elicitation/create":
                assert "Create a res.partner record" in event["params"]["message"]
                assert partners(name) == 0
                answered = client.post({"jsonrpc": "2.0", "id": event["id"],
                                        "result": {"action": "accept", "content": {"confirm": True}}})
                assert answered.status_code == 202
            if event.get("id") == 5:
                break
    assert events[-1]["result"]["isError"] is False
    assert partners(name) == 1
    client.close()
