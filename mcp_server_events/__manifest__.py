{
    "name": "MCP Event Subscriptions",
    "summary": "Agents subscribe to record changes: signed webhooks, Slack or Teams messages, or a feed read "
    "back with get_events; built on automation rules, delivered by the background job runner",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Technical",
    "depends": ["mcp_server", "base_automation", "mail"],
    "data": [
        "security/mcp_events_security.xml",
        "security/ir.model.access.csv",
        "data/mcp_events_data.xml",
        "views/mcp_event_views.xml",
        "views/mcp_event_subscription_views.xml",
        "views/res_config_settings_views.xml",
        "views/mcp_events_menus.xml",
    ],
    "installable": True,
}
