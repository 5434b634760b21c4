"""The administrator's first hour, in Chromium: Settings → generate a key (Acts as, profile) → the key and every
client's configuration at once → Connect a client from the menu → a call with the key in the audit log.

Screenshots of each step are kept in test-artifacts/onboarding-*.png. Also: an MCP User cannot give their own key
another profile through the web client's RPC."""
import re
import shutil
from contextlib import asynccontextmanager

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from conftest import ODOO_DB, ODOO_URL, TAG, RawClient, create_key, key_id
from portal_helpers import CHROMIUM, CHROMIUM_ARGS, artifact, warm_up_static_files
from servers import odoo_rpc

pytestmark = pytest.mark.anyio

# Per client tab: the text the configuration must contain once a key was generated ({key}, {url} filled in).
CLIENT_CONFIGS = {
    "Claude": '"AUTH_HEADER": "Bearer {key}"',
    "Claude Code": 'claude mcp add --transport http odoo {url} --header "Authorization: Bearer {key}"',
    "Cursor": '"Authorization": "Bearer {key}"',
    "Gemini CLI": 'gemini mcp add --scope user --transport http --header "Authorization: Bearer {key}" odoo {url}',
    "MCP Inspector": '--cli {url} --transport http --header "Authorization: Bearer {key}"',
    "n8n": "Bearer Token: {key}",
}
TIMEOUT_MS = 20000


@asynccontextmanager
async def logged_in(login="admin", password="admin"):
    """Chromium logged in to the web client; console errors and page errors are collected in ``page.problems``."""
    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is needed for the browser tests: apt-get install -y chromium (or set CHROMIUM).")
    await warm_up_static_files()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context(viewport={"width": 1440, "height": 900})).new_page()
            page.problems = []
            page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
            page.on("pageerror", lambda error: page.problems.append(str(error)))
            await page.goto("%s/web/login?db=%s" % (ODOO_URL, ODOO_DB))
            await page.fill("input[name=login]", login)
            await page.fill("input[name=password]", password)
            async with page.expect_navigation():
                await page.click("form.oe_login_form button[type=submit]")
            await page.wait_for_selector(".o_main_navbar", timeout=TIMEOUT_MS)
            yield page
        finally:
            await browser.close()


async def choose(dialog, field, text):
    """Type into a many2one of a dialog and pick the suggestion showing ``text``."""
    await dialog.locator("div[name=%s] input" % field).fill(text)
    await dialog.page.locator(".o-autocomplete--dropdown-item", has_text=text).first.click()


async def open_menu(page, section, item):
    await page.locator(".o_menu_sections").get_by_text(section, exact=True).click()
    await page.locator(".dropdown-menu").get_by_text(item, exact=True).click()


def config_text(dialog, client):
    return dialog.locator("div.o_field_text[name=%s_config]" % client)


