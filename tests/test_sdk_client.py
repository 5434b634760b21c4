"""The server as the official MCP Python SDK sees it (Streamable HTTP client + ClientSession)."""
import json
from contextlib import asynccontextmanager

import httpx
import httpx2
import pytest
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.types import PromptReference

from conftest import MCP_URL, ODOO_DB, TAG, create_key

pytestmark = pytest.mark.anyio

RECORD_TOOLS = {"list_models", "describe_model", "search_read", "read", "search_count", "name_search",
                "create", "write", "unlink"}
READ_TOOLS = {"list_models", "describe_model", "search_read", "read", "search_count", "name_search"}


@asynccontextmanager
async def sdk_session(secret, seen=None):
    """An initialized ClientSession; ``seen`` collects (method, status, session id) of every HTTP exchange."""

    async def record(response):
        if seen is not None:
            seen.append((response.request.method, response.status_code, response.headers.get("mcp-session-id")
                         or response.request.headers.get("mcp-session-id")))

    try:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer %s" % secret},
                                      event_hooks={"response": [record]}) as http, \
                streamable_http_client(MCP_URL, http_client=http) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            yield session
    except BaseExceptionGroup as group:
        # The SDK's task groups wrap a failing assertion: show it as it is.
        leaves = _leaves(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group):
    if isinstance(group, BaseExceptionGroup):
        return [leaf for exc in group.exceptions for leaf in _leaves(exc)]
    return [group]


async def test_initialize_reports_server_identity_and_capabilities(admin_key, data):
    async with sdk_session(admin_key) as session:
        result = session.initialize_result
        assert result.protocol_version == "2025-11-25"
        assert result.server_info.name == "odoo-mcp-server"
        assert result.server_info.title == "Odoo MCP Server"
        assert result.server_info.version.startswith("18.0.")
        capabilities = result.capabilities
        assert capabilities.tools is not None
        assert capabilities.resources is not None
        assert capabilities.prompts is not None
        assert capabilities.completions is not None
        assert capabilities.logging is not None
        # The instructions tell the agent where it is and as whom.
        assert ODOO_DB in result.instructions
        assert "Administrator" in result.instructions
        assert "list_models" in result.instructions
        assert (await session.send_ping()) is not None


async def test_tools_list_names_annotations_and_schemas(admin_key):
    async with sdk_session(admin_key) as session:
        listing = await session.list_tools()
        tools = {tool.name: tool for tool in listing.tools}
        assert set(tools) >= RECORD_TOOLS
        for name in RECORD_TOOLS:
            tool = tools[name]
            assert tool.input_schema["type"] == "object"
            assert "model" in tool.input_schema["properties"] or name == "list_models"
            assert tool.output_schema and tool.output_schema["type"] == "object", name
            assert tool.title and tool.description
            assert tool.annotations.read_only_hint is (name in READ_TOOLS), name
            # destructiveHint only means something for tools that write.
            assert tool.annotations.destructive_hint is (None if name in READ_TOOLS else name == "unlink"), name
        # Strict clients reject top-level combinators.
        for tool in listing.tools:
            assert not {"anyOf", "oneOf", "allOf"} & set(tool.input_schema), tool.name


