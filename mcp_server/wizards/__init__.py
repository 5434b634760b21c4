from . import mcp_key_wizard
from . import mcp_connect_wizard