async def test_onboarding_from_settings_to_the_audit_log():
    integration = "Integration %s" % TAG
    odoo_rpc("res.users", "create", {"name": integration, "login": "integration-%s" % TAG})
    key_name = "Onboarding %s" % TAG
    async with logged_in() as page:
        # 1. Settings of the app.
        await page.goto(ODOO_URL + "/odoo/action-mcp_server.action_mcp_settings")
        await expect(page.get_by_text("Record limits")).to_be_visible(timeout=TIMEOUT_MS)
        await page.screenshot(path=artifact("onboarding-1-settings.png"))

        # 2. Generate a key from Settings, acting as the integration user, with a profile.
        await page.get_by_role("button", name="Generate a key").click()
        dialog = page.locator(".modal-dialog")
        await expect(dialog.locator("div[name=name] input")).to_be_visible(timeout=TIMEOUT_MS)
        await dialog.locator("div[name=name] input").fill(key_name)
        await choose(dialog, "user_id", integration)
        await choose(dialog, "profile_id", "Contacts (read only)")
        await page.screenshot(path=artifact("onboarding-2-generate-key.png"))
        await dialog.locator("button[name=action_generate]").click()

        # 3. The key, shown once, and the configuration of every client with the key filled in.
        secret_field = dialog.locator("div[name=secret]")
        await expect(secret_field).to_be_visible(timeout=TIMEOUT_MS)
        secret = (await secret_field.inner_text()).strip()
        assert re.fullmatch(r"mcpk_[A-Za-z0-9_\-]{40,}", secret), secret
        url = (await dialog.locator("div[name=server_url]").inner_text()).strip()
        assert url == ODOO_URL + "/mcp"
        await page.screenshot(path=artifact("onboarding-3-key-and-configurations.png"))
        for tab, expected in CLIENT_CONFIGS.items():
            await dialog.locator(".nav-link", has_text=re.compile("^%s$" % tab)).click()
            client = {"Claude": "claude", "Claude Code": "claude_code", "Cursor": "cursor", "Gemini CLI": "gemini",
                      "MCP Inspector": "inspector", "n8n": "n8n"}[tab]
            await expect(config_text(dialog, client)).to_contain_text(expected.format(key=secret, url=url))
            await expect(dialog.locator("div[name=%s_config] button.o_clipboard_button" % client)).to_be_visible()
        # VS Code: no key in the file, an input variable VS Code asks for once.
        await dialog.locator(".nav-link", has_text="VS Code").click()
        vscode = await config_text(dialog, "vscode").inner_text()
        assert secret not in vscode and "${input:odoo-mcp-key}" in vscode and '"password": true' in vscode
        await page.screenshot(path=artifact("onboarding-3b-vscode.png"))
        # ChatGPT signs in with OAuth (installed in this suite): its steps say so, with the URL to paste.
        await dialog.locator(".nav-link", has_text="ChatGPT").click()
        await expect(dialog.locator("div[name=chatgpt_steps]")).to_contain_text("Authentication: OAuth")
        await expect(config_text(dialog, "chatgpt")).to_have_text(url)
        await dialog.locator(".modal-footer").get_by_role("button", name="Done").click()
        await expect(dialog).to_have_count(0)

        # 4. Connect a client from the menu: the same URL and configurations, the key as a placeholder.
        await open_menu(page, "Keys", "Connect a Client")
        await expect(dialog.locator("div[name=server_url]")).to_have_text(url, timeout=TIMEOUT_MS)
        await dialog.locator(".nav-link", has_text="Cursor").click()
        await expect(config_text(dialog, "cursor")).to_contain_text('"Authorization": "Bearer <YOUR_MCP_KEY>"')
        await page.screenshot(path=artifact("onboarding-4-connect-from-menu.png"))
        await dialog.locator(".modal-footer").get_by_role("button", name="Close").click()

        # 5. A call with the key, as the integration user, then the audit log shows it.
        client = RawClient(secret)
        try:
            client.initialize()
            found = client.ok("search_read", model="res.partner", domain=[], fields=["name"], limit=1)
            assert found["records"]
        finally:
            client.close()
        await open_menu(page, "Activity", "Audit Log")
        row = page.locator(".o_data_row", has_text=key_name).filter(has_text="search_read").first
        await expect(row).to_be_visible(timeout=TIMEOUT_MS)
        await expect(row).to_contain_text(integration)
        await expect(row).to_contain_text("res.partner")
        await page.screenshot(path=artifact("onboarding-5-audit-log.png"))
        assert not page.problems, page.problems


