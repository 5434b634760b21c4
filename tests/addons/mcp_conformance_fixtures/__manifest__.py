{
    "name": "MCP Server: conformance suite fixtures",
    "summary": "Test-only: the tools, resources and prompts the official MCP conformance suite calls",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Hidden/Tests",
    "depends": ["mcp_server"],
    # Installed only in the database of ./run-tests' conformance stage (its name ends in _fixtures):
    # other suites count the tools a key sees.
    "installable": True,
}
