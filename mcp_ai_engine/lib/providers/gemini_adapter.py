"""Google Gemini (Gemini API ``generateContent``) through the official ``google-genai`` SDK."""
from .base import (
    CONNECTION,
    MALFORMED,
    TIMEOUT,
    ProviderAdapter,
    ProviderError,
    error_from_status,
    retry_after_seconds,
)


class GeminiAdapter(ProviderAdapter):
    package = "google-genai"
    module = "google.genai"
    default_base_url = "https://generativelanguage.googleapis.com"

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        genai = self.sdk()
        import httpx  # a dependency of the SDK: present whenever the import above worked

        types, errors = genai.types, genai.errors
        # No retry_options: the SDK then tries once, the caller retries.
        http_options = types.HttpOptions(base_url=self.base_url, timeout=int(timeout * 1000))
        config = types.GenerateContentConfig(system_instruction=system or None, temperature=temperature,
                                             max_output_tokens=max_tokens)
        try:
            with genai.Client(api_key=self.api_key, vertexai=False, http_options=http_options) as client:
                response = client.models.generate_content(model=model, contents=prompt, config=config)
            usage = response.usage_metadata
            return self.checked(response.text, usage and usage.prompt_token_count,
                                usage and usage.candidates_token_count)
        except ProviderError:
            raise
        except httpx.TimeoutException as exc:
            raise ProviderError(TIMEOUT, str(exc)) from exc
        except httpx.TransportError as exc:
            raise ProviderError(CONNECTION, str(exc)) from exc
        except errors.APIError as exc:
            headers = getattr(exc.response, "headers", None)
            raise error_from_status(exc.code, exc.message or str(exc), retry_after_seconds(headers)) from exc
        except Exception as exc:  # anything else: an answer the SDK or we could not read
            raise ProviderError(MALFORMED, "%s: %s" % (type(exc).__name__, exc)) from exc