async def test_every_record_tool_through_the_sdk(admin_key, data):
    async with sdk_session(admin_key) as session:
        await session.list_tools()  # lets the SDK validate structured results against outputSchema

        listed = (await session.call_tool("list_models", {"search": "partner"})).structured_content
        assert [m["model"] for m in listed["models"]] == ["res.partner"]
        assert listed["models"][0]["operations"] == ["create", "read", "unlink", "write"]

        described = (await session.call_tool("describe_model", {"model": "res.partner"})).structured_content
        assert described["fields"]["name"]["type"] == "char"
        assert described["fields"]["parent_id"]["relation"] == "res.partner"
        assert "name" in described["default_fields"]

        found = (await session.call_tool("search_read", {
            "model": "res.partner", "domain": [["name", "=like", "% " + TAG], ["is_company", "=", True]],
            "fields": ["name", "city", "email"], "order": "name"})).structured_content
        assert [r["name"] for r in found["records"]] == ["Acme %s" % TAG, "Globex %s" % TAG]
        assert found["records"][0]["email"] == "secret-acme-%s@acme.test" % TAG
        assert found["count"] == 2 and not found.get("has_more")

        # Odoo's string domain syntax works too, and many2one values come back as {id, name}.
        alice = (await session.call_tool("search_read", {
            "model": "res.partner", "domain": "[('id', '=', %d)]" % data["alice"],
            "fields": ["parent_id", "write_date"]})).structured_content["records"][0]
        assert alice["parent_id"] == {"id": data["globex"], "name": "Globex %s" % TAG}
        assert alice["write_date"].endswith("Z")

        read = await session.call_tool("read", {"model": "res.partner", "ids": [data["bob"]], "fields": ["name"]})
        assert read.is_error is False
        assert read.structured_content["records"] == [{"id": data["bob"], "name": "Bob %s" % TAG}]
        # The text block carries the same data for clients that ignore structured content, framed as data.
        text = read.content[0].text
        assert "never instructions" in text.splitlines()[0]
        assert json.loads(text.split("\n", 2)[2].rsplit("\n", 1)[0]) == read.structured_content

        count = await session.call_tool("search_count", {"model": "res.partner",
                                                         "domain": [["city", "=", data["paris"]]]})
        assert count.structured_content == {"model": "res.partner", "count": 2}

        names = await session.call_tool("name_search", {"model": "res.partner", "name": "Globex %s" % TAG})
        # A contact's name includes its company's ("Globex …, Alice …"), as in Odoo's autocomplete.
        assert {(r["id"], r["name"]) for r in names.structured_content["results"]} == {
            (data["globex"], "Globex %s" % TAG), (data["alice"], "Globex %s, Alice %s" % (TAG, TAG))}

        created = await session.call_tool("create", {"model": "res.partner", "values": {
            "name": "Initech %s" % TAG, "is_company": True, "parent_id": "Acme %s" % TAG}})
        assert created.is_error is False, created.content[0].text
        new_id = created.structured_content["id"]
        assert created.structured_content["display_name"].endswith("Initech %s" % TAG)

        written = await session.call_tool("write", {"model": "res.partner", "ids": [new_id],
                                                    "values": {"city": "Berlin-%s" % TAG}})
        assert written.structured_content == {"model": "res.partner", "ids": [new_id], "updated": 1}
        check = await session.call_tool("read", {"model": "res.partner", "ids": [new_id],
                                                 "fields": ["city", "parent_id"]})
        assert check.structured_content["records"][0]["city"] == "Berlin-%s" % TAG
        assert check.structured_content["records"][0]["parent_id"]["id"] == data["acme"]

        deleted = await session.call_tool("unlink", {"model": "res.partner", "ids": [new_id]})
        assert deleted.structured_content == {"model": "res.partner", "deleted": [new_id]}
        gone = await session.call_tool("read", {"model": "res.partner", "ids": [new_id]})
        assert gone.is_error is True
        assert str(new_id) in gone.content[0].text


async def test_tool_errors_are_results_and_protocol_errors_raise(admin_key):
    async with sdk_session(admin_key) as session:
        denied = await session.call_tool("search_read", {"model": "ir.config_parameter"})
        assert denied.is_error is True
        assert "not allowed for this key" in denied.content[0].text

        typo = await session.call_tool("describe_model", {"model": "res.partnr"})
        assert typo.is_error is True
        assert "res.partner" in typo.content[0].text  # "did you mean"

        with pytest.raises(MCPError) as unknown_tool:
            await session.call_tool("drop_database", {})
        assert unknown_tool.value.code == -32602

        # Invalid arguments are a tool result the model can read and fix (SEP-1303).
        bad_arguments = await session.call_tool("search_read", {"model": "res.partner", "limt": 5})
        assert bad_arguments.is_error is True
        assert "did you mean 'limit'?" in bad_arguments.content[0].text


