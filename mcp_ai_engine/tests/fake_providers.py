"""A local HTTP server speaking the wire formats of the providers, for tests (standard library only).

One server answers every provider family, told apart by the request path:

* ``POST /v1/chat/completions``                       OpenAI, OpenAI-compatible servers and Mistral
* ``POST /v1/messages``                               Anthropic
* ``POST /v1beta/models/{model}:generateContent``     Google Gemini (google-genai)
* ``GET /v1/models``                                  list models: Anthropic's shape when the request has an
  ``anthropic-version`` header (pages of ``limit`` after ``after_id``), Mistral's when the user agent is the
  ``mistralai`` SDK's (``mistral-client-python``), OpenAI's otherwise
* ``GET /v1beta/models``                              list models, Gemini (pages of ``pageSize``, ``pageToken``)

The listed models are ``models[family]`` (family: openai, anthropic, gemini, mistral); ``page_size`` caps
every page, so that the SDKs have to follow the pagination.

Each request takes the next step of ``script`` (or answers normally when it is empty):
``"ok"``, ``("status", code)`` / ``("status", code, retry_after)``, ``("sleep", seconds)``,
``"garbage"`` (a 200 whose body is not JSON) or ``"wrong_shape"`` (a 200 JSON without the expected
fields). Requests are kept in ``requests`` as ``(path, headers, body)``. The end-to-end suite loads
this file by path too, so it imports nothing from Odoo.
"""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GEMINI_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")
# What each family's list-models endpoint offers by default: (id, display name, can chat).
DEFAULT_MODELS = {
    "openai": [("gpt-4.1", "", True), ("gpt-4.1-mini", "", True), ("o4-mini", "", True),
               ("text-embedding-3-small", "", False)],
    "anthropic": [("claude-opus-4-1", "Claude Opus 4.1", True), ("claude-sonnet-4-5", "Claude Sonnet 4.5", True),
                  ("claude-haiku-4-5", "Claude Haiku 4.5", True)],
    "gemini": [("gemini-2.5-pro", "Gemini 2.5 Pro", True), ("gemini-2.5-flash", "Gemini 2.5 Flash", True),
               ("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", True),
               ("text-embedding-004", "Text Embedding 004", False)],
    "mistral": [("mistral-large-latest", "Mistral Large", True), ("mistral-small-latest", "Mistral Small", True),
                ("mistral-embed", "Mistral Embed", False)],
}


def _openai_models(models):
    return {"object": "list", "data": [
        {"id": name, "object": "model", "created": 1700000000 + i, "owned_by": "system"}
        for i, (name, _label, _chat) in enumerate(models)]}


def _mistral_models(models):
    return {"object": "list", "data": [{
        "id": name, "object": "model", "created": 1700000000, "owned_by": "mistralai", "type": "base",
        "name": label, "description": label, "max_context_length": 131072, "aliases": [],
        "capabilities": {"completion_chat": chat, "function_calling": chat, "completion_fim": False,
                         "fine_tuning": False, "vision": False, "classification": False},
    } for name, label, chat in models]}


def _anthropic_models(models, query):
    """One page: ``limit`` models after ``after_id`` (Anthropic lists the newest first)."""
    ids = [name for name, _label, _chat in models]
    after = query.get("after_id")
    start = ids.index(after) + 1 if after in ids else 0
    page = models[start:start + int(query.get("limit") or 20)]
    return {"data": [{"type": "model", "id": name, "display_name": label, "created_at": "2025-09-29T00:00:00Z"}
                     for name, label, _chat in page],
            "has_more": start + len(page) < len(models), "first_id": page[0][0] if page else None,
            "last_id": page[-1][0] if page else None}


def _gemini_models(models, query):
    """One page: ``pageSize`` models from the offset in ``pageToken``, and the next token while more remain."""
    start = int(query.get("pageToken") or 0)
    end = start + int(query.get("pageSize") or 50)
    answer = {"models": [{
        "name": "models/%s" % name, "version": "001", "displayName": label, "description": label,
        "inputTokenLimit": 1048576, "outputTokenLimit": 65536, "temperature": 1, "topP": 0.95, "topK": 64,
        "supportedGenerationMethods": ["generateContent", "countTokens"] if chat else ["embedContent"],
    } for name, label, chat in models[start:end]]}
    if end < len(models):
        answer["nextPageToken"] = str(end)
    return answer


