from . import cli
from . import controllers
from . import lib
from . import models
from . import wizards


def post_init_hook(env):
    """Create the default business terms whose models are installed."""
    env["mcp.vocabulary.term"]._create_default_terms()


def uninstall_hook(env):
    """Drop the tables the addon keeps outside the ORM."""
    env.cr.execute("DROP TABLE IF EXISTS mcp_api_key_usage, mcp_rate_counter")
