"""Embedding vectors through the providers' official SDKs (the providers of ``mcp_ai_engine``).

OpenAI and OpenAI-compatible servers (``openai``), Mistral (``mistralai``) and Google Gemini
(``google-genai``). Vectors are scaled to unit length, so a dot product is their cosine similarity.
"""
import math

EMBEDDING_KINDS = ("openai", "openai_compatible", "mistral", "gemini")


class EmbeddingError(Exception):
    """The provider did not give vectors; the message says why."""


def unit(vector):
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def _openai(api_key, base_url, model, texts, timeout):
    import openai

    with openai.OpenAI(api_key=api_key or "none", base_url=base_url, timeout=timeout, max_retries=1) as client:
        response = client.embeddings.create(model=model, input=texts)
    return [item.embedding for item in sorted(response.data, key=lambda item: item.index)]


def _mistral(api_key, base_url, model, texts, timeout):
    from mistralai.client import Mistral

    with Mistral(api_key=api_key, server_url=base_url) as client:
        response = client.embeddings.create(model=model, inputs=texts, timeout_ms=int(timeout * 1000))
    return [item.embedding for item in response.data]


def _gemini(api_key, base_url, model, texts, timeout):
    from google import genai
    from google.genai import types

    options = types.HttpOptions(base_url=base_url, timeout=int(timeout * 1000))
    with genai.Client(api_key=api_key, vertexai=False, http_options=options) as client:
        response = client.models.embed_content(model=model, contents=texts)
    return [embedding.values for embedding in response.embeddings]


CALLS = {"openai": _openai, "openai_compatible": _openai, "mistral": _mistral, "gemini": _gemini}


def embed(kind, api_key, base_url, model, texts, timeout=60):
    """Unit vectors of ``texts`` (one per text, same order); raises :class:`EmbeddingError`."""
    if kind not in CALLS:
        raise EmbeddingError("providers of kind %s make no embeddings here" % kind)
    try:
        vectors = CALLS[kind](api_key, (base_url or "").strip() or None, model, list(texts), timeout)
    except ImportError as exc:
        raise EmbeddingError("the %s SDK is not installed" % exc.name) from None
    except Exception as exc:  # the SDKs raise their own error types: report the message
        raise EmbeddingError("%s: %s" % (type(exc).__name__, exc)) from exc
    if len(vectors) != len(texts) or not all(vectors):
        raise EmbeddingError("the provider answered %s vectors for %s texts" % (len(vectors), len(texts)))
    return [unit([float(value) for value in vector]) for vector in vectors]
