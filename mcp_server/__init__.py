from . import cli
from . import controllers
from . import lib
from . import models
from . import wizards
