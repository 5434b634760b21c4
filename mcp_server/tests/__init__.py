from . import test_transport
from . import test_api_keys
from . import test_access_policy
from . import test_record_tools
from . import test_audit
from . import test_resources_prompts
from . import test_side_doors
from . import test_governance
