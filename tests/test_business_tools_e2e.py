"""Analytics, exports, batch, workflows, documents and background jobs, through the official MCP client."""
import base64
import csv
import io
import json
import threading
import time

import httpx
import openpyxl
import psycopg2
import pytest

from conftest import ODOO_DB, ODOO_URL, TAG, create_key
from servers import UrlClient, mcp_session, odoo_rpc, prefork  # noqa: F401 (prefork: a fixture)

pytestmark = pytest.mark.anyio

GRANTS = ["res.partner:read,create,write,unlink", "res.country:read", "ir.module.module:read",
          "mail.message:read", "ir.attachment:read"]


@pytest.fixture(scope="module")
def key():
    return create_key("business", grants=GRANTS)


@pytest.fixture(scope="module")
def sales(admin):
    """Twelve partners in two cities with known 'color' values (the measure)."""
    city_a, city_b = "Metz-%s" % TAG, "Nancy-%s" % TAG
    ids = {city_a: [], city_b: []}
    for index in range(12):
        city = city_a if index % 3 else city_b
        ids[city].append(admin.ok("create", model="res.partner", values={
            "name": "Biz %s %02d" % (TAG, index), "city": city, "color": index, "is_company": index % 2 == 0,
            "email": "biz%s-%s@example.test" % (index, TAG)})["id"])
    return {"a": city_a, "b": city_b, "ids": ids, "domain": [["name", "like", "Biz %s" % TAG]]}


def structured(result):
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def test_aggregate_groups_in_the_database(key, sales):
    async with mcp_session(key) as session:
        groups = structured(await session.call_tool("aggregate", {
            "model": "res.partner", "domain": sales["domain"], "groupby": ["city"],
            "measures": ["color:sum", "__count", "color:max"], "order": "color:sum desc"}))["groups"]
        by_city = {g["city"]: g for g in groups}
        assert by_city[sales["a"]]["__count"] == 8 and by_city[sales["b"]]["__count"] == 4
        assert by_city[sales["a"]]["color:sum"] == sum(i for i in range(12) if i % 3)
        assert by_city[sales["b"]]["color:max"] == 9
        assert groups[0]["city"] == sales["a"]
        having = structured(await session.call_tool("aggregate", {
            "model": "res.partner", "domain": sales["domain"], "groupby": ["city"], "measures": ["__count"],
            "having": [["__count", ">", 5]]}))["groups"]
        assert [g["city"] for g in having] == [sales["a"]]
        bad = await session.call_tool("aggregate", {"model": "res.partner", "measures": ["name:sum"]})
        assert bad.is_error and "numeric" in bad.content[0].text


async def test_top_n_pivot_funnel_and_periods(key, sales):
    async with mcp_session(key) as session:
        top = structured(await session.call_tool("top_n", {
            "model": "res.partner", "domain": sales["domain"], "groupby": "city", "measure": "color:sum", "n": 1}))
        assert top["groups"] == [{"city": sales["a"], "color:sum": sum(i for i in range(12) if i % 3), "rank": 1}]
        pivot = structured(await session.call_tool("pivot", {
            "model": "res.partner", "domain": sales["domain"], "rows": ["city"], "columns": "is_company"}))
        assert pivot["grand_total"] == 12
        assert sorted(row["total"] for row in pivot["rows"]) == [4, 8]
        funnel = structured(await session.call_tool("funnel", {
            "model": "res.partner", "domain": sales["domain"], "stage_field": "type"}))
        assert funnel["stages"][0]["stage"] == "contact" and funnel["stages"][0]["reached"] == 12
        today = (await session.call_tool("search_read", {"model": "res.partner", "domain": sales["domain"],
                                                         "fields": ["create_date"], "limit": 1}))
        day = structured(today)["records"][0]["create_date"][:10]
        series = structured(await session.call_tool("timeseries", {
            "model": "res.partner", "domain": sales["domain"], "date_field": "create_date", "granularity": "day",
            "date_from": day, "date_to": day, "compare_previous": True}))
        assert series["series"][0]["value"] == 12 and series["series"][0]["previous_value"] == 0
        compared = structured(await session.call_tool("compare_periods", {
            "model": "res.partner", "domain": sales["domain"], "date_field": "create_date",
            "period_a": {"from": "2000-01-01", "to": "2000-01-31"}, "period_b": {"from": day, "to": day}}))
        assert compared["rows"][0]["__count"] == {"a": 0, "b": 12, "delta": 12, "delta_pct": None}
        cohort = structured(await session.call_tool("cohort", {
            "model": "res.partner", "domain": sales["domain"], "entity_field": "city",
            "date_field": "create_date", "granularity": "month", "periods": 2}))
        assert cohort["cohorts"][-1]["size"] == 2 and cohort["cohorts"][-1]["active"][0] == 2


