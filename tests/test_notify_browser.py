"""Live notifications in the web client (Chromium): sent by the MCP tool notify_users, and by a
Generative AI action answered by a local fake provider."""
import importlib.util
import os
import re
import shutil
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import async_playwright, expect

from conftest import ODOO_DB, ODOO_URL, TAG
from servers import odoo_rpc

pytestmark = pytest.mark.anyio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# The web client's bus is connected: notifications sent from now on reach this tab.
BUS_CONNECTED = "() => odoo.__WOWL_DEBUG__?.root?.env?.services?.bus_service?.workerState === 'CONNECTED'"
TOAST_TIMEOUT_MS = 15000


def fake_providers():
    """The fake provider server of the mcp_ai_engine tests (standard library only), loaded by path."""
    spec = importlib.util.spec_from_file_location(
        "fake_providers", os.path.join(ROOT, "mcp_ai_engine", "tests", "fake_providers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@asynccontextmanager
async def admin_page():
    """Chromium logged in to the web client as the administrator, its bus connected."""
    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is needed for the browser tests: apt-get install -y chromium (or set CHROMIUM).")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            await page.goto("%s/web/login?db=%s" % (ODOO_URL, ODOO_DB))
            await page.fill("input[name=login]", "admin")
            await page.fill("input[name=password]", "admin")
            async with page.expect_navigation():
                await page.click("form.oe_login_form button[type=submit]")
            await page.wait_for_selector(".o_main_navbar")
            await page.wait_for_function(BUS_CONNECTED, timeout=30000)
            yield page
        finally:
            await browser.close()


def toast(page, text):
    return page.locator(".o_notification.o_mcp_web_notify", has_text=text)


async def test_notify_users_tool_shows_a_toast(admin_key, connect, data):
    title = "Import finished %s" % TAG
    async with admin_page() as page:
        client = connect(admin_key)
        result = client.ok("notify_users", users=["admin"], title=title, message="42 contacts imported.",
                           type="success", sticky=True, record={"model": "res.partner", "id": data["acme"]})
        assert result["count"] == 1
        notification = toast(page, title)
        await expect(notification).to_be_visible(timeout=TOAST_TIMEOUT_MS)
        await expect(notification).to_contain_text("42 contacts imported.")
        await expect(notification.locator(".o_notification_bar")).to_have_class(re.compile("bg-success"))
        # Its button opens the record.
        await notification.get_by_role("button", name="Open").click()
        await expect(page.locator(".o_form_view .o_breadcrumb")).to_contain_text("Acme %s" % TAG,
                                                                                timeout=TOAST_TIMEOUT_MS)
        await expect(notification).to_have_count(0)


async def test_generative_ai_action_notifies_when_done():
    answer = "Zeta is a promising lead (%s)." % TAG
    with fake_providers().FakeProviderServer(answer=answer) as fake:
        provider_id = odoo_rpc("mcp.ai.provider", "create", {
            "name": "Local model %s" % TAG, "kind": "openai_compatible", "base_url": fake.url + "/v1",
            "model": "tiny-local", "timeout": 10, "max_retries": 0})
        action_name = "Assess the lead %s" % TAG
        action_id = odoo_rpc("ir.actions.server", "create", {
            "name": action_name, "model_id": odoo_rpc("ir.model", "search", [("model", "=", "res.partner")])[0],
            "state": "ai_generate", "ai_provider_id": provider_id, "ai_output": "note",
            "ai_system_prompt": "You assess leads.", "ai_prompt": "Assess {{ record.name }} for {{ user.name }}."})
        odoo_rpc("ir.actions.server", "create_action", [action_id])  # in the records' Actions menu
        partner_id = odoo_rpc("res.partner", "create", {"name": "Zeta %s" % TAG})
        cron_id = odoo_rpc("ir.model.data", "search_read", [("module", "=", "mcp_ai_engine"),
                                                             ("name", "=", "ir_cron_ai_jobs")], fields=["res_id"])[0][
            "res_id"]

        async with admin_page() as page:
            await page.goto("%s/odoo/res.partner/%s" % (ODOO_URL, partner_id))
            await expect(page.locator(".o_form_view .o_breadcrumb")).to_contain_text("Zeta %s" % TAG)
            await page.locator(".o_cp_action_menus button").click()
            await page.locator(".o-dropdown-item", has_text=action_name).click()
            await expect(page.locator(".o_notification", has_text="you will be notified")).to_be_visible(
                timeout=TOAST_TIMEOUT_MS)
            assert fake.requests == [], "the click queues the work; the model is asked in the background"

            # The queue's worker (a cron job; the test server runs none by itself) asks the model.
            odoo_rpc("ir.cron", "method_direct_trigger", [cron_id])
            [(_path, _headers, body)] = fake.requests
            admin_name = odoo_rpc("res.users", "read", [2], ["name"])[0]["name"]
            assert body["messages"][1]["content"] == "Assess Zeta %s for %s." % (TAG, admin_name)

            notification = toast(page, "Generative AI finished")
            await expect(notification).to_be_visible(timeout=TOAST_TIMEOUT_MS)
            await expect(notification).to_contain_text(action_name)
            await notification.get_by_role("button", name="Open").click()
            await expect(page.locator(".o-mail-Message", has_text=answer)).to_be_visible(timeout=TOAST_TIMEOUT_MS)
