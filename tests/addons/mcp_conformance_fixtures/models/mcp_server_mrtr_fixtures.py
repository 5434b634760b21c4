"""Fixture tools of the modern era: input-required results (multi round-trip requests) and per-request rules."""
import secrets

from odoo import models
from odoo.addons.mcp_server.lib import jsonrpc
from odoo.addons.mcp_server.lib.jsonrpc import JsonRpcError

from . import fixtures_data as data


class McpServerMrtrFixtures(models.AbstractModel):
    _inherit = "mcp.server"

    def _fixture_input_required(self, call, name, input_requests, state=None):
        """An input-required result; ``state`` (a dict) travels signed in ``requestState``."""
        result = {"resultType": "input_required", "inputRequests": input_requests}
        if state is not None:
            state = dict(state, nonce=secrets.token_hex(8))
            result["requestState"] = self._sign_request_state(call, "tools/call", name, {}, state)
        return result

    def _fixture_state(self, call, name):
        return self._verify_request_state(call, "tools/call", name, {}) if call.request_state else None

    def _fixture_test_missing_capability(self, arguments, call):
        if "sampling" not in call.client_capabilities:
            raise JsonRpcError(jsonrpc.MISSING_CLIENT_CAPABILITY, "This tool needs the client's sampling capability.",
                               {"requiredCapabilities": {"sampling": {}}})
        return data.text("Success")

    def _fixture_test_input_required_result_elicitation(self, arguments, call):
        answer = (call.input_responses or {}).get("user_name")
        if answer:
            return data.text("Hello, %s!" % data.form_value(answer, "name"))
        return self._fixture_input_required(call, "", {"user_name": data.elicit("What is your name?", name="string")})

    def _fixture_test_input_required_result_sampling(self, arguments, call):
        answer = (call.input_responses or {}).get("sample_request")
        if answer:
            content = answer.get("content") if isinstance(answer.get("content"), dict) else {}
            return data.text("Sampling result: %s" % content.get("text", "no response"))
        return self._fixture_input_required(call, "", {"sample_request": data.sample("What is the capital of France?")})

    def _fixture_test_input_required_result_list_roots(self, arguments, call):
        answer = (call.input_responses or {}).get("roots_request")
        if answer:
            roots = answer.get("roots") if isinstance(answer.get("roots"), list) else []
            return data.text("Found %s root(s)" % len(roots))
        return self._fixture_input_required(call, "", {"roots_request": data.ROOTS})

    def _fixture_test_input_required_result_request_state(self, arguments, call):
        name = "test_input_required_result_request_state"
        state = self._fixture_state(call, name)
        answer = (call.input_responses or {}).get("confirm") or {}
        if state and state.get("kind") == "request-state" and (answer.get("content") or {}).get("ok") is True:
            return data.text("state-ok: requestState validated")
        return self._fixture_input_required(call, name, {"confirm": data.elicit("Please confirm", ok="boolean")},
                                            {"kind": "request-state"})

    def _fixture_test_input_required_result_multiple_inputs(self, arguments, call):
        name = "test_input_required_result_multiple_inputs"
        state = self._fixture_state(call, name)
        answers = call.input_responses or {}
        if state and state.get("kind") == "multiple-inputs" and all(
                answers.get(key) for key in ("user_name", "greeting", "client_roots")):
            greeting = (answers["greeting"].get("content") or {}).get("text") or "Hello there!"
            roots = answers["client_roots"].get("roots") if isinstance(answers["client_roots"].get("roots"), list) \
                else []
            return data.text("Name: %s; Greeting: %s; Roots: %s" % (
                data.form_value(answers["user_name"], "name"), greeting, len(roots)))
        return self._fixture_input_required(call, name, {
            "user_name": data.elicit("What is your name?", name="string"),
            "greeting": data.sample("Generate a greeting", 50),
            "client_roots": data.ROOTS}, {"kind": "multiple-inputs"})

    def _fixture_test_input_required_result_multi_round(self, arguments, call):
        name = "test_input_required_result_multi_round"
        state = self._fixture_state(call, name) or {}
        answers = call.input_responses or {}
        if state.get("round") == 1 and answers.get("step1"):
            return self._fixture_input_required(call, name, {
                "step2": data.elicit("Step 2: What is your favorite color?", color="string")},
                {"round": 2, "name": data.form_value(answers["step1"], "name")})
        if state.get("round") == 2 and answers.get("step2"):
            return data.text("Multi-round complete for %s who likes %s" % (
                state.get("name") or "friend", data.form_value(answers["step2"], "color")))
        return self._fixture_input_required(call, name, {
            "step1": data.elicit("Step 1: What is your name?", name="string")}, {"round": 1})

    def _fixture_test_input_required_result_tampered_state(self, arguments, call):
        name = "test_input_required_result_tampered_state"
        state = self._fixture_state(call, name)
        if state and state.get("kind") == "tamper-test" and (call.input_responses or {}).get("confirm"):
            return data.text("integrity-ok: state verified")
        return self._fixture_input_required(call, name, {"confirm": data.elicit("Please confirm", ok="boolean")},
                                            {"kind": "tamper-test"})

    def _fixture_test_input_required_result_capabilities(self, arguments, call):
        name = "test_input_required_result_capabilities"
        if call.input_responses:
            return data.text("capabilities-ok: received %s" % ",".join(call.input_responses))
        requests = {}
        if "elicitation" in call.client_capabilities:
            requests["elicit_input"] = data.elicit("Elicitation input", value="string")
        if "sampling" in call.client_capabilities:
            requests["sample_input"] = data.sample("Sample request", 50)
        if not requests:
            return data.text("No supported capabilities declared")
        return self._fixture_input_required(call, name, requests, {"kind": "capabilities-test"})

    def _fixture_test_streaming_elicitation(self, arguments, call):
        return data.text("Streaming complete")

    def _fixture_test_logging_tool(self, arguments, call):
        call.log("info", "Diagnostic trace logging activated", logger="conformance-test-server")
        return data.text("Logging evaluated")
