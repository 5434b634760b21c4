"""Each official SDK against a local server speaking its provider's wire format: no network, no mocks."""
from unittest.mock import patch

from odoo.tests import tagged

from ..lib.providers import OpenAIAdapter
from ..lib.providers.base import ProviderError
from ..lib.retry import call_with_retries
from ..models.mcp_ai_provider import ProviderFailure
from .common import KINDS, AiCase


@tagged("post_install", "-at_install")
class TestProviders(AiCase):

    def generate(self, kind, system="Be brief.", prompt="Who is Acme?"):
        return self.providers[kind]._generate(system, prompt, "test")

    def failure(self, provider):
        """The ProviderFailure of a call that must fail (outside a savepoint: its log row must stay)."""
        try:
            provider._generate("Be brief.", "Who is Acme?", "test")
        except ProviderFailure as failure:
            self.assertEqual((failure.log.status, failure.log.error), (failure.status, failure.message))
            return failure
        return self.fail("the call should have failed")

    def last_log(self):
        return self.env["mcp.ai.call.log"].search([], order="id desc", limit=1)

    def test_the_log_masks_personal_data_the_provider_gets_it_whole(self):
        """The call log is a payload log: it masks what the MCP audit log masks; the provider still gets the
        prompt as rendered."""
        self.server.requests.clear()
        _generation, log = self.generate("openai", prompt="Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00")
        self.assertEqual(log.prompt, "Card ****1111, IBAN ****3000")
        self.assertEqual(log.answer, "Acme is a loyal customer.")
        [(_path, _headers, body)] = self.server.requests
        self.assertIn("4111 1111 1111 1111", body["messages"][-1]["content"])
        self.env["ir.config_parameter"].set_param("mcp_server.mask_pii", "False")
        _generation, log = self.generate("openai", prompt="Card 4111 1111 1111 1111")
        self.assertEqual(log.prompt, "Card 4111 1111 1111 1111")

    def test_success_speaks_each_wire_format(self):
        expected_paths = {
            "openai": "/v1/chat/completions", "openai_compatible": "/v1/chat/completions",
            "anthropic": "/v1/messages", "gemini": "/v1beta/models/model-gemini:generateContent",
            "mistral": "/v1/chat/completions",
        }
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.server.requests.clear()
                generation, log = self.generate(kind)
                self.assertEqual(generation.text, "Acme is a loyal customer.")
                self.assertEqual((generation.tokens_in, generation.tokens_out), (12, 7))
                self.assertEqual((log.status, log.tokens_in, log.tokens_out, log.attempts), ("success", 12, 7, 1))
                self.assertEqual((log.model, log.provider_id, log.origin), ("model-%s" % kind,
                                                                            self.providers[kind], "test"))
                self.assertEqual(log.answer, "Acme is a loyal customer.")
                [(path, headers, body)] = self.server.requests
                self.assertEqual(path, expected_paths[kind])
                headers = {name.lower(): value for name, value in headers.items()}
                secret = "sk-test-%s" % kind
                if kind == "anthropic":
                    self.assertEqual(headers["x-api-key"], secret)
                    self.assertEqual(body["system"], "Be brief.")
                    self.assertEqual(body["messages"], [{"role": "user", "content": "Who is Acme?"}])
                    self.assertEqual(body["max_tokens"], 200)
                elif kind == "gemini":
                    self.assertEqual(headers["x-goog-api-key"], secret)
                    self.assertEqual(body["systemInstruction"]["parts"][0]["text"], "Be brief.")
                    self.assertEqual(body["contents"][0]["parts"][0]["text"], "Who is Acme?")
                    self.assertEqual(body["generationConfig"]["maxOutputTokens"], 200)
                else:
                    self.assertEqual(headers["authorization"], "Bearer %s" % secret)
                    self.assertEqual(body["model"], "model-%s" % kind)
                    self.assertEqual(body["messages"], [{"role": "system", "content": "Be brief."},
                                                        {"role": "user", "content": "Who is Acme?"}])
                    # OpenAI's current parameter; compatible servers and Mistral speak max_tokens.
                    tokens_key = "max_completion_tokens" if kind == "openai" else "max_tokens"
                    self.assertEqual(body[tokens_key], 200)
                self.assertAlmostEqual(body.get("temperature", body.get("generationConfig", {}).get("temperature")),
                                       0.3)

    def test_rate_limit_is_retried(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.server.requests.clear()
                self.server.script[:] = [("status", 429)]
                generation, log = self.generate(kind)
                self.assertEqual(generation.text, "Acme is a loyal customer.")
                self.assertEqual(len(self.server.requests), 2, "one retry after the 429, the SDK's own retries off")
                self.assertEqual((log.status, log.attempts), ("success", 2))

    def test_rate_limit_until_retries_run_out(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.server.requests.clear()
                self.server.script[:] = [("status", 429)] * 3
                failure = self.failure(self.providers[kind])
                self.assertEqual(len(self.server.requests), 3)
                self.assertEqual(failure.status, "rate_limited")
                self.assertIn("HTTP 429", failure.message)
                self.assertIn("after 3 attempts", failure.message)
                log = self.last_log()
                self.assertEqual((log.status, log.attempts), ("rate_limited", 3))
                self.assertEqual(log.error, failure.message)

    def test_server_errors(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.server.requests.clear()
                self.server.script[:] = [("status", 503), ("status", 500)]
                generation, log = self.generate(kind)
                self.assertEqual((generation.text, log.attempts), ("Acme is a loyal customer.", 3))
                self.server.script[:] = [("status", 502)] * 3
                failure = self.failure(self.providers[kind])
                self.assertEqual(failure.status, "server_error")
                self.assertIn("server error (HTTP 502) 3 time(s)", failure.message)

    def test_client_errors_are_not_retried(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.server.requests.clear()
                self.server.script[:] = [("status", 401)]
                failure = self.failure(self.providers[kind])
                self.assertEqual(len(self.server.requests), 1)
                self.assertIn("refused the API key (HTTP 401)", failure.message)
                self.server.script[:] = [("status", 404)]
                failure = self.failure(self.providers[kind])
                self.assertEqual(failure.status, "bad_request")
                self.assertIn("fake failure 404", failure.message)
                self.assertIn("model-%s" % kind, failure.message)

    def test_timeout(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.server.script[:] = [("sleep", 3)]
                failure = self.failure(self.providers[kind])
                self.assertEqual(failure.status, "timeout")
                self.assertIn("did not answer within 1 seconds", failure.message)
                log = self.last_log()
                self.assertEqual(log.status, "timeout")
                self.assertLess(log.latency_ms, 2900)

    def test_malformed_answers(self):
        for kind in KINDS:
            for step in ("garbage", "wrong_shape"):
                with self.subTest(kind=kind, step=step):
                    self.server.script[:] = [step]
                    failure = self.failure(self.providers[kind])
                    self.assertEqual(failure.status, "malformed")
                    self.assertIn("could not be read", failure.message)

    def test_unreachable_provider(self):
        provider = self.providers["anthropic"].copy({"base_url": "http://127.0.0.1:9", "api_key": "sk-x"})
        failure = self.failure(provider)
        self.assertEqual(failure.status, "connection")
        self.assertIn("cannot be reached at http://127.0.0.1:9", failure.message)

    def test_missing_key(self):
        provider = self.providers["mistral"].copy()  # the key is not copied
        failure = self.failure(provider)
        self.assertEqual(failure.status, "missing_key")
        self.assertIn("has no API key", failure.message)
        self.assertFalse(self.server.requests)
        # A local OpenAI-compatible server needs none.
        generation, _log = self.providers["openai_compatible"].copy()._generate("", "Hello", "test")
        self.assertEqual(generation.text, "Acme is a loyal customer.")

    def test_missing_sdk_is_named(self):
        with patch.object(OpenAIAdapter, "module", "mcp_ai_engine_no_such_sdk"):
            failure = self.failure(self.provider)
        self.assertEqual(failure.status, "missing_sdk")
        self.assertIn("pip install openai", failure.message)

    def test_test_connection_button(self):
        self.provider.model = "gpt-4.1-mini"
        result = self.provider.action_test_connection()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("4 models available. gpt-4.1-mini answered", result["params"]["message"])
        self.assertIn("Acme is a loyal customer.", result["params"]["message"])
        self.server.script[:] = [("status", 401)]
        result = self.provider.action_test_connection()
        self.assertEqual((result["params"]["type"], result["params"]["sticky"]), ("danger", True))
        self.assertIn("refused the API key", result["params"]["message"])
        self.server.script[:] = ["ok", ("status", 401)]
        self.provider.action_test_connection()
        self.assertEqual(self.last_log().origin, "test")


@tagged("post_install", "-at_install")
class TestRetryLoop(AiCase):
    """The backoff itself, with a recorded sleep."""

    def test_backoff_doubles_and_honours_retry_after(self):
        errors = [ProviderError("rate_limited", status=429), ProviderError("server_error", status=503),
                  ProviderError("rate_limited", status=429, retry_after=7)]
        waits = []

        def call():
            if errors:
                raise errors.pop(0)
            return "done"

        self.assertEqual(call_with_retries(call, 3, 0.5, sleep=waits.append), ("done", 4))
        self.assertEqual(waits, [0.5, 1.0, 7])

    def test_bounded(self):
        waits = []

        def call():
            raise ProviderError("server_error", status=500, retry_after=3600)

        with self.assertRaises(ProviderError) as caught:
            call_with_retries(call, 2, 1.0, sleep=waits.append)
        self.assertEqual(caught.exception.attempts, 3)
        self.assertEqual(waits, [30.0, 30.0], "each wait is capped")

    def test_other_errors_fail_at_once(self):
        waits = []

        def call():
            raise ProviderError("auth", status=401)

        with self.assertRaises(ProviderError):
            call_with_retries(call, 5, 1.0, sleep=waits.append)
        self.assertEqual(waits, [])