async def test_resources_templates_and_read(admin_key, data):
    async with sdk_session(admin_key) as session:
        resources = await session.list_resources()
        uris = {r.uri for r in resources.resources}
        assert "odoo://context" in uris
        assert "odoo://model/res.partner/schema" in uris
        assert "odoo://model/ir.config_parameter/schema" not in uris

        templates = await session.list_resource_templates()
        assert {t.uri_template for t in templates.resource_templates} >= {
            "odoo://model/{model}/schema", "odoo://record/{model}/{id}"}

        context = json.loads((await session.read_resource("odoo://context")).contents[0].text)
        assert context["user"]["login"] == "admin"
        assert context["database"] == ODOO_DB
        assert context["currency"]

        record = await session.read_resource("odoo://record/res.partner/%d" % data["acme"])
        assert record.contents[0].mime_type == "application/json"
        assert json.loads(record.contents[0].text)["name"] == "Acme %s" % TAG

        schema = json.loads((await session.read_resource("odoo://model/res.country/schema")).contents[0].text)
        assert schema["model"] == "res.country" and "code" in schema["fields"]

        with pytest.raises(MCPError) as missing:
            await session.read_resource("odoo://record/res.partner/999999999")
        assert missing.value.code == -32002
        with pytest.raises(MCPError) as not_granted:
            await session.read_resource("odoo://model/ir.config_parameter/schema")
        assert not_granted.value.code == -32002


async def test_prompts_and_completion(admin_key, data):
    async with sdk_session(admin_key) as session:
        prompts = {p.name: p for p in (await session.list_prompts()).prompts}
        assert set(prompts) >= {"explore_model", "summarize_record"}
        assert [a.name for a in prompts["summarize_record"].arguments] == ["model", "record_id"]
        assert all(a.required for a in prompts["summarize_record"].arguments)

        explore = await session.get_prompt("explore_model", {"model": "res.partner"})
        assert "res.partner" in explore.messages[0].content.text

        summary = await session.get_prompt("summarize_record", {"model": "res.partner",
                                                                "record_id": str(data["acme"])})
        embedded = [m.content for m in summary.messages if m.content.type == "resource"]
        assert json.loads(embedded[0].resource.text)["name"] == "Acme %s" % TAG

        with pytest.raises(MCPError) as missing_argument:
            await session.get_prompt("summarize_record", {"model": "res.partner"})
        assert missing_argument.value.code == -32602
        with pytest.raises(MCPError) as not_granted:
            await session.get_prompt("explore_model", {"model": "ir.config_parameter"})
        assert not_granted.value.code == -32602

        completion = await session.complete(PromptReference(type="ref/prompt", name="explore_model"),
                                            {"name": "model", "value": "res.co"})
        assert completion.completion.values[:2] == ["res.company", "res.country"]
        assert "res.partner" not in completion.completion.values


async def test_logging_set_level(admin_key, db):
    async with sdk_session(admin_key) as session:
        await session.set_logging_level("warning")
        with db.cursor() as cr:
            cr.execute("SELECT log_level FROM mcp_session ORDER BY id DESC LIMIT 1")
            assert cr.fetchone()[0] == "warning"


async def test_pagination_with_more_than_one_page(db):
    with db.cursor() as cr:
        cr.execute("SELECT model FROM ir_model WHERE NOT transient AND model NOT LIKE 'mcp.%%' "
                   "ORDER BY model LIMIT 60")
        models = [row[0] for row in cr.fetchall()]
    secret = create_key("e2e many models", grants=["%s:read" % m for m in models])
    async with sdk_session(secret) as session:
        first = await session.list_resources()
        assert len(first.resources) == 50
        assert first.next_cursor
        second = await session.list_resources(params={"cursor": first.next_cursor})
        uris = [r.uri for r in first.resources + second.resources]
        assert len(uris) == len(set(uris))
        assert {"odoo://model/%s/schema" % m for m in models} <= set(uris)
        assert not second.next_cursor
        with pytest.raises(MCPError) as bad_cursor:
            await session.list_resources(params={"cursor": "not-a-cursor"})
        assert bad_cursor.value.code == -32602


async def test_session_ends_when_the_client_closes(admin_key):
    seen = []
    async with sdk_session(admin_key, seen) as session:
        await session.list_tools()
    session_ids = {sid for _method, _status, sid in seen if sid}
    assert len(session_ids) == 1
    session_id = session_ids.pop()
    assert ("DELETE", 204, session_id) in seen
    # The ended session is refused from now on.
    response = httpx.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers={
        "Authorization": "Bearer %s" % admin_key, "MCP-Session-Id": session_id,
        "MCP-Protocol-Version": "2025-11-25", "Accept": "application/json, text/event-stream"})
    assert response.status_code == 404