async def test_domain_restricted_key_never_sees_outside_rows(sales):
    secret = create_key("business scoped", grants=GRANTS, domains={"res.partner": [["city", "=", sales["b"]]]})
    async with mcp_session(secret) as session:
        groups = structured(await session.call_tool("aggregate", {
            "model": "res.partner", "groupby": ["city"], "measures": ["__count", "color:sum"]}))["groups"]
        assert [g["city"] for g in groups] == [sales["b"]]
        assert groups[0]["__count"] == 4
        export = structured(await session.call_tool("export_records", {
            "model": "res.partner", "format": "csv", "fields": ["name", "city"]}))
        blob = (await session.read_resource(export["uri"])).contents[0].blob
        rows = list(csv.reader(io.StringIO(base64.b64decode(blob).decode("utf-8-sig"))))
        assert {row[1] for row in rows[1:]} == {sales["b"]} and len(rows) == 5
        batch = await session.call_tool("batch", {"operations": [
            {"operation": "write", "model": "res.partner", "ids": [sales["ids"][sales["b"]][0]],
             "values": {"city": sales["a"]}}]})
        assert batch.is_error and "outside" in batch.content[0].text


async def test_xlsx_export_opens_with_the_right_rows_and_downloads(key, sales):
    async with mcp_session(key) as session:
        result = await session.call_tool("export_records", {
            "model": "res.partner", "domain": sales["domain"], "fields": ["name", "city", "color"],
            "order": "color asc", "format": "xlsx"})
        export = structured(result)
        assert export["rows"] == 12
        assert any(block.type == "resource_link" and block.uri == export["uri"] for block in result.content)
        blob = (await session.read_resource(export["uri"])).contents[0].blob
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(blob))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] in ("Color Index", "Color")
    assert [row[2] for row in rows[1:]] == list(range(12))
    assert rows[1][0] == "Biz %s 00" % TAG
    # The download URL is for the same user, logged in, in a browser.
    anonymous = httpx.get(export["download_url"], follow_redirects=False)
    assert anonymous.status_code in (302, 303, 404)
    with httpx.Client() as browser:
        login = browser.post(ODOO_URL + "/web/session/authenticate", json={
            "jsonrpc": "2.0", "params": {"db": ODOO_DB, "login": "admin", "password": "admin"}})
        assert login.json()["result"]["uid"] == 2
        download = browser.get(export["download_url"])
        assert download.status_code == 200 and download.content[:2] == b"PK"


async def test_batch_is_all_or_nothing(key, sales, admin):
    first = sales["ids"][sales["a"]][0]
    async with mcp_session(key) as session:
        failed = await session.call_tool("batch", {"operations": [
            {"operation": "create", "model": "res.partner", "values": {"name": "Batch %s" % TAG}},
            {"operation": "write", "model": "res.partner", "ids": [first], "values": {"city": "Moved"}},
            {"operation": "write", "model": "res.partner", "ids": [first], "values": {"parent_id": first}},
        ]})
        assert failed.is_error and "Operation 3" in failed.content[0].text and "Nothing was saved" in \
            failed.content[0].text
        assert admin.ok("search_count", model="res.partner", domain=[["name", "=", "Batch %s" % TAG]])["count"] == 0
        assert admin.ok("read", model="res.partner", ids=[first], fields=["city"])["records"][0]["city"] == sales["a"]
        done = structured(await session.call_tool("batch", {"operations": [
            {"operation": "create", "model": "res.partner", "values": {"name": "Batch %s" % TAG}},
            {"operation": "write", "model": "res.partner", "ids": [first], "values": {"phone": "+33 3 87"}}]}))
        assert [r["operation"] for r in done["results"]] == ["create", "write"]
        assert admin.ok("search_count", model="res.partner", domain=[["name", "=", "Batch %s" % TAG]])["count"] == 1


