"""MCP Apps views in a browser: Chromium loads each ui:// view in a sandboxed iframe of a small host page that
speaks the extension's postMessage protocol; the tool results are real answers of /mcp on sales and CRM data.

Each view renders (a chart paints its canvas), a screenshot goes to test-artifacts/mcp-apps/, no console error
appears, and a click on a bar makes the view call search_read through the host: the harness forwards it to
/mcp under the same key and the records of that bar come back. The MCP Inspector CLI (``--app-info``) sees
the view only when it advertises the extension. Sales and CRM come with ``mcp_erp_tests``.
"""
import datetime
import json
import os
import subprocess
import uuid

import pytest

from apps_host import DARK_VARIABLES, HARNESS, AppsHost
from conftest import MCP_URL, create_key
from portal_helpers import CANVAS_PAINTED, artifact, chromium, foreign_site
from servers import odoo_rpc

pytestmark = pytest.mark.anyio
TAG = uuid.uuid4().hex[:8]
TODAY = datetime.date.today()
# The first days of the last four months, oldest first.
MONTHS = [datetime.date((TODAY.year * 12 + TODAY.month - 1 - back) // 12,
                        (TODAY.year * 12 + TODAY.month - 1 - back) % 12 + 1, 1) for back in (3, 2, 1, 0)]
ORDERS = [("Alpha", 0, 2), ("Alpha", 1, 1), ("Beta", 1, 3), ("Beta", 2, 1), ("Gamma", 3, 2), ("Alpha", 3, 1)]
SIZE = {"width": 800, "height": 560}
ENSURE_NODE_TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conformance", "ensure-conformance")