async def test_settings_show_the_endpoint_url_and_test_redis(settings):
    settings("mcp_server.redis_url", "redis://127.0.0.1:6379/0")
    async with logged_in() as page:
        await page.goto(ODOO_URL + "/odoo/action-mcp_server.action_mcp_settings")
        await expect(page.locator("div[name=mcp_endpoint_url]")).to_contain_text(ODOO_URL + "/mcp",
                                                                                 timeout=TIMEOUT_MS)
        for name in ("mcp_session_retention_days", "mcp_mask_pii", "mcp_pii_patterns", "mcp_log_payloads"):
            await expect(page.locator("div[name=%s]" % name)).to_be_visible()
        await expect(page.locator("div[name=mcp_pii_patterns] textarea")).to_have_value(r"\b\d{3}-\d{2}-\d{4}\b")
        await page.locator("div[name=mcp_endpoint_url]").scroll_into_view_if_needed()
        await page.screenshot(path=artifact("settings-endpoint-url.png"))

        await page.get_by_role("button", name="Test Redis connection").click()
        notification = page.locator(".o_notification")
        await expect(notification).to_contain_text(re.compile(r"Redis \d+\.\d+\.\d+ answered in [\d.]+ ms"),
                                                   timeout=TIMEOUT_MS)
        await page.screenshot(path=artifact("settings-redis-test-ok.png"))
        await notification.locator(".o_notification_close").click()

        # The URL typed in the form is tested before it is saved.
        await page.locator("div[name=mcp_redis_url] input").fill("redis://127.0.0.1:1/0")
        await page.get_by_role("button", name="Test Redis connection").click()
        await expect(notification).to_contain_text("Redis is unreachable", timeout=TIMEOUT_MS)
        await expect(notification).to_contain_text("Connection refused")
        await page.screenshot(path=artifact("settings-redis-test-failed.png"))
        assert not page.problems, page.problems


async def test_keys_list_shows_a_generated_key_at_once():
    key_name = "From the list %s" % TAG
    async with logged_in() as page:
        await page.goto(ODOO_URL + "/odoo/action-mcp_server.action_mcp_api_key")
        await page.locator(".o_list_button_add, .o_control_panel button", has_text="Generate a key").first.click()
        dialog = page.locator(".modal-dialog")
        await dialog.locator("div[name=name] input").fill(key_name)
        await choose(dialog, "profile_id", "Contacts (read only)")
        await dialog.locator("button[name=action_generate]").click()
        await expect(dialog.locator("div[name=secret]")).to_be_visible(timeout=TIMEOUT_MS)
        await dialog.locator(".modal-footer").get_by_role("button", name="Done").click()
        # No reload: the list shows the new key as soon as the dialog closes.
        await expect(page.locator(".o_data_row", has_text=key_name)).to_be_visible(timeout=TIMEOUT_MS)
        assert not page.problems, page.problems


def web_session(login, password):
    """An httpx client logged in to the web client (cookie session), as a browser would be."""
    http = httpx.Client(base_url=ODOO_URL, timeout=60)
    response = http.post("/web/session/authenticate", json={"jsonrpc": "2.0", "method": "call", "params": {
        "db": ODOO_DB, "login": login, "password": password}})
    assert response.json().get("result", {}).get("uid"), response.text
    return http


def call_kw(http, model, method, args, kwargs=None):
    response = http.post("/web/dataset/call_kw/%s/%s" % (model, method), json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}})
    return response.json()


