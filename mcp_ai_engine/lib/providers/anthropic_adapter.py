"""Anthropic (Messages API) through the official ``anthropic`` SDK."""
from .base import ListedModel, ProviderAdapter, provider_message, sdk_failures

PAGE_SIZE = 100


def _status_of(exc):
    return exc.status_code, provider_message(exc.body, exc.message), exc.response.headers


class AnthropicAdapter(ProviderAdapter):
    package = "anthropic"
    module = "anthropic"
    default_base_url = "https://api.anthropic.com"

    def failures(self, anthropic):
        return sdk_failures(anthropic.APITimeoutError, anthropic.APIConnectionError, anthropic.APIStatusError,
                            _status_of)

    def client(self, anthropic, timeout):
        return anthropic.Anthropic(api_key=self.api_key, base_url=self.base_url, timeout=timeout, max_retries=0)

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        anthropic = self.sdk()
        options = {"system": system} if system else {}
        with self.failures(anthropic):
            with self.client(anthropic, timeout) as client:
                response = client.messages.create(
                    model=model, max_tokens=max_tokens, temperature=temperature,
                    messages=[{"role": "user", "content": prompt}], **options)
            texts = [block.text for block in response.content if getattr(block, "type", None) == "text"]
            usage = response.usage
            return self.checked("".join(texts) if texts else None, usage and usage.input_tokens,
                                usage and usage.output_tokens)

    def request_models(self, timeout):
        """``GET /v1/models``, page after page (``after_id``): every model, with its display name."""
        anthropic = self.sdk()
        with self.failures(anthropic), self.client(anthropic, timeout) as client:
            return [ListedModel(model.id, model.display_name or model.id)
                    for model in client.models.list(limit=PAGE_SIZE)]
