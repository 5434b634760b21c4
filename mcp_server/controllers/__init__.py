from . import main
from . import legacy_sse
