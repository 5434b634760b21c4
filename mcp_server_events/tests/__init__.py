from . import test_subscriptions
from . import test_delivery