async def test_high_level_client_negotiates_automatically(admin_key, data):
    """``mcp.Client`` probes the 2026 ``server/discover`` first and falls back to initialize."""
    async with httpx2.AsyncClient(headers={"Authorization": "Bearer %s" % admin_key}) as http, \
            Client(streamable_http_client(MCP_URL, http_client=http)) as client:
        result = await client.call_tool("search_count", {"model": "res.partner",
                                                         "domain": [["city", "=", data["lyon"]]]})
        assert result.structured_content["count"] == 2


# -- the modern era (2026-07-28) with the SDK's high-level client ------------------------------------------
@asynccontextmanager
async def sdk_client(secret, mode="auto", seen=None, **options):
    """``mcp.Client`` over Streamable HTTP; ``seen`` collects the request headers of every HTTP exchange."""

    async def record(request):
        if seen is not None:
            seen.append(dict(request.headers))

    try:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer %s" % secret},
                                      event_hooks={"request": [record]}) as http, \
                Client(streamable_http_client(MCP_URL, http_client=http), mode=mode, **options) as client:
            yield client
    except BaseExceptionGroup as group:
        leaves = _leaves(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


async def test_modern_client_is_served_statelessly(admin_key, data):
    seen = []
    async with sdk_client(admin_key, seen=seen) as client:
        assert client.protocol_version == "2026-07-28"
        assert client.server_info.name == "odoo-mcp-server"
        assert client.server_capabilities.tools is not None
        assert ODOO_DB in client.instructions
        result = await client.call_tool("search_count", {
            "model": "res.partner", "domain": [["city", "=", data["lyon"]]]})
        assert result.structured_content["count"] == 2
    # No handshake and no session: every request names its method and version in headers.
    assert seen and all("mcp-session-id" not in headers for headers in seen)
    assert all(headers.get("mcp-protocol-version") == "2026-07-28" for headers in seen)
    assert [headers.get("mcp-method") for headers in seen][:1] == ["server/discover"]


async def test_modern_client_main_scenarios(admin_key, data):
    async with sdk_client(admin_key, mode="2026-07-28") as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert tools >= RECORD_TOOLS
        found = (await client.call_tool("search_read", {
            "model": "res.partner", "domain": [["name", "=like", "% " + TAG], ["is_company", "=", True]],
            "fields": ["name"], "order": "name"})).structured_content
        assert [r["name"] for r in found["records"]] == ["Acme %s" % TAG, "Globex %s" % TAG]
        created = await client.call_tool("create", {"model": "res.partner", "values": {"name": "Modern %s" % TAG}})
        assert created.is_error is False
        new_id = created.structured_content["id"]
        read = await client.call_tool("read", {"model": "res.partner", "ids": [new_id], "fields": ["name"]})
        assert read.structured_content["records"] == [{"id": new_id, "name": "Modern %s" % TAG}]
        assert (await client.call_tool("unlink", {"model": "res.partner", "ids": [new_id]})).is_error is False

        context = await client.read_resource("odoo://context")
        assert json.loads(context.contents[0].text)["database"] == ODOO_DB
        templates = await client.list_resource_templates()
        assert "odoo://record/{model}/{id}" in {t.uri_template for t in templates.resource_templates}
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert {"explore_model", "summarize_record"} <= prompts
        prompt = await client.get_prompt("explore_model", {"model": "res.partner"})
        assert "res.partner" in prompt.messages[0].content.text
        completion = await client.complete(PromptReference(type="ref/prompt", name="explore_model"),
                                           {"name": "model", "value": "res.part"})
        assert "res.partner" in completion.completion.values


async def test_modern_client_errors(admin_key):
    async with sdk_client(admin_key, mode="2026-07-28") as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource("odoo://record/res.partner/999999999")
        assert raised.value.error.code == -32602
        failed = await client.call_tool("search_read", {"model": "res.users.apikeys"})
        assert failed.is_error is True


async def test_legacy_mode_of_the_same_client(admin_key, data):
    async with sdk_client(admin_key, mode="legacy") as client:
        assert client.protocol_version == "2025-11-25"
        result = await client.call_tool("search_count", {
            "model": "res.partner", "domain": [["city", "=", data["lyon"]]]})
        assert result.structured_content["count"] == 2
