"""Mistral (chat completions) through the official ``mistralai`` SDK."""
from .base import ListedModel, ProviderAdapter, provider_message, sdk_failures


def _status_of(exc):
    return exc.status_code, provider_message(exc.body, exc.message), exc.headers


class MistralAdapter(ProviderAdapter):
    package = "mistralai"
    module = "mistralai.client"
    default_base_url = "https://api.mistral.ai"

    @staticmethod
    def failures(mistral):
        import httpx  # a dependency of the SDK: present whenever the SDK imports

        return sdk_failures(httpx.TimeoutException, httpx.TransportError, mistral.errors.MistralError, _status_of)

    def client(self, mistral, timeout):
        # No retry_config: the SDK then tries once, the caller retries.
        return mistral.Mistral(api_key=self.api_key, server_url=self.base_url, timeout_ms=int(timeout * 1000))

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        mistral = self.sdk()
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        with self.failures(mistral):
            with self.client(mistral, timeout) as client:
                response = client.chat.complete(model=model, messages=messages, temperature=temperature,
                                                max_tokens=max_tokens)
            usage = response.usage
            content = response.choices[0].message.content
            if isinstance(content, list):  # content chunks
                content = "".join(getattr(chunk, "text", "") or "" for chunk in content) or None
            return self.checked(content, usage and usage.prompt_tokens, usage and usage.completion_tokens)

    def request_models(self, timeout):
        """``GET /v1/models``: the base and fine-tuned models that chat (``capabilities.completion_chat``)."""
        mistral = self.sdk()
        with self.failures(mistral), self.client(mistral, timeout) as client:
            cards = client.models.list().data or []
            return [ListedModel(card.id, getattr(card, "name", None) or card.id) for card in cards
                    if getattr(getattr(card, "capabilities", None), "completion_chat", False)]
