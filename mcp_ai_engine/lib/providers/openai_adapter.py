"""OpenAI (Chat Completions) through the official ``openai`` SDK."""
from .base import ListedModel, ProviderAdapter, provider_message, sdk_failures


def _status_of(exc):
    return exc.status_code, provider_message(exc.body, exc.message), exc.response.headers


class OpenAIAdapter(ProviderAdapter):
    package = "openai"
    module = "openai"
    default_base_url = "https://api.openai.com/v1"
    # OpenAI's current name for the answer length; OpenAI-compatible servers still speak max_tokens.
    max_tokens_parameter = "max_completion_tokens"

    def client_api_key(self):
        return self.api_key

    def failures(self, openai):
        return sdk_failures(openai.APITimeoutError, openai.APIConnectionError, openai.APIStatusError, _status_of)

    def client(self, openai, timeout):
        return openai.OpenAI(api_key=self.client_api_key(), base_url=self.base_url, timeout=timeout, max_retries=0)

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        openai = self.sdk()
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        with self.failures(openai):
            with self.client(openai, timeout) as client:
                response = client.chat.completions.create(
                    model=model, messages=messages, temperature=temperature,
                    **{self.max_tokens_parameter: max_tokens})
            choice = response.choices[0]
            usage = response.usage
            return self.checked(choice.message.content, usage and usage.prompt_tokens,
                                usage and usage.completion_tokens)

    def request_models(self, timeout):
        """``GET /models``: every model of the account (the API does not say which ones chat)."""
        openai = self.sdk()
        with self.failures(openai), self.client(openai, timeout) as client:
            return [ListedModel(model.id, model.id) for model in client.models.list()]
