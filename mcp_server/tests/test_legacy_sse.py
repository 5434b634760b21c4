"""The deprecated HTTP+SSE transport: how long a stream lives, and a POST's response queued for its stream."""
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..models import mcp_server_sse
from ..models.mcp_sse_stream import MAX_STREAMS_PER_CREDENTIAL
from .common import McpCase


@tagged("post_install", "-at_install")
class TestLegacySse(McpCase):
    def test_stream_ends_before_the_worker_time_limit(self):
        for options, expected in (
                ({"workers": 4, "limit_time_real": 120}, 96.0),
                ({"workers": 4, "limit_time_real": 3600}, 600),
                ({"workers": 0, "limit_time_real": 120}, 600),
                ({"workers": 4, "limit_time_real": 0}, 600)):
            with patch.dict(mcp_server_sse.config.options, options):
                self.assertEqual(mcp_server_sse.stream_seconds(), expected, options)

    def test_queued_messages_come_out_once_in_order(self):
        credential = self.env["ir.http"]._mcp_authenticate_token(self.env, self.secret_full)[0]
        stream = self.env["mcp.sse.stream"].sudo()._open(credential, 600)
        stream._push({"jsonrpc": "2.0", "id": 1, "result": {}})
        stream._push({"jsonrpc": "2.0", "id": 2, "result": {}})
        self.assertEqual([json.loads(text)["id"] for text in stream._pop()], [1, 2])
        self.assertEqual(stream._pop(), [])
        self.assertEqual(self.env["mcp.sse.stream"].sudo()._find(stream.name, credential), stream)
        other = self.env["ir.http"]._mcp_authenticate_token(self.env, self.secret_b)[0]
        self.assertFalse(self.env["mcp.sse.stream"].sudo()._find(stream.name, other))
        stream._close()
        self.assertFalse(self.env["mcp.sse.stream"].sudo()._find(stream.name, credential))

    def test_open_streams_are_capped_per_key_and_for_the_server(self):
        """Each stream holds a worker and a database connection: one key cannot take them all."""
        Stream = self.env["mcp.sse.stream"].sudo()
        credential = self.env["ir.http"]._mcp_authenticate_token(self.env, self.secret_full)[0]
        limit = MAX_STREAMS_PER_CREDENTIAL
        streams = Stream.browse([Stream._open(credential, 600).id for _i in range(limit)])
        headers = {"Authorization": "Bearer %s" % self.secret_full, "Accept": "text/event-stream"}
        response = self.opener.get(self.base_url() + "/mcp/sse", headers=headers, timeout=10)
        self.assertEqual(response.status_code, 429, response.text)
        self.assertIn("already has 3 open streams", response.json()["error"]["message"])
        self.assertTrue(response.headers.get("Retry-After"))
        row = self.last_audit(self.key_full)
        self.assertEqual((row.status, row.method, row.error), ("rate_limited", "sse/open", "too many open streams"))
        self.assertEqual(len(Stream.search([("credential_ref", "=", credential.ref)])), limit)
        # Ended streams, and rows a killed worker left past a stream's lifetime, do not count.
        streams[0]._close()
        streams[1].ends_at = fields.Datetime.now() - timedelta(seconds=1)
        self.assertIsNone(Stream._refusal(credential))
        self.assertFalse(Stream._find(streams[1].name, credential), "nothing is queued for a stream that ended")
        self.assertEqual(Stream._find(streams[2].name, credential), streams[2])
        # All keys together keep half of the connection pool free.
        other = self.env["ir.http"]._mcp_authenticate_token(self.env, self.secret_b)[0]
        with patch.dict(mcp_server_sse.config.options, {"db_maxconn": 2}):
            response = self.opener.get(self.base_url() + "/mcp/sse", headers=dict(
                headers, Authorization="Bearer %s" % self.secret_b), timeout=10)
        self.assertEqual(response.status_code, 429, response.text)
        self.assertIn("server has as many open streams", response.json()["error"]["message"])
        self.assertFalse(Stream.search([("credential_ref", "=", other.ref)]))

    def test_progress_streams_count_too(self):
        """A background tool called with a progressToken streams its job's progress, holding a connection: past
        the limit, the answer is the queued job's status instead, followed with get_job."""
        Stream = self.env["mcp.sse.stream"].sudo()
        credential = self.env["ir.http"]._mcp_authenticate_token(self.env, self.secret_full)[0]
        slots = Stream.browse([Stream._open(credential, 65, kind="progress").id
                               for _i in range(MAX_STREAMS_PER_CREDENTIAL)])
        response = self.mcp(self.secret_full, "tools/call", {
            "name": "export_records", "arguments": {"model": "res.partner", "format": "csv"},
            "_meta": {"progressToken": "p1"}})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        result = response.json()["result"]
        self.assertEqual(result["structuredContent"]["status"], "queued")
        self.assertIn("get_job", result["content"][0]["text"])
        # A progress stream is no HTTP+SSE stream: nothing can be posted to it.
        self.assertFalse(Stream._find(slots[0].name, credential))
