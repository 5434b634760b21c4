"""Provider adapters: one module per provider family, one common interface (see base.py)."""
from .anthropic_adapter import AnthropicAdapter
from .base import Generation, ListedModel, ProviderAdapter, ProviderError
from .gemini_adapter import GeminiAdapter
from .mistral_adapter import MistralAdapter
from .openai_adapter import OpenAIAdapter
from .openai_compatible_adapter import OpenAICompatibleAdapter
