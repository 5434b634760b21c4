{
    "name": "MCP Server: sales and CRM task tests",
    "summary": "Test-only: quotations with lines, lead tags, order buttons, figures, business terms and staged "
    "mailings through the MCP tools",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Hidden/Tests",
    "depends": ["mcp_server", "mcp_server_portal", "sale_management", "crm", "mass_mailing"],
    "installable": True,
}
