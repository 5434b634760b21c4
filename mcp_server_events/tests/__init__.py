from . import test_subscriptions
from . import test_delivery
from . import test_listen
from . import test_event_access
from . import test_safeguards
