"""The suite's fixture tools, resources and prompts, served beside the server's own (both eras)."""
import json
import re

from jsonschema import Draft202012Validator

from odoo import models
from odoo.addons.mcp_server.lib import jsonrpc
from odoo.addons.mcp_server.lib.jsonrpc import JsonRpcError

from . import fixtures_data as data

TEMPLATE_URI = re.compile(r"^test://template/([^/]+)/data$")
FIXTURES_ADDON = "mcp_conformance_fixtures"


class McpServerFixtures(models.AbstractModel):
    _inherit = "mcp.server"

    # ------------------------------------------------------------------
    # Catalogs
    # ------------------------------------------------------------------
    def _fixture_tools(self, call):
        tools = [{"name": name, "description": description, "inputSchema": data.EMPTY_SCHEMA}
                 for name, (description, _content) in data.CONTENT_TOOLS.items()]
        tools += [{"name": name, "description": description, "inputSchema": schema}
                  for name, (description, schema) in data.OTHER_TOOLS.items()]
        if call.modern:
            tools += [{"name": name, "description": description, "inputSchema": data.EMPTY_SCHEMA}
                      for name, description in data.MODERN_TOOLS.items()]
        return tools

    def _tool_descriptions(self, call):
        # The fixtures first (these, then the registry tools of this addon), so they are on the first page the
        # suite reads.
        catalog = self.env["mcp.tool.registry"]._catalog()
        listed = super()._tool_descriptions(call)
        own = [tool for tool in listed if getattr(catalog.get(tool["name"]), "module", None) == FIXTURES_ADDON]
        rest = [tool for tool in listed if tool not in own]
        return sorted(self._fixture_tools(call), key=lambda t: t["name"]) + own + rest

    def _resource_descriptions(self, call):
        fixtures = [{"uri": uri, "name": name, "title": title, "description": description,
                     "mimeType": content["mimeType"]} for uri, (name, title, description, content)
                    in data.RESOURCES.items()]
        return fixtures + super()._resource_descriptions(call)

    def _resource_templates(self, call):
        return [data.TEMPLATE, *super()._resource_templates(call)]

    def _prompt_descriptions(self, call):
        prompts = list(data.PROMPTS) + ([data.MODERN_PROMPT] if call.modern else [])
        return prompts + super()._prompt_descriptions(call)

    def _capabilities(self, call):
        capabilities = super()._capabilities(call)
        if not call.modern:
            capabilities["resources"] = dict(capabilities["resources"], subscribe=True)
        return capabilities

    def _method_handlers(self, call):
        handlers = super()._method_handlers(call)
        if not call.modern:
            handlers.update({"resources/subscribe": self._rpc_fixture_subscribe,
                             "resources/unsubscribe": self._rpc_fixture_subscribe})
        return handlers

    def _rpc_fixture_subscribe(self, params, call):
        if not isinstance(params.get("uri"), str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, "a 'uri' string is required")
        return {}

    # ------------------------------------------------------------------
    # Calls
    # ------------------------------------------------------------------
    def _rpc_tools_call(self, params, call):
        name = params.get("name")
        if name in data.CONTENT_TOOLS:
            return {"content": data.CONTENT_TOOLS[name][1]}
        handler = getattr(self, "_fixture_%s" % name, None) if isinstance(name, str) and (
            name in data.OTHER_TOOLS or (call.modern and name in data.MODERN_TOOLS)) else None
        if handler:
            call.note(tool=name)
            return handler(params.get("arguments") or {}, call)
        return super()._rpc_tools_call(params, call)

    def _fixture_test_tool_with_logging(self, arguments, call):
        for message in ("Tool execution started", "Tool processing data", "Tool execution completed"):
            call.log("info", message, logger="conformance-test-server")
        return data.text("Tool with logging executed successfully")

    def _fixture_test_tool_with_progress(self, arguments, call):
        for step in (0, 50, 100):
            call.report_progress(step, 100, "Completed step %s of 100" % step)
        return data.text(str(call.progress_token if call.progress_token is not None else 0))

    def _fixture_json_schema_2020_12_tool(self, arguments, call):
        errors = sorted(Draft202012Validator(data.JSON_SCHEMA_2020_12).iter_errors(arguments), key=str)
        if errors:
            return dict(data.text("Invalid arguments: %s" % errors[0].message[:200]), isError=True)
        return data.text("ok")

    def _fixture_test_error_handling(self, arguments, call):
        return dict(data.text("This tool intentionally returns an error for testing"), isError=True)

    def _rpc_resources_read(self, params, call):
        uri = params.get("uri")
        if not (isinstance(uri, str) and uri.startswith("test://")):
            return super()._rpc_resources_read(params, call)
        if uri in data.RESOURCES:
            return {"contents": [dict(data.RESOURCES[uri][3], uri=uri)]}
        match = TEMPLATE_URI.match(uri)
        if match:
            item = match.group(1)
            return {"contents": [{"uri": uri, "mimeType": "application/json", "text": json.dumps(
                {"id": item, "templateTest": True, "data": "Data for ID: %s" % item})}]}
        raise self._resource_not_found(uri, call)

    def _rpc_prompts_get(self, params, call):
        name = params.get("name")
        arguments = params.get("arguments") or {}
        if name == "test_simple_prompt":
            return {"messages": [{"role": "user", "content": {
                "type": "text", "text": "This is a simple prompt for testing."}}]}
        if name == "test_prompt_with_arguments":
            return {"messages": [{"role": "user", "content": {"type": "text", "text": (
                "Prompt with arguments: arg1='%s', arg2='%s'" % (arguments.get("arg1"), arguments.get("arg2")))}}]}
        if name == "test_prompt_with_embedded_resource":
            return {"messages": [
                {"role": "user", "content": {"type": "resource", "resource": {
                    "uri": arguments.get("resourceUri"), "mimeType": "text/plain",
                    "text": "Embedded resource content for testing."}}},
                {"role": "user", "content": {"type": "text", "text": "Please process the embedded resource above."}}]}
        if name == "test_prompt_with_image":
            return {"messages": [
                {"role": "user", "content": {"type": "image", "data": data.IMAGE_PNG, "mimeType": "image/png"}},
                {"role": "user", "content": {"type": "text", "text": "Please analyze the image above."}}]}
        if name == "test_input_required_result_prompt" and call.modern:
            return self._fixture_prompt_with_input(call)
        return super()._rpc_prompts_get(params, call)

    def _fixture_prompt_with_input(self, call):
        answer = (call.input_responses or {}).get("user_context")
        if answer:
            return {"messages": [{"role": "user", "content": {
                "type": "text", "text": "Prompt with context: %s" % data.form_value(answer, "context")}}]}
        return {"resultType": "input_required", "inputRequests": {
            "user_context": data.elicit("What context should the prompt use?", context="string")}}

    # ------------------------------------------------------------------
    # Tools that ask the client (legacy: on the request's stream; modern: input-required results)
    # ------------------------------------------------------------------
    def _fixture_ask(self, call, request, done):
        answer = (call.input_responses or {}).get("answer")
        if answer is None:
            return {"resultType": "input_required", "inputRequests": {"answer": request}}
        return data.text(done(answer))

    def _fixture_test_sampling(self, arguments, call):
        def done(answer):
            content = answer.get("content") if isinstance(answer.get("content"), dict) else {}
            return "LLM response: %s" % (content.get("text") or "No response")
        return self._fixture_ask(call, data.sample(str(arguments.get("prompt", ""))), done)

    def _fixture_test_elicitation(self, arguments, call):
        request = data.elicit(str(arguments.get("message", "")), response="string")
        request["params"]["requestedSchema"]["properties"]["response"]["description"] = "User's response"
        return self._fixture_ask(call, request, lambda answer: "User response: action=%s, content=%s" % (
            answer.get("action"), json.dumps(answer.get("content") or {}, separators=(",", ":"))))

    def _fixture_test_elicitation_sep1034_defaults(self, arguments, call):
        return self._fixture_ask(call, {"method": "elicitation/create", "params": {
            "message": "Please review and update the form fields with defaults",
            "requestedSchema": {"type": "object", "properties": data.SEP1034_PROPERTIES, "required": []}}},
            self._fixture_elicited)

    def _fixture_test_elicitation_sep1330_enums(self, arguments, call):
        return self._fixture_ask(call, {"method": "elicitation/create", "params": {
            "message": "Please select options from the enum fields",
            "requestedSchema": {"type": "object", "properties": data.SEP1330_PROPERTIES, "required": []}}},
            self._fixture_elicited)

    @staticmethod
    def _fixture_elicited(answer):
        return "Elicitation completed: action=%s, content=%s" % (
            answer.get("action"), json.dumps(answer.get("content") or {}, separators=(",", ":")))
