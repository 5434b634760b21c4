"""OpenAI (Chat Completions) through the official ``openai`` SDK."""
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


class OpenAIAdapter(ProviderAdapter):
    package = "openai"
    module = "openai"
    default_base_url = "https://api.openai.com/v1"
    # OpenAI's current name for the answer length; OpenAI-compatible servers still speak max_tokens.
    max_tokens_parameter = "max_completion_tokens"

    def client_api_key(self):
        return self.api_key

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        openai = self.sdk()
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        try:
            with openai.OpenAI(api_key=self.client_api_key(), base_url=self.base_url, timeout=timeout,
                               max_retries=0) as client:
                response = client.chat.completions.create(
                    model=model, messages=messages, temperature=temperature,
                    **{self.max_tokens_parameter: max_tokens})
            choice = response.choices[0]
            usage = response.usage
            return self.checked(choice.message.content, usage and usage.prompt_tokens,
                                usage and usage.completion_tokens)
        except ProviderError:
            raise
        except openai.APITimeoutError as exc:
            raise ProviderError(TIMEOUT, str(exc)) from exc
        except openai.APIConnectionError as exc:
            raise ProviderError(CONNECTION, str(exc.__cause__ or exc)) from exc
        except openai.APIStatusError as exc:
            raise error_from_status(exc.status_code, provider_message(exc.body, exc.message),
                                    retry_after_seconds(exc.response.headers)) from exc
        except Exception as exc:  # anything else: an answer the SDK or we could not read
            raise ProviderError(MALFORMED, "%s: %s" % (type(exc).__name__, exc)) from exc
