"""Mistral (chat completions) through the official ``mistralai`` SDK."""
from .base import ProviderAdapter, provider_message, sdk_failures


def _status_of(exc):
    return exc.status_code, provider_message(exc.body, exc.message), exc.headers


class MistralAdapter(ProviderAdapter):
    package = "mistralai"
    module = "mistralai.client"
    default_base_url = "https://api.mistral.ai"

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        mistral = self.sdk()
        import httpx  # a dependency of the SDK: present whenever the import above worked

        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        with sdk_failures(httpx.TimeoutException, httpx.TransportError, mistral.errors.MistralError, _status_of):
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
