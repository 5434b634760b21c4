"""What every provider adapter offers, and the one error type they raise.

The adapters know nothing of Odoo: they call an official SDK and translate its
answer into a :class:`Generation` and its failures into a :class:`ProviderError`
whose ``kind`` the addon turns into a message for people.
"""
import importlib
import json
from contextlib import contextmanager
from dataclasses import dataclass

# Kinds of failure; the retry loop retries RETRYABLE ones.
MISSING_SDK = "missing_sdk"
MISSING_KEY = "missing_key"
AUTH = "auth"
BAD_REQUEST = "bad_request"
RATE_LIMITED = "rate_limited"
SERVER = "server_error"
TIMEOUT = "timeout"
CONNECTION = "connection"
MALFORMED = "malformed"
EMPTY = "empty"
RETRYABLE = frozenset({RATE_LIMITED, SERVER})
# Most models kept from one listing (the public APIs list tens to a few hundred).
MAX_LISTED_MODELS = 1000


@dataclass(frozen=True)
class Generation:
    text: str
    tokens_in: int
    tokens_out: int


@dataclass(frozen=True)
class ListedModel:
    """A model the provider's list-models endpoint offers: ``name`` as calls spell it, ``label`` for people."""
    name: str
    label: str


class ProviderError(Exception):
    """A failed call: ``kind`` (see above), an HTTP ``status`` when there was one, the provider's ``detail``."""

    def __init__(self, kind, detail="", status=None, retry_after=None):
        super().__init__(kind, detail, status)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.retry_after = retry_after
        self.attempts = 1

    @property
    def retryable(self):
        return self.kind in RETRYABLE


def error_from_status(status, detail="", retry_after=None):
    """The ProviderError of an HTTP error answer."""
    if status == 429:
        kind = RATE_LIMITED
    elif status >= 500:
        kind = SERVER
    elif status in (401, 403):
        kind = AUTH
    else:
        kind = BAD_REQUEST
    return ProviderError(kind, detail, status, retry_after)


@contextmanager
def sdk_failures(timeout_error, connection_error, status_error, status_of):
    """Turn an SDK's failures into :class:`ProviderError`: its ``timeout_error`` and ``connection_error``
    classes, and its ``status_error`` class, whose instances ``status_of(exc)`` reads as
    ``(status, message, headers)``; anything else is an answer that could not be read (``MALFORMED``)."""
    try:
        yield
    except ProviderError:
        raise
    except timeout_error as exc:
        raise ProviderError(TIMEOUT, str(exc)) from exc
    except connection_error as exc:
        raise ProviderError(CONNECTION, str(exc.__cause__ or exc)) from exc
    except status_error as exc:
        status, message, headers = status_of(exc)
        if 200 <= status < 300:  # a success status with a body the SDK could not read
            raise ProviderError(MALFORMED, message) from exc
        raise error_from_status(status, message, retry_after_seconds(headers)) from exc
    except Exception as exc:  # anything else: an answer the SDK or we could not read
        raise ProviderError(MALFORMED, "%s: %s" % (type(exc).__name__, exc)) from exc


def retry_after_seconds(headers):
    """The ``Retry-After`` delay of an answer, in seconds, when it gives one as a number."""
    value = (headers or {}).get("retry-after")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def provider_message(body, fallback=""):
    """The human message inside a provider's error body (a dict or JSON text), else ``fallback``."""
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except ValueError:
            return (body if isinstance(body, str) else body.decode(errors="replace"))[:500] or fallback
    if isinstance(body, dict):
        inner = body.get("error")
        message = body.get("message") or (inner.get("message") if isinstance(inner, dict) else inner)
        if isinstance(message, str) and message:
            return message[:500]
    return fallback


def require_int(value):
    """Token counts: providers may leave them out; a missing count is 0."""
    return int(value) if isinstance(value, (int, float)) else 0


class ProviderAdapter:
    """One provider family behind a common interface.

    ``generate(system, prompt, model, temperature, max_tokens, timeout)`` returns a
    :class:`Generation` or raises :class:`ProviderError`; subclasses implement ``request``
    with their SDK. The SDK's own retries are off: the caller retries (see ``lib/retry.py``).
    """

    #: the Python package (pip name) and the module to import
    package = None
    module = None
    #: the SDK's default endpoint, shown as a hint
    default_base_url = None
    #: whether a call without an API key is pointless
    requires_key = True

    def __init__(self, api_key, base_url=None):
        self.api_key = api_key or ""
        self.base_url = (base_url or "").strip() or None

    def sdk(self):
        """Import the SDK lazily: the addon installs without it, the call says what is missing."""
        try:
            return importlib.import_module(self.module)
        except ImportError as exc:
            raise ProviderError(MISSING_SDK, self.package) from exc

    def generate(self, system, prompt, model, temperature, max_tokens, timeout):
        if self.requires_key and not self.api_key:
            raise ProviderError(MISSING_KEY)
        return self.request(system, prompt, model, temperature, max_tokens, timeout)

    def request(self, system, prompt, model, temperature, max_tokens, timeout):
        """The SDK call of this provider family (see :meth:`generate`)."""
        raise NotImplementedError

    def list_models(self, timeout):
        """The models this key may call, as a list of :class:`ListedModel` sorted by name (duplicates and
        models the API says cannot chat left out); raises :class:`ProviderError` (``EMPTY``: none listed)."""
        if self.requires_key and not self.api_key:
            raise ProviderError(MISSING_KEY)
        listed = {}
        for model in self.request_models(timeout):
            if model.name and model.name not in listed:
                listed[model.name] = model
        if not listed:
            raise ProviderError(EMPTY)
        return sorted(listed.values(), key=lambda model: model.name)[:MAX_LISTED_MODELS]

    def request_models(self, timeout):
        """The SDK's list-models call of this provider family (see :meth:`list_models`): an iterable of
        :class:`ListedModel`, every page read."""
        raise NotImplementedError

    @staticmethod
    def checked(text, tokens_in, tokens_out):
        if not isinstance(text, str):
            raise ProviderError(MALFORMED, "the answer holds no text")
        if not text.strip():
            raise ProviderError(EMPTY)
        return Generation(text.strip(), require_int(tokens_in), require_int(tokens_out))