async def test_call_method_needs_the_allowlist_and_explains_actions(db, key, admin):
    partner = admin.ok("create", model="res.partner", values={"name": "Method %s" % TAG})["id"]
    async with mcp_session(key) as session:
        refused = await session.call_tool("call_method", {"model": "res.partner", "ids": [partner],
                                                          "method": "toggle_active"})
        assert refused.is_error and "not allowed" in refused.content[0].text
    with db.cursor() as cr:
        # Written behind the UI's back: even a private method in the list must stay uncallable.
        cr.execute("""UPDATE mcp_access_rule
                         SET allowed_methods = 'toggle_active, open_commercial_entity, _compute_display_name'
                       WHERE model_name = 'res.partner' AND profile_id =
                             (SELECT profile_id FROM mcp_api_key WHERE prefix = %s)""", [key[:13]])
        cr.execute("SELECT nextval('base_cache_signaling_default')")
    async with mcp_session(key) as session:
        toggled = structured(await session.call_tool("call_method", {"model": "res.partner", "ids": [partner],
                                                                     "method": "toggle_active"}))
        assert toggled["method"] == "toggle_active"
        action = structured(await session.call_tool("call_method", {"model": "res.partner", "ids": [partner],
                                                                    "method": "open_commercial_entity"}))
        assert action["action"]["res_model"] == "res.partner" and "person in Odoo" in action["note"]
        private = await session.call_tool("call_method", {"model": "res.partner", "ids": [partner],
                                                          "method": "_compute_display_name"})
        assert private.is_error


async def test_chatter_activities_and_attachments(key, sales):
    partner = sales["ids"][sales["a"]][2]
    async with mcp_session(key) as session:
        posted = structured(await session.call_tool("post_message", {
            "model": "res.partner", "id": partner, "body": "Called the customer %s" % TAG}))
        assert posted["message_id"]
        activity = structured(await session.call_tool("schedule_activity", {
            "model": "res.partner", "id": partner, "summary": "Follow up %s" % TAG, "date_deadline": "2030-01-15"}))
        listed = structured(await session.call_tool("list_activities", {"model": "res.partner", "id": partner}))
        assert [a["id"] for a in listed["activities"]] == [activity["activity_id"]]
        assert listed["activities"][0]["date_deadline"] == "2030-01-15"
        attached = structured(await session.call_tool("attach_file", {
            "model": "res.partner", "id": partner, "name": "note.txt", "mimetype": "text/plain",
            "content_base64": base64.b64encode(b"hello " + TAG.encode()).decode()}))
        read = structured(await session.call_tool("read_attachment", {"attachment_id": attached["attachment_id"]}))
        assert read["text"] == "hello %s" % TAG
        summary = await session.get_prompt("summarize_record", {"model": "res.partner", "record_id": str(partner)})
        assert "Called the customer %s" % TAG in json.dumps([m.model_dump() for m in summary.messages])


async def test_report_is_refused_outside_the_key_domain():
    modules = {m["name"]: m["id"] for m in odoo_rpc(
        "ir.module.module", "search_read", [["name", "in", ["bus", "web"]]], fields=["name"])}
    secret = create_key("reports scoped", grants=["ir.module.module:read"],
                        domains={"ir.module.module": [["name", "=", "bus"]]})
    async with mcp_session(secret) as session:
        refused = await session.call_tool("render_report", {"report": "base.report_irmodulereference",
                                                            "ids": [modules["web"]]})
        assert refused.is_error and "not accessible" in refused.content[0].text
        allowed = await session.call_tool("render_report", {"report": "base.report_irmodulereference",
                                                            "ids": [modules["bus"]]})
        assert not allowed.is_error


