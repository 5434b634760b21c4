from . import mcp_key
