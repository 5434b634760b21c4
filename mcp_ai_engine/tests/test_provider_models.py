"""The providers shipped ready for a key, and Test Connection listing each API's models (real SDKs, local server
speaking each list-models wire format, pagination included)."""
from ast import literal_eval

from odoo.tests import tagged

from .common import AiCase

PRESETS = {
    "openai": ("mcp_ai_engine.provider_openai", "gpt-4.1-mini",
               ["gpt-4.1", "gpt-4.1-mini", "o4-mini", "text-embedding-3-small"]),
    "anthropic": ("mcp_ai_engine.provider_anthropic", "claude-sonnet-4-5",
                  ["claude-haiku-4-5", "claude-opus-4-1", "claude-sonnet-4-5"]),
    "gemini": ("mcp_ai_engine.provider_gemini", "gemini-2.5-flash",
               ["gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro"]),
    "mistral": ("mcp_ai_engine.provider_mistral", "mistral-large-latest",
                ["mistral-large-latest", "mistral-small-latest"]),
}
# The list requests each SDK sends (the fake server pages by two).
LIST_PATHS = {
    "openai": ["/v1/models"],
    "anthropic": ["/v1/models?limit=100", "/v1/models?limit=100&after_id=claude-sonnet-4-5"],
    "gemini": ["/v1beta/models?pageSize=100", "/v1beta/models?pageSize=100&pageToken=2"],
    "mistral": ["/v1/models"],
}


@tagged("post_install", "-at_install")
class TestProviderModels(AiCase):

    def preset(self, kind, key="sk-live"):
        """The shipped provider of ``kind`` pointed at the fake server, with ``key``."""
        provider = self.env.ref(PRESETS[kind][0])
        provider.write({"base_url": self.server.url + ("/v1" if kind == "openai" else ""), "api_key": key,
                        "timeout": 2, "retry_delay": 0.01})
        return provider

    def test_shipped_providers_wait_for_a_key(self):
        for kind, (xmlid, model, _names) in PRESETS.items():
            with self.subTest(kind=kind):
                provider = self.env.ref(xmlid)
                self.assertEqual((provider.kind, provider.model, provider.base_url), (kind, model, False))
                self.assertFalse(provider.sudo().api_key)
                self.assertEqual((provider.has_api_key, provider.state), (False, "needs_key"))
                self.assertFalse(provider.available_model_ids)
        action_field = self.env["ir.actions.server"]._fields["ai_provider_id"]
        offered = self.env["mcp.ai.provider"].search(literal_eval(action_field.domain))
        self.assertFalse(offered & self.env.ref(PRESETS["openai"][0]), "not offered to actions without a key")
        self.assertIn(self.provider, offered)
        provider = self.preset("anthropic")
        self.assertEqual(provider.state, "ready")
        self.assertIn(provider, self.env["mcp.ai.provider"].search(literal_eval(action_field.domain)))

    def test_without_a_key_test_connection_says_so(self):
        provider = self.env.ref(PRESETS["gemini"][0])
        result = provider.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("Google Gemini has no API key", result["params"]["message"])
        self.assertFalse(self.server.requests)

    def test_test_connection_lists_each_providers_models(self):
        for kind, (_xmlid, model, names) in PRESETS.items():
            with self.subTest(kind=kind):
                self.server.requests.clear()
                provider = self.preset(kind)
                result = provider.action_test_connection()
                self.assertEqual(result["params"]["type"], "success", result["params"]["message"])
                self.assertIn("%s models available. %s answered" % (len(names), model), result["params"]["message"])
                self.assertEqual(provider.available_model_ids.mapped("name"), names)
                self.assertTrue(provider.models_listed_at)
                self.assertEqual(provider.model_choice_id.name, model)
                paths = [path for path, _headers, body in self.server.requests if not body]
                self.assertEqual(paths, LIST_PATHS[kind])
                headers = {name.lower(): value for name, value in self.server.requests[0][1].items()}
                if kind == "anthropic":
                    self.assertEqual(headers["x-api-key"], "sk-live")
                elif kind == "gemini":
                    self.assertEqual(headers["x-goog-api-key"], "sk-live")
                else:
                    self.assertEqual(headers["authorization"], "Bearer sk-live")

    def test_labels_and_choosing_a_listed_model(self):
        provider = self.preset("anthropic")
        provider.action_test_connection()
        opus = provider.available_model_ids.filtered(lambda model: model.name == "claude-opus-4-1")
        self.assertEqual(opus.display_name, "Claude Opus 4.1 (claude-opus-4-1)")
        found = self.env["mcp.ai.provider.model"].name_search("Opus", [("provider_id", "=", provider.id)])
        self.assertEqual(found, [(opus.id, "Claude Opus 4.1 (claude-opus-4-1)")])
        provider.model_choice_id = opus
        self.assertEqual(provider.model, "claude-opus-4-1")
        provider.model = "claude-next-preview"  # any name may still be typed
        self.assertFalse(provider.model_choice_id)

    def test_a_bad_key_is_a_clear_error_and_keeps_the_previous_list(self):
        for kind in PRESETS:
            with self.subTest(kind=kind):
                provider = self.preset(kind)
                provider.action_test_connection()
                listed = provider.available_model_ids.mapped("name")
                self.server.script[:] = [("status", 401)]
                provider.api_key = "sk-wrong"
                result = provider.action_test_connection()
                self.assertEqual((result["params"]["type"], result["params"]["sticky"]), ("danger", True))
                self.assertIn("%s refused the API key (HTTP 401). Check the key" % provider.name,
                              result["params"]["message"])
                self.assertEqual(provider.available_model_ids.mapped("name"), listed)

    def test_a_model_the_api_does_not_list_is_pointed_out(self):
        provider = self.preset("mistral")
        provider.model = "mistral-embed"  # listed by the API, but it cannot chat
        result = provider.action_test_connection()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("mistral-embed is not among the models listed", result["params"]["message"])

    def test_unreadable_or_empty_lists(self):
        provider = self.preset("openai")
        self.server.script[:] = ["garbage"]
        self.assertIn("could not be read", provider.action_test_connection()["params"]["message"])
        self.server.models["openai"] = []
        self.assertIn("OpenAI listed no models", provider.action_test_connection()["params"]["message"])
        self.assertFalse(provider.available_model_ids)
