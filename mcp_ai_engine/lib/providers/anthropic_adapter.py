"""Anthropic (Messages API) through the official ``anthropic`` SDK."""
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


class AnthropicAdapter(ProviderAdapter):
    package = "anthropic"
    module = "anthropic"
    default_base_url = "https://api.anthropic.com"

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        anthropic = self.sdk()
        options = {"system": system} if system else {}
        try:
            with anthropic.Anthropic(api_key=self.api_key, base_url=self.base_url, timeout=timeout,
                                     max_retries=0) as client:
                response = client.messages.create(
                    model=model, max_tokens=max_tokens, temperature=temperature,
                    messages=[{"role": "user", "content": prompt}], **options)
            texts = [block.text for block in response.content if getattr(block, "type", None) == "text"]
            usage = response.usage
            return self.checked("".join(texts) if texts else None, usage and usage.input_tokens,
                                usage and usage.output_tokens)
        except ProviderError:
            raise
        except anthropic.APITimeoutError as exc:
            raise ProviderError(TIMEOUT, str(exc)) from exc
        except anthropic.APIConnectionError as exc:
            raise ProviderError(CONNECTION, str(exc.__cause__ or exc)) from exc
        except anthropic.APIStatusError as exc:
            raise error_from_status(exc.status_code, provider_message(exc.body, exc.message),
                                    retry_after_seconds(exc.response.headers)) from exc
        except Exception as exc:  # anything else: an answer the SDK or we could not read
            raise ProviderError(MALFORMED, "%s: %s" % (type(exc).__name__, exc)) from exc
