"""Reports rendered as real PDFs (wkhtmltopdf) print only records the key may read in full."""
import base64

import pytest

from conftest import TAG, create_key
from servers import mcp_session, odoo_rpc

pytestmark = pytest.mark.anyio

CARD = """<t t-name="mcp_e2e_%s.partner_card"><t t-call="web.html_container"><t t-foreach="docs" t-as="o">
<t t-call="web.external_layout"><div class="page"><h2 t-field="o.name"/><p>Company: <span t-field="o.parent_id"/></p>
<p>Salesperson: <span t-field="o.user_id"/></p></div></t></t></t></t>""" % TAG


@pytest.fixture(scope="module")
def card():
    """A partner card report (company and salesperson printed), and a contact whose card shows both."""
    name = "mcp_e2e_%s.partner_card" % TAG
    odoo_rpc("ir.ui.view", "create", {"name": name, "key": name, "type": "qweb", "arch": CARD})
    odoo_rpc("ir.actions.report", "create", {"name": "Card %s" % TAG, "model": "res.partner",
                                             "report_type": "qweb-pdf", "report_name": name})
    # Names that do not end with the run's tag: other tests list the records named "... <tag>".
    seller = odoo_rpc("res.users", "create", {"name": "Seller (%s)" % TAG, "login": "seller-%s" % TAG})
    company = odoo_rpc("res.partner", "create", {"name": "Card Company (%s)" % TAG, "is_company": True})
    contact = odoo_rpc("res.partner", "create", {"name": "Card Contact (%s)" % TAG, "parent_id": company,
                                                 "user_id": seller})
    return {"report": name, "contact": contact}


async def test_pdf_report_refused_until_every_printed_record_is_readable(card):
    arguments = {"report": card["report"], "ids": [card["contact"]]}
    people = create_key("card people", grants=["res.partner:read"],
                        domains={"res.partner": [["is_company", "=", False]]})
    async with mcp_session(people) as session:
        refused = await session.call_tool("render_report", arguments)
    text = refused.content[0].text
    assert refused.is_error
    assert "res.partner (records outside its domain)" in text and "res.users (not granted)" in text
    assert "Card Company" not in text and "Seller" not in text
    granted = create_key("card all", grants=["res.partner:read", "res.users:read"])
    async with mcp_session(granted) as session:
        result = await session.call_tool("render_report", arguments)
    assert not result.is_error, result.content[0].text
    assert result.structured_content["format"] == "pdf"
    [blob] = [block.resource.blob for block in result.content if block.type == "resource"]
    assert base64.b64decode(blob)[:4] == b"%PDF"
