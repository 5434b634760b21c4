from . import test_folder
from . import test_rendering
from . import test_spec_validation
from . import test_tools
from . import test_install_tasks
