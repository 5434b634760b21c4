"""Pure-Python helpers of the MCP server (no ORM access)."""
from . import jsonrpc
from . import domain_parser
from . import suggestions
from . import call_context
from . import ip_rules
from . import own_transaction
from . import tool_schema
from . import answer_format
