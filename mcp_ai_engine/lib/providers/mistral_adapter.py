"""Mistral (chat completions) through the official ``mistralai`` SDK."""
from .base import (
    CONNECTION,
    MALFORMED,
    TIMEOUT,
    ProviderAdapter,
    ProviderError,
    error_from_status,
    provider_message,
    retry_after_seconds,
)


class MistralAdapter(ProviderAdapter):
    package = "mistralai"
    module = "mistralai.client"
    default_base_url = "https://api.mistral.ai"

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        mistral = self.sdk()
        import httpx  # a dependency of the SDK: present whenever the import above worked

        errors = mistral.errors
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        try:
            # No retry_config: the SDK then tries once, the caller retries.
            with mistral.Mistral(api_key=self.api_key, server_url=self.base_url,
                                 timeout_ms=int(timeout * 1000)) as client:
                response = client.chat.complete(model=model, messages=messages, temperature=temperature,
                                                max_tokens=max_tokens)
            usage = response.usage
            content = response.choices[0].message.content
            if isinstance(content, list):  # content chunks
                content = "".join(getattr(chunk, "text", "") or "" for chunk in content) or None
            return self.checked(content, usage and usage.prompt_tokens, usage and usage.completion_tokens)
        except ProviderError:
            raise
        except httpx.TimeoutException as exc:
            raise ProviderError(TIMEOUT, str(exc)) from exc
        except httpx.TransportError as exc:
            raise ProviderError(CONNECTION, str(exc)) from exc
        except errors.MistralError as exc:
            if 200 <= exc.status_code < 300:  # a success status with a body the SDK could not read
                raise ProviderError(MALFORMED, exc.message) from exc
            raise error_from_status(exc.status_code, provider_message(exc.body, exc.message),
                                    retry_after_seconds(exc.headers)) from exc
        except Exception as exc:  # anything else: an answer the SDK or we could not read
            raise ProviderError(MALFORMED, "%s: %s" % (type(exc).__name__, exc)) from exc
