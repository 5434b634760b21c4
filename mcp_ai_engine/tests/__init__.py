from . import test_providers
from . import test_provider_models
from . import test_prompt_sandbox
from . import test_ai_action
from . import test_preview_wizard
from . import test_provider_security
