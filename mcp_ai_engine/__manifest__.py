{
    "name": "MCP Generative AI Actions",
    "summary": "A \"Generative AI\" server action: render a prompt from the record, ask OpenAI, Anthropic, "
    "Gemini, Mistral or a local model, and put the answer in the chatter, a field or an activity",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Odoo MCP Server contributors",
    "website": "https://github.com/odoo-mcp/odoo-mcp-server",
    "category": "Technical",
    "depends": ["mcp_server", "mcp_web_notify", "mail"],
    # Markdown answers are rendered to HTML (markdown-it-py, pinned in requirements.txt).
    "external_dependencies": {"python": ["markdown-it-py"]},
    # The providers' SDKs (openai, anthropic, google-genai, mistralai; pinned in requirements.txt) are imported
    # only when a provider of their kind is called, so any subset will do: a missing one is named plainly.
    "data": [
        "security/mcp_ai_security.xml",
        "security/ir.model.access.csv",
        "data/mcp_ai_cron_data.xml",
        "data/mcp_ai_provider_data.xml",
        "views/mcp_ai_provider_views.xml",
        "views/ir_actions_server_views.xml",
        "views/mcp_ai_job_views.xml",
        "views/mcp_ai_call_log_views.xml",
        "wizards/mcp_ai_preview_wizard_views.xml",
        "views/mcp_ai_menus.xml",
    ],
    "installable": True,
}
