"""The deprecated HTTP+SSE transport: how long a stream lives, and a POST's response queued for its stream."""
import json
from unittest.mock import patch

from odoo.tests import tagged

from ..models import mcp_server_sse
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
        stream = self.env["mcp.sse.stream"].sudo()._open(credential)
        stream._push({"jsonrpc": "2.0", "id": 1, "result": {}})
        stream._push({"jsonrpc": "2.0", "id": 2, "result": {}})
        self.assertEqual([json.loads(text)["id"] for text in stream._pop()], [1, 2])
        self.assertEqual(stream._pop(), [])
        self.assertEqual(self.env["mcp.sse.stream"].sudo()._find(stream.name, credential), stream)
        other = self.env["ir.http"]._mcp_authenticate_token(self.env, self.secret_b)[0]
        self.assertFalse(self.env["mcp.sse.stream"].sudo()._find(stream.name, other))
        stream._close()
        self.assertFalse(self.env["mcp.sse.stream"].sudo()._find(stream.name, credential))
