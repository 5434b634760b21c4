"""Odoo's click-everywhere test (the clickbot of the web client) over every menu of the MCP Server app, in
Chromium, as an administrator and as an MCP User: every menu, view, view switch and filter opens with no
error dialog, no console error and no missing widget."""
import asyncio

import pytest

from conftest import TAG, create_key
from servers import odoo_rpc
from test_admin_onboarding import logged_in

pytestmark = pytest.mark.anyio

SUCCESS = "clickbot test succeeded"
START = ("odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
         ".startClickEverywhere('mcp_server.menu_mcp_root')")
TIMEOUT_S = 600


async def click_everywhere(login, password):
    async with logged_in(login, password) as page:
        messages = []
        done = asyncio.get_running_loop().create_future()

        def on_console(message):
            messages.append("%s: %s" % (message.type, message.text))
            if not done.done() and (message.text == SUCCESS or message.type == "error"):
                done.set_result(message.text)

        page.on("console", on_console)
        await page.evaluate("() => odoo.isReady")
        await page.evaluate(START)
        outcome = await asyncio.wait_for(done, TIMEOUT_S)
        assert outcome == SUCCESS, "\n".join(messages[-30:])
        assert not page.problems, page.problems
        tested = [text for text in messages if "Successfully tested" in text]
        assert any("menus" in text for text in tested), messages
        return tested


@pytest.fixture(scope="module")
def mcp_user():
    """An MCP User with a key and a call in the audit log, so lists and forms have rows to open."""
    login = "click-user-%s" % TAG
    groups = [odoo_rpc("ir.model.data", "check_object_reference", module, name)[1]
              for module, name in (("base", "group_user"), ("mcp_server", "group_mcp_user"))]
    odoo_rpc("res.users", "create", {"name": "Clara Click %s" % TAG, "login": login, "password": login + "!Pw1",
                                     "groups_id": [(6, 0, groups)]})
    create_key("click", login=login, grants=["res.partner:read"])
    create_key("click admin", grants=["res.partner:read"])
    return login, login + "!Pw1"


async def test_click_everywhere_as_administrator(mcp_user):
    tested = await click_everywhere("admin", "admin")
    assert tested


async def test_click_everywhere_as_mcp_user(mcp_user):
    tested = await click_everywhere(*mcp_user)
    assert tested
