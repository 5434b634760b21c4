"""Every tool the live server lists (all addons installed) has a schema OpenAI and Gemini accept."""
import importlib.util
import pathlib

from jsonschema import Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("tool_schema", ROOT / "mcp_server" / "lib" / "tool_schema.py")
tool_schema = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool_schema)


# The official conformance suite's fixture tools (test-only addon) exercise JSON Schema 2020-12 on purpose.
CONFORMANCE_FIXTURE_TOOLS = {"json_schema_2020_12_tool"}


def is_conformance_fixture(name):
    return name.startswith("test_") or name in CONFORMANCE_FIXTURE_TOOLS


def list_all_tools(client):
    tools, cursor = [], None
    while True:
        page = client.request("tools/list", {"cursor": cursor} if cursor else {})
        tools += page["tools"]
        cursor = page.get("nextCursor")
        if not cursor:
            return tools


def test_tools_list_has_no_node_an_llm_api_refuses(admin):
    tools = list_all_tools(admin)
    names = {tool["name"] for tool in tools}
    assert {"search_read", "aggregate", "call_method", "funnel", "list_activities"} <= names
    problems = []
    for tool in tools:
        if is_conformance_fixture(tool["name"]):
            continue
        problems += ["%s: %s" % p for p in tool_schema.lint(tool["inputSchema"], tool["name"] + ".inputSchema")]
        Draft202012Validator.check_schema(tool["inputSchema"])
        if "outputSchema" in tool:
            Draft202012Validator.check_schema(tool["outputSchema"])
    assert problems == []
