"""Anthropic (Messages API) through the official ``anthropic`` SDK."""
from .base import ProviderAdapter, provider_message, sdk_failures


def _status_of(exc):
    return exc.status_code, provider_message(exc.body, exc.message), exc.response.headers


class AnthropicAdapter(ProviderAdapter):
    package = "anthropic"
    module = "anthropic"
    default_base_url = "https://api.anthropic.com"

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        anthropic = self.sdk()
        options = {"system": system} if system else {}
        with sdk_failures(anthropic.APITimeoutError, anthropic.APIConnectionError, anthropic.APIStatusError,
                          _status_of):
            with anthropic.Anthropic(api_key=self.api_key, base_url=self.base_url, timeout=timeout,
                                     max_retries=0) as client:
                response = client.messages.create(
                    model=model, max_tokens=max_tokens, temperature=temperature,
                    messages=[{"role": "user", "content": prompt}], **options)
            texts = [block.text for block in response.content if getattr(block, "type", None) == "text"]
            usage = response.usage
            return self.checked("".join(texts) if texts else None, usage and usage.input_tokens,
                                usage and usage.output_tokens)
