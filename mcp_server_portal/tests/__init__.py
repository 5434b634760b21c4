from . import test_portal_lib
from . import test_portal_tools
from . import test_portal_routes
from . import test_portal_security
from . import test_portal_credential
from . import test_portal_periods
