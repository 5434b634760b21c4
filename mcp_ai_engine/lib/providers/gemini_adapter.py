"""Google Gemini (Gemini API ``generateContent``) through the official ``google-genai`` SDK."""
from .base import ListedModel, ProviderAdapter, sdk_failures

PAGE_SIZE = 100
GENERATE = "generateContent"


def _status_of(exc):
    return exc.code, exc.message or str(exc), getattr(exc.response, "headers", None)


class GeminiAdapter(ProviderAdapter):
    package = "google-genai"
    module = "google.genai"
    default_base_url = "https://generativelanguage.googleapis.com"

    @staticmethod
    def failures(genai):
        import httpx  # a dependency of the SDK: present whenever the SDK imports

        return sdk_failures(httpx.TimeoutException, httpx.TransportError, genai.errors.APIError, _status_of)

    def client(self, genai, timeout):
        # No retry_options: the SDK then tries once, the caller retries.
        http_options = genai.types.HttpOptions(base_url=self.base_url, timeout=int(timeout * 1000))
        return genai.Client(api_key=self.api_key, vertexai=False, http_options=http_options)

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        genai = self.sdk()
        config = genai.types.GenerateContentConfig(system_instruction=system or None, temperature=temperature,
                                                   max_output_tokens=max_tokens)
        with self.failures(genai):
            with self.client(genai, timeout) as client:
                response = client.models.generate_content(model=model, contents=prompt, config=config)
            usage = response.usage_metadata
            return self.checked(response.text, usage and usage.prompt_token_count,
                                usage and usage.candidates_token_count)

    def request_models(self, timeout):
        """``GET /v1beta/models``, page after page (``pageToken``): the models that generate content (not
        the embedding-only ones), named as calls spell them (without ``models/``)."""
        genai = self.sdk()
        with self.failures(genai), self.client(genai, timeout) as client:
            return [ListedModel(model.name.removeprefix("models/"), model.display_name or model.name)
                    for model in client.models.list(config={"page_size": PAGE_SIZE})
                    if model.name and (model.supported_actions is None or GENERATE in model.supported_actions)]
