"""Portal pages end to end: built through the MCP tools, published in Odoo, opened in Debian's Chromium."""
import html
import json
from urllib.parse import urlencode

import httpx
import pytest

from conftest import ODOO_URL, TAG, RawClient, create_key
from portal_helpers import CANVAS_PAINTED, SECTION_TYPES, artifact, chromium, foreign_site, publish
from servers import mcp_session

pytestmark = pytest.mark.anyio

XSS = '"><img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
PORTAL_GRANTS = ["res.partner:read,write", "res.country:read", "mail.message:read"]
# The partners of this module carry their own marker, not TAG: other suites count the partners named after TAG.
MARK = "ptl%s" % TAG[::-1]


def all_sections(tag):
    """One section of every type, on this run's partners and on messages."""
    ours = [["name", "ilike", tag]]
    return [
        {"type": "kpi", "title": "New contacts", "model": "res.partner", "domain": ours,
         "date_field": "create_date", "period": "this_month"},
        {"type": "chart", "title": "Contacts per city", "chart_type": "bar", "model": "res.partner", "domain": ours,
         "groupby": ["city"]},
        {"type": "chart", "title": "Contacts per day", "chart_type": "line", "model": "res.partner",
         "domain": ours, "groupby": ["create_date:day"], "date_field": "create_date", "period": "last_7_days"},
        {"type": "chart", "title": "Companies and people", "chart_type": "doughnut", "model": "res.partner",
         "domain": ours, "groupby": ["is_company"]},
        {"type": "chart", "title": "Growth", "chart_type": "area", "model": "res.partner", "domain": ours,
         "groupby": ["create_date:month"], "date_field": "create_date", "period": "this_year"},
        {"type": "table", "title": "Contacts", "model": "res.partner", "domain": ours,
         "fields": ["name", "city", "is_company", "create_date"], "order": "name asc"},
        {"type": "progress", "title": "Towards 10 contacts", "model": "res.partner", "domain": ours, "target": 10},
        {"type": "comparison", "title": "This month and last", "model": "res.partner", "domain": ours,
         "date_field": "create_date", "period": "this_month"},
        {"type": "timeline", "title": "Latest messages", "model": "mail.message", "date_field": "date",
         "title_field": "subject", "description_field": "message_type", "limit": 5},
        {"type": "metric_grid", "title": "In numbers", "model": "res.partner", "domain": ours,
         "metrics": [{"measure": "__count", "label": "Contacts"},
                     {"measure": "country_id:count_distinct", "label": "Countries"}]},
        {"type": "heatmap", "title": "When contacts are added", "model": "res.partner", "domain": ours,
         "date_field": "create_date"},
        {"type": "rich_text", "title": "About this page", "body": "<p>Live figures of run <strong>%s</strong>.</p>"
                                                                  % tag},
    ]


@pytest.fixture(scope="module")
def stars(admin):
    """Two companies and one contact person of each, created through the MCP create tool."""
    ids = {}

    def create(key, **values):
        ids[key] = admin.ok("create", model="res.partner", values=values)["id"]

    create("orion", name="Orion %s" % MARK, is_company=True, city="Nantes")
    create("vega", name="Vega %s" % MARK, is_company=True, city="Lille")
    create("lyra", name="Lyra %s" % MARK, is_company=False, city="Nantes", parent_id=ids["orion"])
    create("deneb", name="Deneb %s" % MARK, is_company=False, city="Lille", parent_id=ids["vega"])
    return ids


@pytest.fixture(scope="module")
def portal_key():
    return create_key("e2e portal", grants=PORTAL_GRANTS)


@pytest.fixture(scope="module")
def builder(portal_key):
    client = RawClient(portal_key)
    client.initialize()
    yield client
    client.close()


