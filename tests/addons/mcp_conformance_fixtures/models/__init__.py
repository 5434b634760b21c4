from . import mcp_server_fixtures
from . import mcp_server_mrtr_fixtures
from . import mcp_tool_task_fixtures
from . import mcp_tool_header_fixtures
