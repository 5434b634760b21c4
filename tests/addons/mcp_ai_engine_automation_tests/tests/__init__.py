from . import test_automation_rule
