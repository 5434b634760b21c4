{
    "name": "MCP Module Builder",
    "summary": "Let an MCP administrator's assistant generate, review, install and upgrade small Odoo apps "
    "from a validated specification",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Technical",
    "depends": ["mcp_server"],
    "external_dependencies": {"python": ["jsonschema", "lxml"]},
    "data": [
        "security/ir.model.access.csv",
        "views/mcp_generated_module_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
}