@pytest.fixture(scope="module")
def board(builder, stars):
    """A published public page with every section type and two URL filters."""
    page = builder.ok("create_portal_page", slug="e2e-board-%s" % TAG, title="E2E board %s" % TAG,
                      description="Every section type", sections=all_sections(MARK),
                      theme={"accent_color": "#0b7a75", "mode": "light"},
                      filters=[{"name": "period", "type": "period", "choices": ["this_month", "this_year", "all"]},
                               {"name": "kind", "type": "field", "field": "is_company", "label": "Companies"}])
    publish(page["id"])
    return page


async def test_every_section_type_renders_in_chromium(board):
    async with chromium(viewport={"width": 1280, "height": 900}) as browser:
        page = browser.page
        response = await page.goto(board["url"], wait_until="networkidle")
        assert response.status == 200
        assert await page.title() == "E2E board %s" % TAG
        for kind in SECTION_TYPES:
            assert await page.locator(".mcp-type-%s" % kind.replace("_", "-")).count() >= 1, kind
        assert await page.locator(".mcp-error").count() == 0
        canvases = await page.locator("canvas").all()
        assert len(canvases) == 4
        for canvas in canvases:
            state = await canvas.evaluate(CANVAS_PAINTED)
            assert state["chart"] and state["width"] > 100 and state["height"] > 100, state
            assert state["painted"] > 500, state
        assert "Live figures of run" in await page.locator(".mcp-type-rich-text").inner_text()
        assert await page.locator(".mcp-type-kpi .mcp-kpi-value").inner_text() == "4"
        await page.screenshot(path=artifact("portal-page-all-sections.png"), full_page=True)
        # Print layout: the filters are hidden, the charts stay drawn.
        await page.emulate_media(media="print")
        assert not await page.locator(".mcp-filters").is_visible()
        await page.emulate_media(media="screen")
        assert browser.problems == [], browser.problems


async def test_small_screens_and_dark_theme(builder, board):
    dark = builder.ok("update_portal_page", page=board["slug"], theme={"mode": "dark"})
    assert dark["theme"]["mode"] == "dark"
    try:
        async with chromium(viewport={"width": 390, "height": 844}, device_scale_factor=2) as browser:
            page = browser.page
            await page.goto(board["url"], wait_until="networkidle")
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(13, 17, 23)"
            await page.screenshot(path=artifact("portal-page-mobile-dark.png"), full_page=True)
            assert browser.problems == [], browser.problems
    finally:
        builder.ok("update_portal_page", page=board["slug"], theme={"mode": "light"})


async def test_table_sorts_and_filters_apply(board):
    async with chromium() as browser:
        page = browser.page
        await page.goto(board["url"], wait_until="networkidle")
        table = page.locator(".mcp-type-table table")
        names = await table.locator("tbody tr td:first-child").all_inner_texts()
        assert names == sorted(names, key=str.lower) and len(names) == 4
        header = table.locator("thead th").first
        await header.locator("button").click()
        assert await header.get_attribute("aria-sort") == "ascending"
        await header.locator("button").click()
        assert await header.get_attribute("aria-sort") == "descending"
        assert await table.locator("tbody tr td:first-child").all_inner_texts() == sorted(
            names, key=str.lower, reverse=True)
        # The filter form narrows every section whose model has the field.
        await page.select_option("#mcp-filter-kind", "True")
        async with page.expect_navigation():
            await page.click(".mcp-filters button[type=submit]")
        assert "kind=True" in page.url
        companies = await table.locator("tbody tr td:nth-child(3)").all_inner_texts()
        assert companies == ["Yes", "Yes"]
        assert browser.problems == [], browser.problems


async def test_anonymous_visitors_need_no_login_and_drafts_stay_hidden(builder, board):
    public = httpx.get(board["url"], timeout=60, follow_redirects=False)
    assert public.status_code == 200
    assert "set-cookie" not in {k.lower() for k in public.headers}
    assert "frame-ancestors 'self'" in public.headers["content-security-policy"]
    figures = httpx.get(board["data_url"], timeout=60).json()
    assert [s["type"] for s in figures["sections"]][:2] == ["kpi", "chart"]
    draft = builder.ok("create_portal_page", slug="e2e-draft-%s" % TAG, title="Draft",
                       sections=[all_sections(MARK)[6]])
    assert draft["published"] is False
    for url in (draft["url"], draft["data_url"], draft["embed_url"], ODOO_URL + "/mcp-page/no-such-%s" % TAG):
        assert httpx.get(url, timeout=60).status_code == 404, url
    async with chromium() as browser:
        response = await browser.page.goto(draft["url"])
        assert response.status == 404


