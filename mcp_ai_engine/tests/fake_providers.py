"""A local HTTP server speaking the wire formats of the providers, for tests (standard library only).

One server answers every provider family, told apart by the request path:

* ``POST /v1/chat/completions``                       OpenAI, OpenAI-compatible servers and Mistral
* ``POST /v1/messages``                               Anthropic
* ``POST /v1beta/models/{model}:generateContent``     Google Gemini (google-genai)

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

GEMINI_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")


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

    def _respond(self, path, headers, body):
        """``(status, payload or raw bytes, extra headers)`` for one request."""
        with self._lock:
            self.requests.append((path, headers, body))
        gemini = GEMINI_PATH.match(path)
        if path == "/v1/chat/completions":
            answer, error, model = _openai_answer, _openai_error, body.get("model", "")
        elif path == "/v1/messages":
            answer, error, model = _anthropic_answer, _anthropic_error, body.get("model", "")
        elif gemini:
            answer, error, model = _gemini_answer, _gemini_error, gemini.group("model")
        else:
            return 404, {"error": {"message": "no route %s" % path}}, {}
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
        return 200, answer(self.answer, model, self.prompt_tokens, self.completion_tokens), {}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                status, payload, extra = fake._respond(self.path, dict(self.headers.items()), body)
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
