from . import mcp_event_subscription
from . import mcp_event_subscription_automation
from . import mcp_event
from . import mcp_event_delivery
from . import base_automation
from . import ir_actions_server
from . import mcp_tools_events
from . import res_config_settings