async def test_token_pages_need_their_token(builder, stars):
    secret = builder.ok("create_portal_page", slug="e2e-secret-%s" % TAG, title="Secret", visibility="token",
                        sections=[all_sections(MARK)[6]])
    publish(secret["id"])
    assert "?token=" in secret["url"]
    bare = secret["url"].split("?")[0]
    async with chromium() as browser:
        assert (await browser.page.goto(bare)).status == 404
        assert (await browser.page.goto(bare + "?token=not-the-token")).status == 404
        assert (await browser.page.goto(secret["url"])).status == 200
        assert await browser.page.locator(".mcp-type-progress").count() == 1
    assert httpx.get(secret["data_url"].split("?")[0], timeout=60).status_code == 404
    assert httpx.get(secret["data_url"], timeout=60).status_code == 200


async def test_embed_frames_anywhere_with_its_signed_link_only(board):
    host = ('<h1>Partner site</h1><iframe id="embed" src="%s" width="900" height="600"></iframe>'
            '<iframe id="plain" src="%s" width="900" height="300"></iframe>') % (
        html.escape(board["embed_url"]), html.escape(board["url"]))
    async with foreign_site(host) as site, chromium() as browser:
        await browser.page.goto(site, wait_until="networkidle")
        frames = {frame.name or frame.url: frame for frame in browser.page.frames}
        embed = next(f for f in browser.page.frames if "/embed" in f.url)
        assert await embed.locator(".mcp-grid").count() == 1
        assert await embed.locator("canvas").count() == 4
        # The normal page refuses to be framed by another site.
        plain = next((f for f in browser.page.frames if f.url == board["url"]), None)
        assert plain is None or await plain.locator(".mcp-grid").count() == 0, frames
    response = httpx.get(board["embed_url"], timeout=60)
    assert response.headers["content-security-policy"].endswith("frame-ancestors *")
    assert "x-frame-options" not in response.headers
    wrong = board["embed_url"].split("embed_token=")[0] + "embed_token=" + "0" * 64
    assert httpx.get(wrong, timeout=60).status_code == 404


async def test_script_injection_is_neutralised_in_the_browser(builder, admin):
    evil = "Evil x%s" % TAG[::-1]
    admin.ok("create", model="res.partner", values={"name": "%s %s" % (evil, XSS), "city": XSS})
    ours = [["name", "ilike", evil]]
    page = builder.ok("create_portal_page", slug="e2e-xss-%s" % TAG, title="XSS %s" % XSS, description=XSS,
                      sections=[
                          {"type": "table", "title": XSS, "model": "res.partner", "domain": ours,
                           "fields": ["name", "city"], "labels": {"city": XSS}},
                          {"type": "chart", "title": "</script><script>window.__xss=3</script>",
                           "model": "res.partner", "domain": ours, "groupby": ["city"], "chart_type": "pie"},
                          {"type": "rich_text", "title": XSS,
                           "body": '<p onclick="window.__xss=4">Text %s<a href="javascript:window.__xss=5">x</a></p>'
                                   % XSS}],
                      filters=[{"name": "city", "type": "field", "field": "city", "choices": [XSS], "label": XSS[:60]}])
    publish(page["id"])
    for query in ({}, {"city": XSS}, {"city": "<script>window.__xss=6</script>"},
                  {"period": '"><script>window.__xss=7</script>', XSS: XSS}):
        async with chromium() as browser:
            url = page["url"] + ("?" + urlencode(query) if query else "")
            response = await browser.page.goto(url, wait_until="networkidle")
            assert response.status == 200
            await browser.page.locator(".mcp-type-rich-text p").dispatch_event("click")
            await browser.page.locator(".mcp-type-rich-text a").click()
            assert await browser.page.evaluate("window.__xss") is None, query
            assert browser.dialogs == []
            assert await browser.page.locator(".mcp-type-table td", has_text="window.__xss=1").count() >= 1
            assert await browser.page.locator("canvas").count() == 1
            assert "<script>window.__xss" not in await browser.page.content()
            assert [p for p in browser.problems if "__xss" in p or "Content Security" in p] == [], browser.problems


