"""Public services of the MCP server: plain Python classes that tools, resources, prompts and sibling addons call.

Each takes ``(env, policy)``: ``env`` is the acting user's environment (a credential's user, never sudo) and
``policy`` the ``AccessPolicy`` of the credential (``call.policy`` in a tool; ``mcp.access.policy._load``
for a recorded credential). They are the stable contract of ``mcp_server``; names starting with ``_`` are not.

- ``RecordAccess``: models, searches, reads, visible names, users, value conversion under the policy.
- ``Analytics``: grouped queries (``_read_group``) under the policy, with currencies kept apart.
- ``RecordExport``: records as CSV or XLSX bytes under the policy.
- ``Vocabulary``: business terms ("customer", "open deal") as a model and a domain under the policy.
- ``MailTemplates``: e-mail templates whose placeholders are field paths the key may read; rendering.
- ``periods``: calendar periods in the user's time zone (module functions).
"""
from . import periods
from .analytics import Analytics
from .exports import RecordExport
from .mail_templates import MailTemplates
from .record_access import RecordAccess
from .vocabulary import Vocabulary

__all__ = ["Analytics", "MailTemplates", "RecordAccess", "RecordExport", "Vocabulary", "periods"]
