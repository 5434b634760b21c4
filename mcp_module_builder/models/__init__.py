from . import mcp_audit_log
from . import mcp_export
from . import mcp_generated_module
from . import mcp_module_build
from . import mcp_module_installer
from . import mcp_server_resources
from . import mcp_tools_module_builder
from . import res_config_settings
