from . import mcp_ai_preview_wizard
