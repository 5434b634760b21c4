from . import test_erp_tasks
from . import test_skill_walkthroughs
