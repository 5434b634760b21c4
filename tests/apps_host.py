"""A small MCP Apps host for the view tests: a harness page that loads a view in a sandboxed iframe and speaks
the extension's postMessage protocol (2026-01-26), and a session on /mcp that declared the extension."""
import json

import httpx

from conftest import MCP_URL, PROTOCOL_VERSION

EXTENSION_ID = "io.modelcontextprotocol/ui"
MIME_TYPE = "text/html;profile=mcp-app"
DARK_VARIABLES = {"--color-background-primary": "light-dark(#ffffff, #1b1d21)",
                  "--color-text-primary": "light-dark(#1f2328, #f0f3f6)",
                  "--color-border-primary": "light-dark(#d0d7de, #444c56)"}

# The host: answers ui/initialize with its context, sends the tool input and result once the view says it
# is initialized, forwards the view's tools/call to the server (window.forwardToMcp, a Python binding) and
# follows the view's size. Everything the view sends is kept in window.harness.received.
HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>MCP Apps test host</title></head>
<body style="margin:0;padding:8px;background:#eef0f3">
<iframe id="view" sandbox="allow-scripts" title="view" style="width:760px;height:420px;border:0"></iframe>
<script>
window.harness = {received: [], calls: [], answers: []};
window.loadView = function (html, setup) {
    var frame = document.getElementById("view");
    function reply(message) {
        message.jsonrpc = "2.0";
        frame.contentWindow.postMessage(message, "*");
    }
    window.addEventListener("message", function (event) {
        var message = event.data;
        if (event.source !== frame.contentWindow || !message || message.jsonrpc !== "2.0") { return; }
        window.harness.received.push(message);
        if (message.method === "ui/initialize") {
            reply({id: message.id, result: {protocolVersion: "2026-01-26",
                hostInfo: {name: "test-host", version: "1.0.0"}, hostCapabilities: {serverTools: {}, logging: {}},
                hostContext: {theme: setup.theme, styles: {variables: setup.variables}, locale: "en-US",
                              displayMode: "inline", platform: "web", toolInfo: {tool: {name: setup.tool}}}}});
        } else if (message.method === "ui/notifications/initialized") {
            reply({method: "ui/notifications/tool-input", params: {arguments: setup.arguments}});
            reply({method: "ui/notifications/tool-result", params: setup.result});
        } else if (message.method === "ui/notifications/size-changed") {
            frame.style.height = Math.min(Math.max(message.params.height, 120), 1200) + "px";
        } else if (message.method === "tools/call") {
            window.harness.calls.push(message.params);
            window.forwardToMcp(message.params).then(function (answer) {
                window.harness.answers.push(answer);
                reply(answer.error ? {id: message.id, error: answer.error} : {id: message.id, result: answer.result});
            });
        } else if (message.id !== undefined) {
            reply({id: message.id, error: {code: -32601, message: "Method not found"}});
        }
    });
    frame.srcdoc = html;
};
</script></body></html>
"""


class AppsHost:
    """A session on /mcp of a client that declared the MCP Apps extension."""

    def __init__(self, secret):
        self.secret = secret
        self.http = httpx.AsyncClient(timeout=60)
        self.session_id = None
        self.next_id = 0

    async def rpc(self, method, params=None):
        """The JSON-RPC answer (result or error) of one request."""
        self.next_id += 1
        headers = {"Authorization": "Bearer %s" % self.secret, "Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        if self.session_id:
            headers.update({"MCP-Session-Id": self.session_id, "MCP-Protocol-Version": PROTOCOL_VERSION})
        response = await self.http.post(MCP_URL, content=json.dumps({
            "jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}}), headers=headers)
        assert response.status_code == 200, response.text
        if method == "initialize":
            self.session_id = response.headers["MCP-Session-Id"]
        return response.json()

    async def __aenter__(self):
        answer = await self.rpc("initialize", {
            "protocolVersion": PROTOCOL_VERSION, "clientInfo": {"name": "apps-test-host", "version": "1"},
            "capabilities": {"extensions": {EXTENSION_ID: {"mimeTypes": [MIME_TYPE]}}}})
        assert EXTENSION_ID in answer["result"]["capabilities"]["extensions"], answer
        return self

    async def __aexit__(self, *exc):
        await self.http.aclose()

    async def result(self, method, params=None):
        answer = await self.rpc(method, params)
        assert "result" in answer, answer
        return answer["result"]

    async def call(self, name, arguments):
        result = await self.result("tools/call", {"name": name, "arguments": arguments})
        assert not result.get("isError"), result["content"][0]["text"]
        return result

    async def view(self, uri):
        """The HTML of a ui:// view, checked for the extension's MIME type."""
        content = (await self.result("resources/read", {"uri": uri}))["contents"][0]
        assert content["mimeType"] == MIME_TYPE
        return content["text"]
