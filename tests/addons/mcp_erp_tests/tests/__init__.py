from . import test_erp_tasks
from . import test_skill_walkthroughs
from . import test_mailings_and_terms
