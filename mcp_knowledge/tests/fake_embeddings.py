"""A local server speaking OpenAI's embeddings wire format (``POST /v1/embeddings``), for the tests.

Its vectors are bags of words hashed into 64 dimensions, with a few synonyms folded together, so that
"tardy settlement fee" lands near "late payment interest" without sharing a word with it.
"""
import json
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIMENSIONS = 64
SYNONYMS = {"tardy": "late", "overdue": "late", "settlement": "payment", "fee": "interest", "charge": "interest",
            "penalty": "interest"}
STOP_WORDS = {"a", "an", "the", "of", "on", "in", "for", "and", "is", "are", "to", "per", "by", "with", "after"}


def fake_vector(text):
    vector = [0.0] * DIMENSIONS
    for word in re.findall(r"[a-z]+", text.lower()):
        if word not in STOP_WORDS:
            vector[zlib.crc32(SYNONYMS.get(word, word).encode()) % DIMENSIONS] += 1.0
    return vector


class FakeEmbeddingServer:
    """``with FakeEmbeddingServer() as server``: ``server.base_url`` (…/v1) and ``server.requests`` received."""

    def __init__(self):
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                                       "body": body})
                inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                answer = json.dumps({
                    "object": "list", "model": body["model"],
                    "data": [{"object": "embedding", "index": index, "embedding": fake_vector(text)}
                             for index, text in enumerate(inputs)],
                    "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = "http://127.0.0.1:%s/v1" % self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
