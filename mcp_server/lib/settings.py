"""Every setting of the server in one table: its ``ir.config_parameter`` key, type and default.

``mcp.server._settings()`` reads them all with one query (cached per worker, cleared by Odoo when a
parameter changes) and converts them with :func:`parse`; the Settings page takes its field defaults from
:func:`default`. A sibling addon adds its own keys with :func:`register_setting`.
"""
import logging

from .ip_rules import IpRuleError, parse_networks
from .pii import DEFAULT_NATIONAL_ID_PATTERNS

_logger = logging.getLogger(__name__)


def as_text(value):
    return (value or "").strip()


def as_int(value):
    return int(value)


def as_bool(value):
    return value not in ("False", "0", "")


def as_networks(value):
    """Parsed networks of a Settings list; an invalid list blocks nothing but is logged."""
    try:
        return parse_networks(value)
    except IpRuleError as exc:
        _logger.error("MCP: ignoring invalid network list in Settings: %s", exc)
        return ()


# name → (ir.config_parameter key, converter, default as stored)
SETTINGS = {
    "enabled": ("mcp_server.enabled", as_bool, "True"),
    "allowed_origins": ("mcp_server.allowed_origins", as_text, ""),
    "log_payloads": ("mcp_server.log_payloads", as_bool, "False"),
    # On from install (data file); unticking it in Settings removes the parameter, hence "False" here.
    "audit_async_commit": ("mcp_server.audit_async_commit", as_bool, "False"),
    "show_internal_errors": ("mcp_server.show_internal_errors", as_bool, "False"),
    "max_payload_kb": ("mcp_server.max_payload_kb", as_int, 512),
    # One answer in KB of UTF-8: about 20 000 tokens, under the 25 000 common agents accept.
    "max_response_kb": ("mcp_server.max_response_kb", as_int, 80),
    "default_limit": ("mcp_server.default_limit", as_int, 80),
    "max_limit": ("mcp_server.max_limit", as_int, 500),
    "redis_url": ("mcp_server.redis_url", as_text, ""),
    "rate_limit_minute": ("mcp_server.rate_limit_minute", as_int, 0),
    "rate_limit_day": ("mcp_server.rate_limit_day", as_int, 0),
    "global_rate_limit_minute": ("mcp_server.global_rate_limit_minute", as_int, 0),
    "global_rate_limit_day": ("mcp_server.global_rate_limit_day", as_int, 0),
    # Requests without a valid credential, per client address: they cannot flood the audit log.
    "anonymous_rate_limit_minute": ("mcp_server.anonymous_rate_limit_minute", as_int, 300),
    "ip_allow": ("mcp_server.ip_allow", as_networks, ""),
    "ip_deny": ("mcp_server.ip_deny", as_networks, ""),
    "audit_retention_days": ("mcp_server.audit_retention_days", as_int, 90),
    "approval_expiry_minutes": ("mcp_server.approval_expiry_minutes", as_int, 30),
    "rotation_grace_hours": ("mcp_server.rotation_grace_hours", as_int, 24),
    "expiry_warning_days": ("mcp_server.expiry_warning_days", as_int, 7),
    "rotation_enforce_days": ("mcp_server.rotation_enforce_days", as_int, 7),
    # An access profile id; 0: Odoo's own API keys are refused.
    "native_key_profile_id": ("mcp_server.native_key_profile_id", as_int, 0),
    "export_row_cap": ("mcp_server.export_row_cap", as_int, 10000),
    # Ended MCP sessions are deleted after this many days; 0 keeps them.
    "session_retention_days": ("mcp_server.session_retention_days", as_int, 7),
    # Card numbers, IBANs and these national id patterns (one regular expression a line) are masked in
    # logged payloads.
    "mask_pii": ("mcp_server.mask_pii", as_bool, "True"),
    "pii_patterns": ("mcp_server.pii_patterns", as_text, DEFAULT_NATIONAL_ID_PATTERNS),
}


def register_setting(name, key, converter, default):
    """Add a setting read with the others (a sibling addon's own key)."""
    SETTINGS[name] = (key, converter, default)


def default(name):
    """The default of setting ``name``, converted (what the Settings page shows before any change)."""
    _key, converter, stored = SETTINGS[name]
    return converter(stored if isinstance(stored, str) else str(stored))


def parameter_keys():
    """The ``ir.config_parameter`` keys of every setting."""
    return tuple(key for key, _converter, _default in SETTINGS.values())


def parse(params):
    """``{name: value}`` from ``{parameter key: stored text}``; a missing or malformed value gives the
    default (a stored "0" stays 0: zero means "off" for several settings)."""
    settings = {}
    for name, (key, converter, stored_default) in SETTINGS.items():
        try:
            settings[name] = converter(params.get(key, str(stored_default)))
        except (TypeError, ValueError):
            settings[name] = default(name)
    return settings
