{
    "name": "MCP Web Notifications",
    "summary": "Live notifications in users' browsers through Odoo's bus: a Python API and the MCP tool "
    "notify_users",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Technical",
    "depends": ["mcp_server", "bus", "web"],
    "assets": {
        "web.assets_backend": [
            "mcp_web_notify/static/src/mcp_notify_service.js",
            "mcp_web_notify/static/src/mcp_notify_service.scss",
        ],
    },
    "installable": True,
}
