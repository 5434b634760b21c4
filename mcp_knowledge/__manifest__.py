{
    "name": "MCP Knowledge",
    "summary": "Search the documents attached to records (PDF, Office, text, e-mails) through MCP: "
    "keyword, fuzzy, semantic and hybrid search in PostgreSQL, filtered by each key's access",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Technical",
    "depends": ["mcp_server", "mcp_ai_engine", "attachment_indexation"],
    "data": [
        "security/ir.model.access.csv",
        "data/mcp_knowledge_data.xml",
        "views/mcp_knowledge_document_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
}