def test_mcp_user_cannot_widen_their_key_through_the_web_client_rpc():
    login = "mcp-user-%s" % TAG
    groups = [odoo_rpc("ir.model.data", "check_object_reference", module, name)[1]
              for module, name in (("base", "group_user"), ("mcp_server", "group_mcp_user"))]
    user_id = odoo_rpc("res.users", "create", {"name": "MCP User %s" % TAG, "login": login, "password": login + "!Pw1",
                                               "groups_id": [(6, 0, groups)]})
    wide = odoo_rpc("mcp.access.profile", "create", {"name": "Admin wide %s" % TAG, "scope": "full", "rule_ids": [
        (0, 0, {"model_id": odoo_rpc("ir.model", "search", [("model", "=", "res.partner")])[0],
                "perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True})]})
    self_service = odoo_rpc("mcp.access.profile", "create", {"name": "Self-service %s" % TAG, "scope": "read_only",
                                                             "self_service": True})
    http = web_session(login, login + "!Pw1")
    try:
        # Creating a key with the administrator's profile: refused.
        created = call_kw(http, "mcp.api.key", "create", [{"name": "wide", "user_id": user_id, "profile_id": wide}])
        assert created["error"]["data"]["name"] == "odoo.exceptions.AccessError", created
        assert "is not self-service" in created["error"]["data"]["message"]
        # With a self-service profile: allowed; then changing its profile, limits or networks: refused.
        key_id = call_kw(http, "mcp.api.key", "create", [{"name": "mine", "user_id": user_id,
                                                          "profile_id": self_service}])["result"]
        for values in ({"profile_id": wide}, {"profile_id": False}, {"rate_limit_minute": 100000},
                       {"ip_allow": "0.0.0.0/0"}):
            answer = call_kw(http, "mcp.api.key", "web_save", [[key_id], values],
                             {"specification": {"profile_id": {}}, "context": {"mcp_key_internal": True}})
            assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessError", (values, answer)
        assert odoo_rpc("mcp.api.key", "read", [key_id], ["profile_id"])[0]["profile_id"][0] == self_service
        # Renaming stays the user's.
        renamed = call_kw(http, "mcp.api.key", "web_save", [[key_id], {"name": "mine, renamed"}],
                          {"specification": {"name": {}}})
        assert renamed["result"][0]["name"] == "mine, renamed"
    finally:
        http.close()


async def test_key_profile_and_audit_forms_render(db):
    """The forms an administrator opens next: a key (revoked: ribbon, read-only, chatter), a profile (rule dialog
    with technical names and the domain editor; the scope preset unticks what it does not allow), an audit entry."""
    secret = create_key("forms", grants=["res.partner:read,write"],
                        domains={"res.partner": [["is_company", "=", True]]})
    key = key_id(db, secret)
    profile = odoo_rpc("mcp.api.key", "read", [key], ["profile_id"])[0]["profile_id"][0]
    client = RawClient(secret)
    try:
        client.initialize()
        client.fails("read", model="res.users", ids=[2], fields=["login"])  # refused by the profile
    finally:
        client.close()
    async with logged_in() as page:
        # The key: revoke it, then the ribbon, the chatter line and read-only fields.
        await page.goto(ODOO_URL + "/odoo/action-mcp_server.action_mcp_api_key/%s" % key)
        form = page.locator(".o_form_view")
        await expect(form.locator("div[name=profile_id]")).to_be_visible(timeout=TIMEOUT_MS)
        page.once("dialog", lambda dialog: dialog.accept())
        await form.locator("button[name=action_revoke]").click()
        await page.locator(".modal-footer button.btn-primary").click()
        await expect(form.locator(".ribbon", has_text="Revoked")).to_be_visible(timeout=TIMEOUT_MS)
        await expect(page.locator(".o-mail-Message", has_text="Key revoked by")).to_be_visible(timeout=TIMEOUT_MS)
        await expect(form.locator("div[name=ip_allow] textarea")).to_have_count(0)
        await page.screenshot(path=artifact("forms-key-revoked.png"))

        # The profile: rule dialog with technical names and the domain editor.
        await page.goto(ODOO_URL + "/odoo/action-mcp_server.action_mcp_access_profile/%s" % profile)
        await expect(page.locator("div[name=scope]")).to_be_visible(timeout=TIMEOUT_MS)
        await page.locator(".o_data_row", has_text="res.partner").first.click()
        dialog = page.locator(".modal-dialog")
        await expect(dialog.locator("div[name=model_id] input")).to_have_value("Contact (res.partner)",
                                                                              timeout=TIMEOUT_MS)
        await expect(dialog.locator(".o_field_domain")).to_contain_text("Is a Company")
        await page.screenshot(path=artifact("forms-profile-rule.png"))
        await dialog.locator(".modal-footer").get_by_role("button", name="Discard").click()
        # Narrowing the preset unticks Write, and says so.
        await page.locator("div[name=scope] input[data-value=read_only]").check()
        await expect(page.locator(".o_notification, .modal-dialog", has_text="Permissions unticked")).to_be_visible(
            timeout=TIMEOUT_MS)
        await page.screenshot(path=artifact("forms-profile-scope-narrowed.png"))

        # The audit entry of the refused call names its model.
        await page.goto(ODOO_URL + "/odoo/action-mcp_server.action_mcp_audit_log")
        row = page.locator(".o_data_row", has_text="denied").filter(has_text="res.users").first
        await expect(row).to_be_visible(timeout=TIMEOUT_MS)
        await row.click()
        await expect(page.locator(".o_form_view div[name=model]")).to_have_text("res.users", timeout=TIMEOUT_MS)
        assert not page.problems, page.problems
