from . import res_users
from . import mcp_tools_notify
