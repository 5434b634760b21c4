{
    "name": "MCP Server Portal Pages",
    "summary": "Dashboard pages of live Odoo figures that AI clients build through MCP tools and people "
    "open at /mcp-page/<slug>",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Technical",
    "depends": ["mcp_server", "web"],
    "data": [
        "security/ir.model.access.csv",
        "security/mcp_portal_security.xml",
        "templates/portal_page_templates.xml",
        "views/mcp_portal_page_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "mcp_server_portal.assets_portal_page": [
            "web/static/lib/Chart/Chart.js",
            "mcp_server/static/src/js/mcp_chart.js",
            "mcp_server_portal/static/src/css/portal_page.css",
            "mcp_server_portal/static/src/js/portal_page.js",
        ],
    },
    "installable": True,
}
