"""Documents through the official MCP client: attach a PDF to a partner, index it, find the passage
with search_knowledge, and read it with read_attachment (mcp_knowledge)."""
import base64
import uuid

import pytest

from conftest import create_key
from servers import mcp_session, odoo_rpc

pytestmark = pytest.mark.anyio
# A tag of this module's own: other suites select records by the run's TAG (e.g. companies named "... TAG").
TAG = "kb%s" % uuid.uuid4().hex[:8]


def pdf_with_lines(lines):
    """A one-page PDF showing ``lines`` in Helvetica (written by hand: no PDF library in the test venv)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    stream = "BT /F1 11 Tf 14 TL 50 800 Td %s ET" % " ".join("(%s) '" % line for line in escaped)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    content, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(content))
        content += b"%d 0 obj\n%s\nendobj\n" % (number, body.encode("latin-1"))
    xref = len(content)
    content += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    content += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    content += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return content


def structured(result):
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def test_attach_index_search_and_read_a_pdf():
    phrase = "Late payment bears interest of twelve percent, reference %s." % TAG
    partner_id = odoo_rpc("res.partner", "create", {"name": "Azure Interior %s" % TAG, "is_company": True})
    other_id = odoo_rpc("res.partner", "create", {"name": "Private contact %s" % TAG})
    key = create_key("knowledge", grants=["res.partner:read,write"])
    companies_key = create_key("knowledge companies", grants=["res.partner:read"],
                               domains={"res.partner": [["is_company", "=", True]]})
    pdf = pdf_with_lines(["Framework agreement with Azure Interior.", phrase, "Delivery within two weeks."])
    async with mcp_session(key) as session:
        attached = structured(await session.call_tool("attach_file", {
            "model": "res.partner", "id": partner_id, "name": "azure-contract-%s.pdf" % TAG,
            "content_base64": base64.b64encode(pdf).decode(), "mimetype": "application/pdf"}))
        structured(await session.call_tool("attach_file", {
            "model": "res.partner", "id": other_id, "name": "private-%s.txt" % TAG,
            "content_base64": base64.b64encode(("Private note %s: late payment." % TAG).encode()).decode()}))
        # The indexing cron, run now: the shared job runner, one document per transaction.
        cron = odoo_rpc("ir.cron", "search", [["cron_name", "=", "MCP: index documents for search_knowledge"]])
        odoo_rpc("ir.cron", "method_direct_trigger", cron)
        states = odoo_rpc("mcp.knowledge.document", "search_read", [["name", "like", TAG]], ["state"])
        assert sorted(document["state"] for document in states) == ["done", "done"]
        found = structured(await session.call_tool("search_knowledge", {"query": "interest %s" % TAG}))
        assert found["count"] == 1
        hit = found["results"][0]
        assert hit["attachment"]["id"] == attached["attachment_id"]
        assert hit["attachment"]["mimetype"] == "application/pdf"
        assert hit["record"] == {"model": "res.partner", "id": partner_id, "display_name": "Azure Interior %s" % TAG}
        assert hit["page"] == 1
        assert "**interest**" in hit["snippet"]
        passage = structured(await session.call_tool("read_attachment", {
            "attachment_id": hit["attachment"]["id"], "offset": hit["offset"], "length": 2000}))
        assert phrase in passage["text"]
        assert passage["next_offset"] is None
        both = structured(await session.call_tool("search_knowledge", {"query": "late payment %s" % TAG}))
        assert {result["record"]["id"] for result in both["results"]} == {partner_id, other_id}
    async with mcp_session(companies_key) as session:
        only = structured(await session.call_tool("search_knowledge", {"query": "late payment %s" % TAG}))
        assert [result["record"]["id"] for result in only["results"]] == [partner_id]
