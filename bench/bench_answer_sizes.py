#!/usr/bin/env python3
"""Sizes of what an agent reads: a ``search_read`` answer in both text formats, and ``tools/list``.

Talks HTTP to a running server with an MCP key (``odoo-bin mcp-key --grant res.partner:read,create,unlink``
makes one; ``create``/``unlink`` only for ``--seed``)::

    python3 bench/bench_answer_sizes.py --url http://127.0.0.1:8069 --key mcpk_... [--seed 80]

It prints, as a Markdown table, the bytes (UTF-8) and estimated tokens (bytes / 4, the usual figure for
English and JSON) of:

* the text block of ``search_read`` on ``res.partner`` with the default fields and limit (80), in the
  ``json`` and ``table`` formats, and the whole JSON-RPC response of each (text + structuredContent);
* ``tools/list`` (every page): in all, per tool on average, and per tool of the core addon (the listed
  tools minus those of the sibling addons, named in ``SIBLING_TOOLS``).

``--seed N`` first creates N partners as ``bench_search_read.py`` does (name, email, city) and deletes them at
the end, so that the answer holds the same records whatever the database holds.
"""
import argparse
import json
import os
import sys
import urllib.request

from benchlib.http_client import PROTOCOL_VERSION, initialize_message, mcp_headers

SIBLING_TOOLS = {"create_portal_page", "update_portal_page", "get_portal_page", "list_portal_pages",
                 "delete_portal_page", "notify_users"}


class Client:
    """A minimal MCP client over plain HTTP (one session)."""

    def __init__(self, url, key):
        self.url = url.rstrip("/") + "/mcp"
        self.key = key
        self.session = None
        self.next_id = 0

    def post(self, message):
        headers = mcp_headers(self.key)
        if self.session:
            headers.update({"MCP-Session-Id": self.session, "MCP-Protocol-Version": PROTOCOL_VERSION})
        request = urllib.request.Request(self.url, json.dumps(message).encode(), headers, method="POST")
        with urllib.request.urlopen(request, timeout=120) as response:
            if response.headers.get("MCP-Session-Id"):
                self.session = response.headers["MCP-Session-Id"]
            return response.read()

    def request(self, method, params=None):
        """``(result, raw body bytes)``; a JSON-RPC error stops the benchmark."""
        self.next_id += 1
        raw = self.post({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}})
        body = json.loads(raw)
        if "error" in body:
            sys.exit("bench: %s failed: %s" % (method, body["error"].get("message")))
        return body["result"], raw

    def tool(self, name, **arguments):
        result, raw = self.request("tools/call", {"name": name, "arguments": arguments})
        if result.get("isError"):
            sys.exit("bench: %s failed: %s" % (name, result["content"][0]["text"]))
        return result, raw

    def open(self):
        self.request("initialize", initialize_message("bench-answer-sizes")["params"])
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})


def size(text):
    return len(text.encode("utf-8")) if isinstance(text, str) else len(text)


def row(label, nbytes):
    return "| %s | %s | %s |" % (label, format(round(nbytes), ","), format(round(nbytes / 4), ","))


def seed(client, count):
    """N partners like those of bench_search_read.py (name, email, city); the domain that finds them."""
    cities = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Lille", "Bordeaux", "Rennes"]
    ids = []
    for i in range(count):
        result, _raw = client.tool("create", model="res.partner", values={
            "name": "Bench Partner %04d" % i, "email": "partner%04d@example.com" % i, "city": cities[i % len(cities)]})
        ids.append(result["structuredContent"]["id"])
    return ids, [["id", "in", ids]]


def measure(client, domain):
    lines = ["| answer | bytes | ≈ tokens |", "| --- | ---: | ---: |"]
    for fmt in ("json", "table"):
        result, raw = client.tool("search_read", model="res.partner", domain=domain, format=fmt)
        count = result["structuredContent"]["count"]
        lines.append(row("search_read, %d partners, default fields: text block, %s" % (count, fmt),
                         size(result["content"][0]["text"])))
        lines.append(row("search_read, %d partners: whole response, %s" % (count, fmt), size(raw)))
    tools, cursor, raw_total = [], None, 0
    while True:
        page, raw = client.request("tools/list", {"cursor": cursor} if cursor else {})
        tools += page["tools"]
        raw_total += size(raw)
        cursor = page.get("nextCursor")
        if not cursor:
            break
    sizes = {tool["name"]: size(json.dumps(tool, ensure_ascii=False)) for tool in tools}
    core = [n for name, n in sizes.items() if name not in SIBLING_TOOLS]
    lines.append(row("tools/list, %d tools, responses in all" % len(tools), raw_total))
    lines.append(row("tools/list, per tool (all %d)" % len(tools), sum(sizes.values()) / len(sizes)))
    if core:
        lines.append(row("tools/list, per tool of the core addon (%d)" % len(core), sum(core) / len(core)))
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:3]
    lines.append("\nLargest tools: %s" % ", ".join("%s %s B" % item for item in largest))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("ODOO_URL", "http://127.0.0.1:8069"))
    parser.add_argument("--key", default=os.environ.get("MCP_KEY"), help="MCP key (default: $MCP_KEY)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="create N partners first (and delete them)")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("--key (or MCP_KEY) is required")
    client = Client(args.url, args.key)
    client.open()
    ids, domain = seed(client, args.seed) if args.seed else ([], [])
    try:
        print(measure(client, domain))
    finally:
        if ids:
            client.tool("unlink", model="res.partner", ids=ids)


if __name__ == "__main__":
    main()
