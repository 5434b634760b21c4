"""The AI provider form in Chromium: the provider's public URL is shown where the base URL goes, and a base
URL and a key typed one after the other are both saved (a row appearing or disappearing while typing once
threw away the key)."""
import pytest
from playwright.async_api import expect

from conftest import ODOO_URL, TAG
from servers import odoo_rpc
from test_admin_onboarding import TIMEOUT_MS, logged_in

pytestmark = pytest.mark.anyio


@pytest.fixture
def provider():
    provider_id = odoo_rpc("mcp.ai.provider", "create", {"name": "Form check %s" % TAG, "kind": "mistral"})
    yield provider_id
    odoo_rpc("mcp.ai.provider", "unlink", [provider_id])


async def open_form(page, provider_id):
    await page.goto("%s/odoo/action-mcp_ai_engine.action_mcp_ai_provider/%s" % (ODOO_URL, provider_id))
    await page.wait_for_selector(".o_form_view div[name=base_url] input", timeout=TIMEOUT_MS)


async def test_base_url_and_key_typed_in_a_row_are_both_saved(provider):
    async with logged_in() as page:
        await open_form(page, provider)
        base_url = page.locator("div[name=base_url] input")
        await expect(base_url).to_have_attribute("placeholder", "https://api.mistral.ai")
        await expect(page.locator("div[name=state] .o_arrow_button_current")).to_have_text("Inactive: no API key")

        await base_url.fill("https://eu.api.mistral.ai")
        await page.locator("div[name=api_key] input").fill("sk-form-%s" % TAG)
        await expect(page.locator("div[name=api_key] input")).to_have_value("sk-form-%s" % TAG)
        await page.click(".o_form_button_save")
        await expect(page.locator("div[name=state] .o_arrow_button_current")).to_have_text("Ready")
        assert page.problems == []

    [saved] = odoo_rpc("mcp.ai.provider", "read", [provider], ["base_url", "has_api_key", "state"])
    assert (saved["base_url"], saved["has_api_key"], saved["state"]) == ("https://eu.api.mistral.ai", True, "ready")
