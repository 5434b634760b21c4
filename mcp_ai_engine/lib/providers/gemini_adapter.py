"""Google Gemini (Gemini API ``generateContent``) through the official ``google-genai`` SDK."""
from .base import ProviderAdapter, sdk_failures


def _status_of(exc):
    return exc.code, exc.message or str(exc), getattr(exc.response, "headers", None)


class GeminiAdapter(ProviderAdapter):
    package = "google-genai"
    module = "google.genai"
    default_base_url = "https://generativelanguage.googleapis.com"

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        genai = self.sdk()
        import httpx  # a dependency of the SDK: present whenever the import above worked

        types = genai.types
        # No retry_options: the SDK then tries once, the caller retries.
        http_options = types.HttpOptions(base_url=self.base_url, timeout=int(timeout * 1000))
        config = types.GenerateContentConfig(system_instruction=system or None, temperature=temperature,
                                             max_output_tokens=max_tokens)
        with sdk_failures(httpx.TimeoutException, httpx.TransportError, genai.errors.APIError, _status_of):
            with genai.Client(api_key=self.api_key, vertexai=False, http_options=http_options) as client:
                response = client.models.generate_content(model=model, contents=prompt, config=config)
            usage = response.usage_metadata
            return self.checked(response.text, usage and usage.prompt_token_count,
                                usage and usage.candidates_token_count)