def _openai_answer(text, model, prompt_tokens, completion_tokens):
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _anthropic_answer(text, model, prompt_tokens, completion_tokens):
    return {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
    }


def _gemini_answer(text, model, prompt_tokens, completion_tokens):
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP",
                        "index": 0}],
        "usageMetadata": {"promptTokenCount": prompt_tokens, "candidatesTokenCount": completion_tokens,
                          "totalTokenCount": prompt_tokens + completion_tokens},
        "modelVersion": model,
    }


def _openai_error(status, message):
    kind = "rate_limit_error" if status == 429 else "server_error" if status >= 500 else "invalid_request_error"
    return {"error": {"message": message, "type": kind, "code": None, "param": None}}


def _anthropic_error(status, message):
    kind = "rate_limit_error" if status == 429 else "api_error" if status >= 500 else "invalid_request_error"
    return {"type": "error", "error": {"type": kind, "message": message}}


def _gemini_error(status, message):
    kind = "RESOURCE_EXHAUSTED" if status == 429 else "INTERNAL" if status >= 500 else "INVALID_ARGUMENT"
    return {"error": {"code": status, "message": message, "status": kind}}


class FakeProviderServer:
    """``with FakeProviderServer() as server: ... server.url ...``"""

    def __init__(self, answer="Hello from the fake provider.", prompt_tokens=12, completion_tokens=7):
        self.answer = answer
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.script = []
        self.requests = []
        self.models = {family: list(models) for family, models in DEFAULT_MODELS.items()}
        self.page_size = 2
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-llm-provider", daemon=True)

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return "http://%s:%s" % (host, port)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _next_step(self):
        with self._lock:
            return self.script.pop(0) if self.script else "ok"

    def _list_answer(self, path, headers):
        """``(answer function, error function)`` of a list-models request, or None for an unknown path."""
        url = urlsplit(path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        for key in ("limit", "pageSize"):
            if key in query:
                query[key] = str(min(int(query[key]), self.page_size))
        lowered = {name.lower(): value for name, value in headers.items()}
        if url.path == "/v1beta/models":
            return (lambda: _gemini_models(self.models["gemini"], query)), _gemini_error
        if url.path != "/v1/models":
            return None
        if "anthropic-version" in lowered:
            return (lambda: _anthropic_models(self.models["anthropic"], query)), _anthropic_error
        if lowered.get("user-agent", "").startswith("mistral-client"):
            return (lambda: _mistral_models(self.models["mistral"])), _openai_error
        return (lambda: _openai_models(self.models["openai"])), _openai_error

    def _respond(self, path, headers, body, method="POST"):
        """``(status, payload or raw bytes, extra headers)`` for one request."""
        with self._lock:
            self.requests.append((path, headers, body))
        gemini = GEMINI_PATH.match(path)
        listing = self._list_answer(path, headers) if method == "GET" else None
        if listing:
            answer, error = listing
            return self._scripted(answer, error)
        if path == "/v1/chat/completions":
            answer, error, model = _openai_answer, _openai_error, body.get("model", "")
        elif path == "/v1/messages":
            answer, error, model = _anthropic_answer, _anthropic_error, body.get("model", "")
        elif gemini:
            answer, error, model = _gemini_answer, _gemini_error, gemini.group("model")
        else:
            return 404, {"error": {"message": "no route %s" % path}}, {}
        return self._scripted(lambda: answer(self.answer, model, self.prompt_tokens, self.completion_tokens),
                              error)

    def _scripted(self, answer, error):
        """The answer ``answer()``, unless the script's next step says otherwise."""
        step = self._next_step()
        if isinstance(step, tuple) and step[0] == "sleep":
            self._stopped.wait(step[1])
            step = "ok"
        if step == "garbage":
            return 200, b"<html>this is not JSON</html>", {}
        if step == "wrong_shape":
            return 200, {"unexpected": [1, 2, 3]}, {}
        if isinstance(step, tuple) and step[0] == "status":
            extra = {"Retry-After": str(step[2])} if len(step) > 2 else {}
            return step[1], error(step[1], "fake failure %s" % step[1]), extra
        return 200, answer(), {}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self.answer(fake._respond(self.path, dict(self.headers.items()), {}, "GET"))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                self.answer(fake._respond(self.path, dict(self.headers.items()), body))

            def answer(self, response):
                status, payload, extra = response
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args):
                pass

        return Handler
