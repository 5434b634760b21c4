"""Helpers of the end-to-end suite: extra Odoo servers, Odoo's own RPC, clients for other URLs."""
import json
import os
import shlex
import socket
import subprocess
import time
from contextlib import asynccontextmanager

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from conftest import ODOO_ADDONS_PATH, ODOO_BIN, ODOO_DB, ODOO_URL, TAG, RawClient

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test-artifacts")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/web/health", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError("server at %s did not start" % url)


def odoo_rpc(model, method, *args, **kwargs):
    """Odoo's own /jsonrpc as the administrator (what a person does in the UI)."""
    response = httpx.post(ODOO_URL + "/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": [ODOO_DB, 2, "admin", model, method, list(args), kwargs]}}, timeout=60)
    body = response.json()
    if "error" in body:
        raise AssertionError(body["error"]["data"]["message"])
    return body["result"]


class UrlClient(RawClient):
    """A RawClient for another server than the suite's main one."""

    def __init__(self, secret, url):
        super().__init__(secret)
        self.url = url

    def post(self, payload, **headers):
        content = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.http.post(self.url, content=content, headers=self.headers(**headers))



# ----------------------------------------------------------------------------------------------
# A prefork server (4 workers) behind a pretend reverse proxy
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def prefork():
    port = free_port()
    os.makedirs(ARTIFACTS, exist_ok=True)
    log_path = os.path.join(ARTIFACTS, "prefork-%s.log" % TAG)
    command = [*shlex.split(ODOO_BIN), "--addons-path=%s" % ODOO_ADDONS_PATH, "-d", ODOO_DB,
               "--db-filter=^%s$" % ODOO_DB, "--workers=4", "--max-cron-threads=0", "--http-port=%s" % port,
               "--gevent-port=%s" % free_port(), "--proxy-mode", "--log-level=info", "--logfile=%s" % log_path]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = "http://127.0.0.1:%s" % port
    try:
        wait_http(url)
        yield {"url": url + "/mcp", "log": log_path}
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=60)




@asynccontextmanager
async def mcp_session(secret, url=None):
    """An initialized session of the official MCP SDK client (Streamable HTTP, bearer key)."""
    try:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer %s" % secret}, timeout=120) as http, \
                streamable_http_client(url or ODOO_URL + "/mcp", http_client=http) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            yield session
    except BaseExceptionGroup as group:
        leaves = list(_leaves(group))
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group):
    if isinstance(group, BaseExceptionGroup):
        for exc in group.exceptions:
            yield from _leaves(exc)
    else:
        yield group
