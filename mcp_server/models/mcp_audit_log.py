import json
import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.pii import masker_for

_logger = logging.getLogger(__name__)

STATUSES = [
    ("success", "Success"),
    ("tool_error", "Tool error"),
    ("denied", "Denied"),
    ("protocol_error", "Protocol error"),
    ("auth_failed", "Authentication failed"),
    ("rate_limited", "Rate limited"),
    ("pending_approval", "Pending approval"),
    ("pending_confirmation", "Pending confirmation in the client"),
    ("internal_error", "Internal error"),
]
SECRET_KEYS = re.compile(r"pass|secret|token|key|authorization|api[_-]?key|credential", re.I)
# Values that are secrets whatever their key: MCP keys, webhook signing secrets, the secret path of Slack
# incoming webhooks and the signature of Microsoft Teams (Power Automate) workflow URLs.
SECRET_VALUES = (
    (re.compile(r"(mcpk_|whsec_)[A-Za-z0-9_\-]+"), r"\1***"),
    (re.compile(r"(hooks\.slack\.com/(?:services|workflows|triggers)/)[^\s\"'?#]+"), r"\1***"),
    (re.compile(r"([?&]sig=)[^\s\"'&#]+"), r"\1***"),
)
PAYLOAD_LIMIT = 4000


RISKS = [("read", "Read"), ("write", "Write"), ("destructive", "Destructive"), ("admin", "Administration")]


def redact(value, mask_pii=None):
    """Return ``value`` with secrets masked (by key name and by key format), and its strings passed through
    ``mask_pii`` (a :class:`~..lib.pii.PiiMasker`) when given."""
    if isinstance(value, dict):
        return {k: ("***" if SECRET_KEYS.search(str(k)) else redact(v, mask_pii)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, mask_pii) for v in value]
    if isinstance(value, str):
        for pattern, replacement in SECRET_VALUES:
            value = pattern.sub(replacement, value)
        return mask_pii(value) if mask_pii else value
    if isinstance(value, int) and not isinstance(value, bool) and mask_pii:
        # A card number sent as a JSON number.
        masked = mask_pii(str(value))
        return value if masked == str(value) else masked
    return value


class McpAuditLog(models.Model):
    """One row per request that reaches /mcp, whatever its outcome."""

    _name = "mcp.audit.log"
    _description = "MCP Audit Log"
    _order = "id desc"
    _log_access = False

    create_date = fields.Datetime(string="Date", readonly=True, index=True)
    key_id = fields.Many2one("mcp.api.key", string="Key", readonly=True, ondelete="set null", index=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True, ondelete="set null", index=True)
    ip_address = fields.Char(string="IP address", readonly=True)
    session_id = fields.Char(string="Session", readonly=True, index=True)
    method = fields.Char(readonly=True, index=True, help="JSON-RPC method, or the HTTP method for transport errors.")
    tool = fields.Char(readonly=True, index=True)
    model = fields.Char(readonly=True, index=True)
    record_ids = fields.Char(string="Records", readonly=True)
    status = fields.Selection(STATUSES, readonly=True, index=True)
    risk = fields.Selection(RISKS, readonly=True, index=True,
                            help="What the tool call could do, as the server judged it before running it.")
    http_status = fields.Integer(string="HTTP status", readonly=True)
    duration_ms = fields.Float(string="Duration (ms)", readonly=True, digits=(16, 2), aggregator="avg",
                               help="Time spent serving the request, in milliseconds; grouped rows show the average.")
    error = fields.Text(readonly=True)
    request_payload = fields.Text(readonly=True)
    response_payload = fields.Text(readonly=True)

    @api.model
    def _log(self, entry, log_payloads=False, async_commit=False):
        """Insert one audit row with a single statement (no ORM overhead).

        ``async_commit``: when the transaction has written nothing yet (PostgreSQL gave it no transaction id),
        the same statement turns ``synchronous_commit`` off for it, so its commit does not wait for the WAL
        flush: a crash may lose the last fraction of a second of such audit rows, never other data (a
        transaction that wrote anything else keeps a synchronous commit)."""
        values = self._log_values(entry, log_payloads)
        columns, row = SQL(", ").join(SQL.identifier(column) for column in values), SQL(", ").join(values.values())
        if not async_commit:
            self.env.cr.execute(SQL(
                "INSERT INTO mcp_audit_log (create_date, %s) VALUES ((now() at time zone 'UTC'), %s)", columns, row))
            return
        self.env.flush_all()  # pending ORM writes count as data: they must reach the database first
        # The WHERE is checked once, before the row is inserted (which assigns the transaction id);
        # CASE evaluates set_config only when no id is assigned.
        self.env.cr.execute(SQL(
            """INSERT INTO mcp_audit_log (create_date, %s)
               SELECT (now() at time zone 'UTC'), %s
                WHERE CASE WHEN txid_current_if_assigned() IS NULL
                           THEN set_config('synchronous_commit', 'off', true) IS NOT NULL ELSE true END""",
            columns, row))

    @api.model
    def _log_values(self, entry, log_payloads):
        """Column → value of the audit row of ``entry``; addons that add columns extend this."""
        record_ids = entry.get("record_ids")
        mask_pii = self._pii_masker() if log_payloads or entry.get("error") else None
        return {
            "key_id": entry.get("key_id"),
            "user_id": entry.get("user_id"),
            "ip_address": entry.get("ip"),
            "session_id": entry.get("session_id"),
            "method": (entry.get("method") or "")[:128] or None,
            "tool": entry.get("tool"),
            "model": entry.get("model"),
            "record_ids": ",".join(map(str, record_ids))[:1000] if record_ids else None,
            "status": entry.get("status"),
            "risk": entry.get("risk"),
            "http_status": entry.get("http_status"),
            "duration_ms": round(entry.get("duration_ms") or 0.0, 2),
            "error": (entry.get("error") or None) and redact(entry["error"], mask_pii)[:2000],
            "request_payload": self._payload_text(entry.get("request"), mask_pii) if log_payloads else None,
            "response_payload": self._payload_text(entry.get("response"), mask_pii) if log_payloads else None,
        }

    @api.model
    def _pii_masker(self):
        """The masker of personal data in logged text (a callable ``str -> str``), or None when Settings turn
        masking off."""
        settings = self.env["mcp.server"]._settings()
        return masker_for(settings["pii_patterns"]) if settings["mask_pii"] else None

    @api.model
    def _payload_text(self, payload, mask_pii=None):
        if payload is None:
            return None
        text = json.dumps(redact(payload, mask_pii), default=str, ensure_ascii=False)
        if len(text) > PAYLOAD_LIMIT:
            text = text[:PAYLOAD_LIMIT] + "… [truncated]"
        return text

    @api.autovacuum
    def _gc_audit_log(self):
        """Delete audit rows older than the configured retention."""
        days = self.env["mcp.server"]._settings()["audit_retention_days"]
        if days <= 0:
            return
        limit_date = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(SQL("DELETE FROM mcp_audit_log WHERE create_date < %s", limit_date))
        _logger.info("MCP audit: removed %s entries older than %s days", self.env.cr.rowcount, days)
