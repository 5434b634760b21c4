"""Fixture tool of the custom-header scenario (modern era): a registry tool whose arguments are mirrored into
``Mcp-Param-{Name}`` headers (``x-mcp-header``), so the suite exercises the server's own header validation."""
from odoo import models
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool

MIRRORED_SCHEMA = {
    "properties": {
        "region": {"type": "string", "description": "Where the query runs.", "x-mcp-header": "Region"},
        "shard": {"type": "integer", "description": "Shard number.", "x-mcp-header": "Shard"},
        "verbose": {"type": "boolean", "description": "Say more.", "x-mcp-header": "Verbose"},
        "query": {"type": "string", "description": "Not mirrored."},
    },
    "required": ["region"],
    "additionalProperties": False,
}


class McpToolHeaderFixtures(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @mcp_tool("test_mirrored_headers", "Mirrored headers",
              "Echoes its arguments; region, shard and verbose also travel as Mcp-Param-* headers.",
              MIRRORED_SCHEMA, frames_data=False)
    def _tool_test_mirrored_headers(self, call, args):
        return dict(args)