async def test_report_is_a_pdf(key):
    module = odoo_rpc("ir.module.module", "search", [["name", "=", "bus"]])
    async with mcp_session(key) as session:
        result = await session.call_tool("render_report", {"report": "base.report_irmodulereference", "ids": module})
        report = structured(result)
        embedded = [block for block in result.content if block.type == "resource"]
    assert report["format"] == "pdf", report.get("note")
    assert embedded, [block.type for block in result.content]
    assert base64.b64decode(embedded[0].resource.blob)[:4] == b"%PDF"


def run_job_worker(delay=0.0):
    """Run the background-job cron once, as Odoo's cron worker would (the test server has no cron thread);
    in a thread, so the test can go on while it runs."""

    def work():
        time.sleep(delay)
        cron = odoo_rpc("ir.model.data", "search_read", [["module", "=", "mcp_server"],
                                                         ["name", "=", "ir_cron_run_jobs"]], fields=["res_id"])
        odoo_rpc("ir.cron", "method_direct_trigger", [cron[0]["res_id"]])

    worker = threading.Thread(target=work)
    worker.start()
    return worker


async def test_background_job_streams_progress_and_result(key, sales):
    progress = []

    async def on_progress(value, total, message):
        progress.append((value, total))

    async with mcp_session(key) as session:
        worker = run_job_worker(delay=1.0)
        result = await session.call_tool("export_records", {
            "model": "res.partner", "domain": sales["domain"], "format": "csv"}, progress_callback=on_progress)
        worker.join()
        export = structured(result)
        assert export["rows"] == 12 and export["uri"].startswith("odoo://export/")
        assert progress and all(total == 100 for _value, total in progress)
        queued = structured(await session.call_tool("batch", {"background": True, "operations": [
            {"operation": "create", "model": "res.partner", "values": {"name": "Job %s" % TAG}}]}))
        assert queued["status"] == "queued" and queued["job_id"]
        run_job_worker().join()
        job = structured(await session.call_tool("get_job", {"job_id": queued["job_id"]}))
        assert job["status"] == "done" and job["progress"] == 100
        assert job["result"]["results"][0]["operation"] == "create"


async def test_a_running_job_is_cancelled_and_saves_nothing(db, key, sales, admin):
    first, second = sales["ids"][sales["b"]][:2]
    blocker = psycopg2.connect(dbname=ODOO_DB)
    try:
        with blocker.cursor() as cr:
            # Hold the first partner's row: the job's first write waits for it, so the job is surely running.
            cr.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [first])
        async with mcp_session(key) as session:
            queued = structured(await session.call_tool("batch", {"background": True, "operations": [
                {"operation": "write", "model": "res.partner", "ids": [first], "values": {"city": "Cancelled"}},
                {"operation": "write", "model": "res.partner", "ids": [second], "values": {"city": "Cancelled"}}]}))
            worker = run_job_worker()
            for _attempt in range(120):
                status = structured(await session.call_tool("get_job", {"job_id": queued["job_id"]}))["status"]
                if status == "running":
                    break
                time.sleep(0.25)
            assert status == "running"
            assert structured(await session.call_tool("cancel_job", {"job_id": queued["job_id"]}))["status"] == \
                "running"
            blocker.rollback()
            worker.join(timeout=120)
            for _attempt in range(120):
                job = structured(await session.call_tool("get_job", {"job_id": queued["job_id"]}))
                if job["status"] != "running":
                    break
                time.sleep(0.25)
        assert job["status"] == "cancelled"
        cities = admin.ok("read", model="res.partner", ids=[first, second], fields=["city"])["records"]
        assert {row["city"] for row in cities} == {sales["b"]}
    finally:
        blocker.close()


def test_jobs_belong_to_their_key(key):
    client = UrlClient(key, ODOO_URL + "/mcp")
    client.initialize()
    queued = client.ok("search_count", model="res.partner")
    assert queued["count"] > 0
    job = client.ok("export_records", model="res.partner", fields=["name"], background=True)
    other = UrlClient(create_key("other jobs", grants=["res.partner:read"]), ODOO_URL + "/mcp")
    other.initialize()
    assert "No job" in other.fails("get_job", job_id=job["job_id"])
    assert "No job" in other.fails("cancel_job", job_id=job["job_id"])
    client.close()
    other.close()