@pytest.fixture(scope="module")
def sales(db):
    with db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ir_module_module WHERE name IN ('sale_management', 'crm') "
                       "AND state = 'installed'")
        if cursor.fetchone()[0] < 2:
            pytest.skip("Sales and CRM are not installed in this database")
    partners = {name: odoo_rpc("res.partner", "create", [{"name": "%s %s" % (name, TAG), "is_company": True}])[0]
                for name in ("Alpha", "Beta", "Gamma")}
    product = odoo_rpc("product.product", "create", [{"name": "Chair %s" % TAG, "list_price": 100.0}])[0]
    for name, month, quantity in ORDERS:
        order = odoo_rpc("sale.order", "create", [{
            "partner_id": partners[name], "client_order_ref": TAG,
            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": quantity}]]}])[0]
        odoo_rpc("sale.order", "action_confirm", [order])
        odoo_rpc("sale.order", "write", [order], {"date_order": "%s 10:00:00" % MONTHS[month].isoformat()})
    stages = odoo_rpc("crm.stage", "search", [], order="sequence, id")
    for index, stage in enumerate(stages[:3]):
        for number in range(3 - index):
            odoo_rpc("crm.lead", "create", [{"name": "Lead %s %s-%s" % (TAG, index, number), "stage_id": stage,
                                             "type": "opportunity"}])
    secret = create_key("apps views", grants=["sale.order:read", "crm.lead:read", "crm.stage:read",
                                              "res.partner:read,write", "product.product:read"])
    return {"secret": secret, "partners": partners}


def orders(**args):
    return dict({"model": "sale.order", "domain": [["client_order_ref", "=", TAG]]}, **args)


CHARTS = {
    "timeseries": orders(date_field="date_order", granularity="month", measure="amount_total:sum",
                         date_from=MONTHS[0].replace(day=1).isoformat(), date_to=TODAY.isoformat(),
                         compare_previous=True),
    "aggregate": orders(groupby=["partner_id"], measures=["amount_untaxed:sum", "__count"]),
    "top_n": orders(groupby="partner_id", measure="amount_untaxed:sum", n=5),
    "pivot": orders(rows=["partner_id"], columns="date_order:month", measure="amount_untaxed:sum"),
    "compare_periods": orders(date_field="date_order", measures=["amount_untaxed:sum"], groupby=["partner_id"],
                              period_a={"from": MONTHS[0].replace(day=1).isoformat(),
                                        "to": MONTHS[1].replace(day=28).isoformat()},
                              period_b={"from": MONTHS[2].replace(day=1).isoformat(), "to": TODAY.isoformat()}),
    "funnel": {"model": "crm.lead", "domain": "[('name', 'like', 'Lead %s')]" % TAG, "stage_field": "stage_id"},
    "cohort": orders(entity_field="partner_id", date_field="date_order", granularity="month", periods=3),
}


async def open_view(browser, host, uri, tool, arguments, result, theme="light"):
    """Load the view in the harness with the tool's input and result; the view's frame once it has drawn."""
    page = browser.page

    async def forward(params):
        return await host.rpc("tools/call", params)

    await page.expose_function("forwardToMcp", forward)
    await page.goto(browser.harness_url)
    setup = {"tool": tool, "arguments": arguments, "result": result, "theme": theme,
             "variables": DARK_VARIABLES if theme == "dark" else {}}
    await page.evaluate("([html, setup]) => window.loadView(html, setup)", [await host.view(uri), setup])
    await page.wait_for_function("window.harness.received.some(m => m.method === 'ui/notifications/initialized')")
    frame = await (await page.query_selector("#view")).content_frame()
    await frame.wait_for_selector("main h1, main h2")
    return frame


async def chart_state(frame):
    await frame.wait_for_function("() => window.Chart && window.Chart.getChart(document.querySelector('canvas'))")
    return await frame.eval_on_selector("canvas", CANVAS_PAINTED)



@pytest.mark.parametrize("tool", sorted(CHARTS))
async def test_chart_view_draws_each_analytics_result(sales, tool):
    async with AppsHost(sales["secret"]) as host, foreign_site(HARNESS) as site, chromium(viewport=SIZE) as browser:
        browser.harness_url = site
        tools = {t["name"]: t for t in (await host.result("tools/list"))["tools"]}
        assert tools[tool]["_meta"]["ui"]["resourceUri"] == "ui://odoo/chart"
        result = await host.call(tool, CHARTS[tool])
        frame = await open_view(browser, host, "ui://odoo/chart", tool, CHARTS[tool], result)
        state = await chart_state(frame)
        assert state["chart"] and state["painted"] > 500, state
        os.makedirs(artifact("mcp-apps"), exist_ok=True)
        await browser.page.locator("#view").screenshot(path=artifact("mcp-apps/%s.png" % tool))
        assert browser.problems == []
        sent = [message.get("method") for message in await browser.page.evaluate("window.harness.received")]
        assert sent[:2] == ["ui/initialize", "ui/notifications/initialized"], sent
        assert "ui/notifications/size-changed" in sent


async def test_bar_click_lists_its_records_through_the_host(sales):
    arguments = orders(groupby=["partner_id"], measures=["amount_untaxed:sum"])
    tall = dict(SIZE, height=1000)
    async with AppsHost(sales["secret"]) as host, foreign_site(HARNESS) as site, chromium(viewport=tall) as browser:
        browser.harness_url = site
        result = await host.call("aggregate", arguments)
        groups = result["structuredContent"]["groups"]
        counts = {"%s %s" % (name, TAG): sum(1 for order in ORDERS if order[0] == name) for name, *_ in ORDERS}
        frame = await open_view(browser, host, "ui://odoo/chart", "aggregate", arguments, result)
        await chart_state(frame)
        point = await frame.evaluate("""() => {
            const element = Chart.getChart(document.querySelector('canvas')).getDatasetMeta(0).data[0];
            return {x: element.x, y: (element.y + element.base) / 2};
        }""")
        await frame.locator("canvas").first.click(position=point)
        await frame.wait_for_selector("#mcp-details table")
        calls = await browser.page.evaluate("window.harness.calls")
        assert [call["name"] for call in calls] == ["search_read"]
        first = groups[0]
        assert calls[0]["arguments"]["model"] == "sale.order"
        assert calls[0]["arguments"]["domain"] == [["client_order_ref", "=", TAG],
                                                   ["partner_id", "=", first["partner_id"]["id"]]]
        answer = (await browser.page.evaluate("window.harness.answers"))[0]["result"]["structuredContent"]
        assert answer["count"] == counts[first["partner_id"]["name"]]
        assert {r["partner_id"]["id"] for r in answer["records"]} == {first["partner_id"]["id"]}
        assert await frame.locator("#mcp-details tbody tr").count() == answer["count"]
        await browser.page.locator("#view").screenshot(path=artifact("mcp-apps/aggregate-drill-down.png"))
        assert browser.problems == []


async def test_date_grouped_without_granularity_drills_into_its_month(sales):
    # "date_order" alone is grouped by month: the answer's groups are keyed "date_order:month".
    arguments = orders(groupby=["date_order"])
    async with AppsHost(sales["secret"]) as host, foreign_site(HARNESS) as site, \
            chromium(viewport=dict(SIZE, height=1000)) as browser:
        browser.harness_url = site
        result = await host.call("aggregate", arguments)
        groups = result["structuredContent"]["groups"]
        assert [group["date_order:month"] for group in groups] == [month.isoformat() for month in MONTHS]
        frame = await open_view(browser, host, "ui://odoo/chart", "aggregate", arguments, result)
        await chart_state(frame)
        labels = await frame.evaluate("() => Chart.getChart(document.querySelector('canvas')).data.labels")
        assert labels == [month.isoformat() for month in MONTHS]
        assert "Date order (month)" in await frame.inner_text("h1")
        point = await frame.evaluate("""() => {
            const element = Chart.getChart(document.querySelector('canvas')).getDatasetMeta(0).data[1];
            return {x: element.x, y: (element.y + element.base) / 2};
        }""")
        await frame.locator("canvas").first.click(position=point)
        await frame.wait_for_selector("#mcp-details table")
        call = (await browser.page.evaluate("window.harness.calls"))[0]
        assert call["arguments"]["domain"][0] == ["client_order_ref", "=", TAG]
        assert [condition[:2] for condition in call["arguments"]["domain"][1:]] == [["date_order", ">="],
                                                                                 ["date_order", "<"]]
        after = datetime.date(MONTHS[1].year + MONTHS[1].month // 12, MONTHS[1].month % 12 + 1, 1)
        expected = odoo_rpc("sale.order", "search", [["client_order_ref", "=", TAG],
                                                     ["date_order", ">=", MONTHS[1].isoformat()],
                                                     ["date_order", "<", after.isoformat()]])
        assert len(expected) == sum(1 for order in ORDERS if order[1] == 1) == 2
        answer = (await browser.page.evaluate("window.harness.answers"))[0]["result"]["structuredContent"]
        assert sorted(record["id"] for record in answer["records"]) == sorted(expected)
        assert browser.problems == []


@pytest.fixture(scope="module")
def brussels(sales):
    """A seller in Brussels (UTC+1 in winter) and two orders half an hour either side of their midnight between
    January and February: both fall on 31 January in UTC."""
    group = odoo_rpc("ir.model.data", "search_read", [["module", "=", "sales_team"],
                                                       ["name", "=", "group_sale_salesman_all_leads"]],
                     fields=["res_id"])[0]["res_id"]
    login = "brussels-%s" % TAG
    odoo_rpc("res.users", "create", {"name": "Brussels (%s)" % TAG, "login": login, "tz": "Europe/Brussels",
                                     "groups_id": [[4, group]]})
    reference = "night %s" % TAG
    orders = {}
    for local, utc in (("2025-01-31 23:30", "2025-01-31 22:30:00"), ("2025-02-01 00:30", "2025-01-31 23:30:00")):
        order = odoo_rpc("sale.order", "create", [{"partner_id": sales["partners"]["Alpha"],
                                                   "client_order_ref": reference}])[0]
        odoo_rpc("sale.order", "write", [order], {"date_order": utc})
        orders[local[:10]] = order
    return {"secret": create_key("brussels", login=login, grants=["sale.order:read"]), "orders": orders,
            "domain": [["client_order_ref", "=", reference]]}


@pytest.mark.parametrize("granularity", ["day", "month"])
async def test_drill_down_of_a_datetime_bucket_follows_the_users_time_zone(brussels, granularity):
    spec = "date_order:%s" % granularity
    arguments = {"model": "sale.order", "domain": brussels["domain"], "groupby": [spec]}
    # The bucket each order falls in, in Brussels: 23:30 on 31 January, 00:30 on 1 February.
    expected = {"2025-01-31" if granularity == "day" else "2025-01-01": brussels["orders"]["2025-01-31"],
                "2025-02-01": brussels["orders"]["2025-02-01"]}
    bounds = {"2025-01-31": ("2025-01-30 23:00:00", "2025-01-31 23:00:00"),
              "2025-01-01": ("2024-12-31 23:00:00", "2025-01-31 23:00:00"),
              "2025-02-01": ("2025-01-31 23:00:00", "2025-02-01 23:00:00" if granularity == "day"
                             else "2025-02-28 23:00:00")}
    async with AppsHost(brussels["secret"]) as host, foreign_site(HARNESS) as site, \
            chromium(viewport=dict(SIZE, height=1000)) as browser:
        browser.harness_url = site
        result = await host.call("aggregate", arguments)
        data = result["structuredContent"]
        assert (data["timezone"], data["datetime_fields"]) == ("Europe/Brussels", ["date_order"])
        assert [group[spec] for group in data["groups"]] == sorted(expected)
        frame = await open_view(browser, host, "ui://odoo/chart", "aggregate", arguments, result)
        await chart_state(frame)
        for index, group in enumerate(data["groups"]):
            point = await frame.evaluate("""(index) => {
                const element = Chart.getChart(document.querySelector('canvas')).getDatasetMeta(0).data[index];
                return {x: element.x, y: (element.y + element.base) / 2};
            }""", index)
            await frame.locator("canvas").first.click(position=point)
            await browser.page.wait_for_function("(n) => window.harness.answers.length === n", arg=index + 1)
            call = (await browser.page.evaluate("window.harness.calls"))[index]
            start, end = bounds[group[spec]]
            assert call["arguments"]["domain"] == [*brussels["domain"], ["date_order", ">=", start],
                                                   ["date_order", "<", end]]
            answer = (await browser.page.evaluate("window.harness.answers"))[index]["result"]["structuredContent"]
            assert [record["id"] for record in answer["records"]] == [expected[group[spec]]], group
        assert browser.problems == []


async def test_views_speak_the_users_language(sales):
    french = odoo_rpc("res.lang", "search", [["code", "=", "fr_FR"]], context={"active_test": False})
    odoo_rpc("res.lang", "write", french, {"active": True})
    group = odoo_rpc("ir.model.data", "search_read", [["module", "=", "sales_team"],
                                                       ["name", "=", "group_sale_salesman_all_leads"]],
                     fields=["res_id"])[0]["res_id"]
    login = "french-%s" % TAG
    odoo_rpc("res.users", "create", {"name": "Française (%s)" % TAG, "login": login, "lang": "fr_FR",
                                     "groups_id": [[4, group]]})
    secret = create_key("french", login=login, grants=["sale.order:read", "res.partner:read"])
    arguments = orders(groupby=["partner_id"])
    async with AppsHost(secret) as host, foreign_site(HARNESS) as site, \
            chromium(viewport=dict(SIZE, height=1000)) as browser:
        browser.harness_url = site
        result = await host.call("aggregate", arguments)
        frame = await open_view(browser, host, "ui://odoo/chart", "aggregate", arguments, result)
        await chart_state(frame)
        assert await frame.evaluate("document.documentElement.lang") == "fr"
        assert await frame.inner_text("h1") == "Nombre par Partner"
        assert "Cliquez sur une barre ou un point pour lister ses enregistrements." in await frame.inner_text("main")
        point = await frame.evaluate("""() => {
            const element = Chart.getChart(document.querySelector('canvas')).getDatasetMeta(0).data[0];
            return {x: element.x, y: (element.y + element.base) / 2};
        }""")
        await frame.locator("canvas").first.click(position=point)
        await frame.wait_for_selector("#mcp-details table")
        group = result["structuredContent"]["groups"][0]
        assert await frame.inner_text("#mcp-details h2") == "%s : %s enregistrements" % (
            group["partner_id"]["name"], group["__count"])
        assert browser.problems == []


async def test_dark_host_theme_is_followed(sales):
    arguments = CHARTS["timeseries"]
    async with AppsHost(sales["secret"]) as host, foreign_site(HARNESS) as site, chromium(viewport=SIZE) as browser:
        browser.harness_url = site
        result = await host.call("timeseries", arguments)
        frame = await open_view(browser, host, "ui://odoo/chart", "timeseries", arguments, result, theme="dark")
        assert (await chart_state(frame))["painted"] > 500
        colors = await frame.evaluate("() => [getComputedStyle(document.body).backgroundColor, "
                                      "getComputedStyle(document.body).color]")
        assert colors == ["rgb(27, 29, 33)", "rgb(240, 243, 246)"]
        await browser.page.locator("#view").screenshot(path=artifact("mcp-apps/timeseries-dark.png"))
        assert browser.problems == []


async def test_record_table_sorts_and_card_and_changes_render(sales):
    partner = sales["partners"]["Beta"]
    async with AppsHost(sales["secret"]) as host, foreign_site(HARNESS) as site:
        tools = {t["name"]: t["_meta"]["ui"]["resourceUri"] for t in (await host.result("tools/list"))["tools"]
                 if "_meta" in t}
        cases = [
            ("search_read", orders(fields=["name", "partner_id", "amount_untaxed"], order="id asc")),
            ("read", {"model": "res.partner", "ids": [partner], "fields": ["name", "is_company", "city"]}),
            ("write", {"model": "res.partner", "ids": [partner], "values": {"city": "Gent"}, "dry_run": True}),
        ]
        for tool, arguments in cases:
            async with chromium(viewport=SIZE) as browser:
                browser.harness_url = site
                result = await host.call(tool, arguments)
                frame = await open_view(browser, host, tools[tool], tool, arguments, result)
                text = await frame.inner_text("main")
                if tool == "search_read":
                    await frame.click("th:nth-child(4) .mcp-sort")  # amount, ascending then descending
                    await frame.click("th:nth-child(4) .mcp-sort")
                    cells = await frame.locator("tbody td:nth-child(4)").all_inner_texts()
                    amounts = [float(cell.replace(",", "")) for cell in cells]
                    assert amounts == sorted(amounts, reverse=True) and len(amounts) == len(ORDERS)
                elif tool == "read":
                    assert "Beta %s" % TAG in text and "res.partner #%s" % partner in text
                else:
                    assert "1 change to confirm" in text and "Gent" in text
                await browser.page.locator("#view").screenshot(path=artifact("mcp-apps/%s.png" % tool))
                assert browser.problems == [], (tool, browser.problems)
        city = odoo_rpc("res.partner", "read", [partner], ["city"])[0]["city"]
        assert city != "Gent", "a dry run changes nothing"


def inspector_app_info(secret, *options):
    """The MCP Inspector CLI's ``--app-info`` report of a search_read call (a second, independent host)."""
    tools = subprocess.run([ENSURE_NODE_TOOLS], capture_output=True, text=True, timeout=900, check=False)
    assert tools.returncode == 0, tools.stderr[-2000:]
    bin_dir = tools.stdout.strip().splitlines()[-1]
    process = subprocess.run(
        [os.path.join(bin_dir, "mcp-inspector"), "--cli", MCP_URL, "--transport", "http", "--header",
         "Authorization: Bearer %s" % secret, *options, "--app-info", "--method", "tools/call",
         "--tool-name", "search_read", "--tool-arg", "model=res.partner"],
        capture_output=True, text=True, timeout=120, check=False,
        env=dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", "")))
    return json.loads(process.stdout.strip().splitlines()[0])


def test_inspector_sees_the_view_only_when_it_advertises_apps(sales):
    report = inspector_app_info(sales["secret"], "--advertise-apps")
    assert report == {"hasApp": True, "toolName": "search_read", "resourceUri": "ui://odoo/table",
                      "csp": {"connectDomains": [], "resourceDomains": [], "frameDomains": [], "baseUriDomains": []},
                      "prefersBorder": True, "resourceMimeType": "text/html;profile=mcp-app"}
    assert inspector_app_info(sales["secret"]) == {"hasApp": False, "toolName": "search_read"}
