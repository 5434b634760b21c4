from . import mcp_ai_provider
from . import mcp_ai_provider_model
from . import mcp_ai_provider_listing
from . import mcp_ai_call_log
from . import ir_actions_server
from . import ir_actions_server_ai_output
from . import mcp_ai_job
