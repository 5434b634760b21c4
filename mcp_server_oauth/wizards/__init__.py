from . import mcp_oauth_client_wizard
