"""Helpers of the OAuth end-to-end tests: a user who logs in, a loopback callback server playing the
application's redirect URI, and a real browser (Playwright driving Debian's Chromium)."""
import base64
import hashlib
import os
import queue
import secrets
import threading
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
import httpx
import pytest
from playwright.async_api import async_playwright

from conftest import MCP_URL, ODOO_URL, TAG
from servers import odoo_rpc

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AUTHORIZE_URL = ODOO_URL + "/oauth/authorize"
TOKEN_URL = ODOO_URL + "/oauth/token"
REGISTER_URL = ODOO_URL + "/oauth/register"


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


class CallbackServer:
    """A loopback HTTP server at the application's redirect URI; it records the query of every callback."""

    def __init__(self):
        self.callbacks = queue.Queue()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = "http://127.0.0.1:%s/callback" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                if url.path != "/callback":  # e.g. the browser's /favicon.ico
                    self.send_error(404)
                    return
                server.callbacks.put({key: values[0] for key, values in parse_qs(url.query).items()})
                body = b"<html><body>Connected: you can close this window.</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def wait(self, timeout=60):
        """The query parameters of the next callback."""
        return self.callbacks.get(timeout=timeout)

    async def wait_async(self, timeout=60):
        return await anyio.to_thread.run_sync(self.wait, timeout)

    def start(self):
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def callback():
    server = CallbackServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oauth_user():
    """An internal user with the MCP User right and a password: the person who connects applications."""
    groups = [odoo_rpc("ir.model.data", "check_object_reference", module, name)[1]
              for module, name in (("base", "group_user"), ("base", "group_partner_manager"),
                                   ("mcp_server", "group_mcp_user"))]
    user = {"login": "olivia-%s" % TAG, "password": "Pw-%s" % secrets.token_urlsafe(12), "name": "Olivia %s" % TAG}
    values = {"name": user["name"], "password": user["password"], "groups_id": [(6, 0, groups)]}
    # Each test module importing this fixture has its own session-scoped copy: the user may exist already.
    existing = odoo_rpc("res.users", "search", [("login", "=", user["login"])])
    if existing:
        odoo_rpc("res.users", "write", existing, values)
        user["id"] = existing[0]
    else:
        user["id"] = odoo_rpc("res.users", "create", dict(values, login=user["login"]))
    user["partner_id"] = odoo_rpc("res.users", "read", [user["id"]], ["partner_id"])[0]["partner_id"][0]
    return user


def register_client(redirect_uri, name="E2E client", **metadata):
    body = {"client_name": "%s %s" % (name, TAG), "redirect_uris": [redirect_uri], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], **metadata}
    response = httpx.post(REGISTER_URL, json=body, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()


def authorize_url(client_id, redirect_uri, challenge, state, scope="mcp:read mcp:write", **extra):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": state,
              "code_challenge": challenge, "code_challenge_method": "S256", "scope": scope, "resource": MCP_URL}
    params.update(extra)
    return AUTHORIZE_URL + "?" + urlencode({k: v for k, v in params.items() if v is not None})


def exchange_code(client_id, code, verifier, redirect_uri, **extra):
    return httpx.post(TOKEN_URL, data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                       "client_id": client_id, "code_verifier": verifier, "resource": MCP_URL,
                                       **extra}, timeout=60)


@asynccontextmanager
async def browser_page():
    """A page of a fresh headless Chromium (no cookies: the user is not logged in to Odoo yet)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("The OAuth browser tests drive Debian's Chromium: apt-get install -y chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            yield await context.new_page()
        finally:
            await browser.close()


async def log_in(page, url, user):
    """Open ``url`` in the browser and log in to Odoo when the login page shows."""
    await page.goto(url)
    if urlsplit(page.url).path == "/web/login":
        await page.fill("input[name=login]", user["login"])
        await page.fill("input[name=password]", user["password"])
        async with page.expect_navigation():
            await page.click("form.oe_login_form button[type=submit]")


async def answer_for_the_client(page, url, user, decision="allow"):
    """Walk an authorization URL like a person (log in, answer the consent page) and return the URL the
    server redirects the browser to: the application's redirect URI with the authorization response.

    The redirect is read from the answer to the consent form, and the browser then shows a small page
    instead of following it: the applications' own hosts (https://claude.ai…) are out of reach here, and
    a private-use scheme (cursor://…) would be handed to the operating system."""

    answers = []

    async def authorization_endpoint(route):
        if route.request.method != "POST":
            await route.continue_()
            return
        response = await route.fetch(max_redirects=0)
        answers.append(response.headers.get("location"))
        await route.fulfill(status=200, content_type="text/html", body="<p>Back to the application.</p>")

    await page.context.route(lambda target: target.startswith(AUTHORIZE_URL), authorization_endpoint)
    await log_in(page, url, user)
    assert await page.locator(".o_mcp_oauth_consent").count(), "no consent page at %s" % page.url
    async with page.expect_navigation():
        await page.click("button[name=decision][value=%s]" % decision)
    assert answers and answers[-1], "the consent page did not redirect"
    return answers[-1]


async def log_in_and_decide(page, url, user, decision="allow"):
    """Open an authorization URL like a person would: log in to Odoo when asked, then answer the
    consent page. Returns the consent page's text (None when the consent was remembered)."""
    await log_in(page, url, user)
    consent = page.locator(".o_mcp_oauth_consent")
    if not urlsplit(page.url).path.startswith("/oauth/authorize") or not await consent.count():
        return None
    text = await consent.inner_text()
    async with page.expect_navigation():
        await page.click("button[name=decision][value=%s]" % decision)
    return text