async def test_owner_domain_bounds_the_page_whatever_the_url(stars):
    secret = create_key("e2e portal scoped", grants=["res.partner:read,write"],
                        domains={"res.partner": [["is_company", "=", True]]},
                        fields={"res.partner": ["name", "is_company", "city", "parent_id", "create_date"]})
    client = RawClient(secret)
    client.initialize()
    try:
        page = client.ok("create_portal_page", slug="e2e-companies-%s" % TAG, title="Companies", sections=[
            {"type": "table", "title": "Contacts", "model": "res.partner", "domain": [["name", "ilike", MARK]],
             "fields": ["name", "is_company", "city"]},
            {"type": "kpi", "title": "How many", "model": "res.partner", "domain": [["name", "ilike", MARK]]},
        ], filters=[{"name": "kind", "type": "field", "field": "is_company"},
                    {"name": "parent", "type": "field", "field": "parent_id"}])
        denied = client.fails("create_portal_page", title="Emails", sections=[
            {"type": "table", "model": "res.partner", "fields": ["name", "email"]}])
        assert "sections[0] (table): fields:" in denied and "email" in denied
    finally:
        client.close()
    publish(page["id"])
    for query in ({}, {"kind": "false"}, {"kind": "0"}, {"parent": stars["orion"]}, {"domain": "[]"},
                  {"kind": "false' OR '1'='1"}):
        figures = httpx.get(page["data_url"], params=query, timeout=60).json()
        table, kpi = figures["sections"]
        names = [row[0]["text"] for row in table["rows"]]
        assert not any("Lyra" in name or "Deneb" in name for name in names), (query, names)
        assert all(row[1]["value"] is True for row in table["rows"])
        assert kpi["value"] <= 2
    async with chromium() as browser:
        for query in ("", "?kind=false"):
            await browser.page.goto(page["url"] + query, wait_until="networkidle")
            text = await browser.page.locator("main").inner_text()
            assert "Lyra" not in text and "Deneb" not in text
            assert ("Orion" in text) is (not query)


async def test_sdk_client_builds_and_inspects_a_page(portal_key, stars):
    async with mcp_session(portal_key) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert {"create_portal_page", "update_portal_page", "get_portal_page", "list_portal_pages"} <= set(tools)
        assert "delete_portal_page" not in tools  # a read/write key may not delete (a destructive tool)
        section_schema = tools["create_portal_page"].input_schema["properties"]["sections"]["items"]
        assert "heatmap" in section_schema["properties"]["type"]["enum"]
        created = await session.call_tool("create_portal_page", {
            "title": "SDK page %s" % TAG, "sections": all_sections(MARK)[:2]})
        assert not created.is_error, created.content[0].text
        page = created.structured_content
        assert page["slug"] == "sdk-page-%s" % TAG.lower()
        assert json.loads(created.content[0].text)["url"] == page["url"]
        wrong = await session.call_tool("update_portal_page", {
            "page": page["slug"], "sections": [{"type": "chart", "title": "Oops", "model": "res.partner"}]})
        assert wrong.is_error
        assert 'sections[0] (chart "Oops"): groupby' in wrong.content[0].text
        fetched = await session.call_tool("get_portal_page", {"page": page["slug"], "include_data": True})
        assert fetched.structured_content["data"]["sections"][0]["value"] == 4
        listed = await session.call_tool("list_portal_pages", {"search": "sdk page"})
        assert [p["slug"] for p in listed.structured_content["pages"]] == [page["slug"]]
