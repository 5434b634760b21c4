"""Sales and CRM tasks through the official MCP client: a quotation in one call, a tag added, a button called.

The key is made with the real CLI, including its ``--methods`` allowlist. Sales and CRM come with the
test-only addon ``mcp_erp_tests``; without them these tests are skipped.
"""
import uuid

import pytest

from conftest import run_cli
from servers import mcp_session

pytestmark = pytest.mark.anyio
# Not the suite's TAG: other tests search their own records by TAG.
TAG = uuid.uuid4().hex[:8]

GRANTS = ["sale.order:read,create,write", "sale.order.line:read,create,write", "product.product:read",
          "product.template:read,create",
          "res.partner:read,create", "crm.lead:read,create,write", "crm.tag:read,create"]


@pytest.fixture(scope="module")
def sales_key(db):
    with db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM ir_module_module WHERE name IN ('sale_management', 'crm') "
                       "AND state = 'installed'")
        if len(cursor.fetchall()) < 2:
            pytest.skip("Sales and CRM are not installed in this database")
    args = ["--login", "admin", "--name", "sales %s" % TAG, "--methods", "sale.order=action_confirm"]
    for grant in GRANTS:
        args += ["--grant", grant]
    process = run_cli(*args)
    assert process.returncode == 0, process.stderr[-2000:]
    return process.stdout.strip().splitlines()[-1]


def structured(result):
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def test_quotation_in_one_call_then_confirmed_by_its_button(sales_key):
    async with mcp_session(sales_key) as session:
        customer = "Azure Interior %s" % TAG
        structured(await session.call_tool("create", {"model": "res.partner", "values": {
            "name": customer, "is_company": True}}))
        structured(await session.call_tool("create", {"model": "product.template", "values": {
            "name": "Desk %s" % TAG, "list_price": 300.0}}))
        order = structured(await session.call_tool("create", {"model": "sale.order", "values": {
            "partner_id": customer, "order_line": [{"product_id": "Desk %s" % TAG, "product_uom_qty": 2}]}}))
        read = structured(await session.call_tool("read", {"model": "sale.order", "ids": [order["id"]],
                                                           "fields": ["amount_untaxed", "order_line", "state"]}))
        assert read["records"][0]["amount_untaxed"] == 600.0
        assert len(read["records"][0]["order_line"]) == 1 and read["records"][0]["state"] == "draft"
        described = structured(await session.call_tool("describe_model", {"model": "sale.order",
                                                                          "fields": ["state"]}))
        assert [button["method"] for button in described["buttons"]] == ["action_confirm"]
        structured(await session.call_tool("call_method", {"model": "sale.order", "ids": [order["id"]],
                                                           "method": "action_confirm"}))
        read = structured(await session.call_tool("read", {"model": "sale.order", "ids": [order["id"]],
                                                           "fields": ["state"]}))
        assert read["records"][0]["state"] == "sale"


async def test_tag_added_to_a_lead(sales_key):
    async with mcp_session(sales_key) as session:
        tags = [structured(await session.call_tool("create", {"model": "crm.tag", "values": {
            "name": "%s %s" % (name, TAG)}}))["id"] for name in ("Design", "Urgent")]
        lead = structured(await session.call_tool("create", {"model": "crm.lead", "values": {
            "name": "New offices %s" % TAG, "tag_ids": [tags[1]]}}))["id"]
        structured(await session.call_tool("write", {"model": "crm.lead", "ids": [lead], "values": {
            "tag_ids": {"add": ["Design %s" % TAG]}}}))
        read = structured(await session.call_tool("read", {"model": "crm.lead", "ids": [lead],
                                                           "fields": ["tag_ids"]}))
        assert sorted(read["records"][0]["tag_ids"]) == sorted(tags)
