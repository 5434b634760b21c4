{
    "name": "MCP Generative AI Actions: automation rule tests",
    "summary": "Test-only: runs the Generative AI server action from automation rules (base_automation)",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Hidden/Tests",
    "depends": ["mcp_ai_engine", "base_automation"],
    "installable": True,
}
