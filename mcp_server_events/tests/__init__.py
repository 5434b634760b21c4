from . import test_subscriptions
from . import test_delivery
from . import test_listen
