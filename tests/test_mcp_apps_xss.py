"""MCP Apps views show record values as text: markup in a record's name (a table cell, a record card, a dry
run's changes, a chart's group) is never parsed as HTML, and no script of a record's runs in the view.

A script that ran would tell the host page with a postMessage, which the harness records."""
import uuid

import pytest

from apps_host import HARNESS, AppsHost
from conftest import create_key
from portal_helpers import chromium, foreign_site
from servers import odoo_rpc
from test_mcp_apps_views import chart_state, open_view

pytestmark = pytest.mark.anyio
TAG = uuid.uuid4().hex[:8]
SIGNAL = "parent.postMessage({jsonrpc:'2.0',method:'xss'},'*')"
NAME = '<img src=x onerror="%s"><svg onload="%s"></svg><b>bold</b> %s' % (SIGNAL, SIGNAL, TAG)
SIZE = {"width": 800, "height": 560}


@pytest.fixture(scope="module")
def hostile():
    partner = odoo_rpc("res.partner", "create", [{"name": NAME, "is_company": True, "city": NAME}])[0]
    secret = create_key("apps xss", grants=["res.partner:read,write"])
    return {"secret": secret, "partner": partner}


CASES = [
    ("search_read", "ui://odoo/table", lambda p: {"model": "res.partner", "domain": [["name", "like", TAG]],
                                                  "fields": ["name", "city", "parent_id"]}),
    ("read", "ui://odoo/record", lambda p: {"model": "res.partner", "ids": [p], "fields": ["name", "city"]}),
    ("write", "ui://odoo/changes", lambda p: {"model": "res.partner", "ids": [p], "values": {"city": NAME + "!"},
                                              "dry_run": True}),
    ("aggregate", "ui://odoo/chart", lambda p: {"model": "res.partner", "domain": [["name", "like", TAG]],
                                                "groupby": ["name"], "measures": ["__count"]}),
]


@pytest.mark.parametrize("tool,uri,arguments", CASES, ids=[case[0] for case in CASES])
async def test_markup_in_record_values_is_shown_as_text(hostile, tool, uri, arguments):
    arguments = arguments(hostile["partner"])
    async with AppsHost(hostile["secret"]) as host, foreign_site(HARNESS) as site, \
            chromium(viewport=SIZE) as browser:
        browser.harness_url = site
        result = await host.call(tool, arguments)
        assert TAG in str(result["structuredContent"])
        frame = await open_view(browser, host, uri, tool, arguments, result)
        await browser.page.wait_for_timeout(500)  # an image error or an svg load would have fired by now
        assert await frame.locator("main img, main svg, main b, main script").count() == 0
        if tool == "aggregate":  # a chart draws its labels on a canvas: the view's scripts all ran
            assert (await chart_state(frame))["painted"] > 100
        else:
            assert "<b>bold</b> %s" % TAG in await frame.inner_text("main")
        received = [message.get("method") for message in await browser.page.evaluate("window.harness.received")]
        assert "xss" not in received, received
        assert browser.problems == [], browser.problems
