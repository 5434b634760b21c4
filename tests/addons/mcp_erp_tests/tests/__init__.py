from . import test_erp_tasks
