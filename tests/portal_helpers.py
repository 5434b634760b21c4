"""Helpers of the portal page suite: a headless Chromium, publishing as a person would, a foreign site."""
import os
import shutil
import threading
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.async_api import async_playwright

from conftest import ODOO_URL
from servers import ARTIFACTS, odoo_rpc

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SECTION_TYPES = ("kpi", "chart", "table", "progress", "comparison", "timeline", "metric_grid", "heatmap",
                 "rich_text")

# Whether a canvas has anything drawn on it (Chart.js paints into a 2D context).
CANVAS_PAINTED = """canvas => {
    const context = canvas.getContext('2d');
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted++; } }
    return {width: canvas.width, height: canvas.height, painted: painted,
            chart: !!(window.Chart && window.Chart.getChart(canvas))};
}"""


def require_chromium():
    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is needed for the portal page tests: apt-get install -y chromium (or set CHROMIUM).")


def artifact(name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, name)


def publish(page_id):
    """Publish a page the way its owner does in Odoo (the Publish button), over Odoo's own RPC."""
    odoo_rpc("mcp.portal.page", "action_publish", [page_id])


class BrowserPage:
    """A Chromium page that records what went wrong: console errors, page errors, failed or refused requests,
    dialogs."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.dialogs = []
        page.on("console", lambda message: message.type == "error" and self.problems.append(
            "console: %s" % message.text))
        page.on("pageerror", lambda error: self.problems.append("page error: %s" % error))
        page.on("requestfailed", lambda request: self.problems.append("request failed: %s" % request.url))
        page.on("response", lambda response: response.status >= 400 and self.problems.append(
            "HTTP %s: %s" % (response.status, response.url)))
        page.on("dialog", self._dialog)

    async def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        await dialog.dismiss()


async def warm_up_static_files():
    """Serve one static file before a browser asks for several at once.

    Odoo builds its table of static folders on the first static request, parsing every manifest; in a
    threaded server two first requests in parallel (a page's stylesheet and script) can hit a CPython 3.11
    race in ``ast.parse`` ("AST constructor recursion depth mismatch").
    """
    async with httpx.AsyncClient(timeout=60) as client:
        await client.get(ODOO_URL + "/web/static/img/favicon.ico")


@asynccontextmanager
async def chromium(**context_options):
    """A fresh headless Chromium context (no cookies: an anonymous visitor) and a recording page in it."""
    require_chromium()
    await warm_up_static_files()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(**context_options)
            yield BrowserPage(await context.new_page())
        finally:
            await browser.close()


@asynccontextmanager
async def foreign_site(html):
    """A page served by another origin (a local HTTP server on its own port), e.g. one that frames ours."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://localhost:%s/" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
