from . import test_discovery
from . import test_registration
from . import test_authorize
from . import test_token
from . import test_mcp_access
from . import test_client_metadata
from . import test_administration
