"""Any server speaking OpenAI's Chat Completions (Ollama, vLLM, LM Studio...) through the ``openai`` SDK."""
from .openai_adapter import OpenAIAdapter


class OpenAICompatibleAdapter(OpenAIAdapter):
    default_base_url = "http://localhost:11434/v1"
    max_tokens_parameter = "max_tokens"
    requires_key = False

    def client_api_key(self):
        # Local servers usually need no key, but the SDK refuses to start without one.
        return self.api_key or "none"
