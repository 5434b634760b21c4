{
    "name": "MCP benchmark floor route",
    "summary": "Benchmark-only: a bare route doing the benchmark's ORM call with no MCP layer",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Hidden",
    "depends": ["base"],
    "data": [],
    "installable": True,
}
