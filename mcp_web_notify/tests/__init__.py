from . import test_notify_api
from . import test_notify_tool
