from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.ip_rules import IpRuleError, parse_networks


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_enabled = fields.Boolean(string="Enable MCP server", config_parameter="mcp_server.enabled")
    mcp_allowed_origins = fields.Char(
        string="Allowed origins", config_parameter="mcp_server.allowed_origins",
        help="Browser origins allowed to call /mcp, separated by commas or spaces "
             "(e.g. http://localhost:6274). Requests without an Origin header (desktop and server clients) "
             "are not affected; this server's own origin is always allowed.",
    )
    mcp_log_payloads = fields.Boolean(
        string="Log request and response payloads", config_parameter="mcp_server.log_payloads",
        help="Store truncated payloads in the audit log, with secrets redacted.",
    )
    mcp_max_payload_kb = fields.Integer(
        string="Maximum request size (KB)", config_parameter="mcp_server.max_payload_kb")
    mcp_max_response_kb = fields.Integer(
        string="Maximum tool answer (KB)", config_parameter="mcp_server.max_response_kb")
    mcp_show_internal_errors = fields.Boolean(
        string="Show internal errors to clients", config_parameter="mcp_server.show_internal_errors",
        help="For debugging only: internal errors carry their technical message. "
             "Leave off in production so no internal detail reaches a client.",
    )
    mcp_audit_retention_days = fields.Integer(
        string="Audit retention (days)", config_parameter="mcp_server.audit_retention_days")
    mcp_default_limit = fields.Integer(string="Default record limit", config_parameter="mcp_server.default_limit")
    mcp_max_limit = fields.Integer(string="Maximum record limit", config_parameter="mcp_server.max_limit")
    mcp_rotation_grace_hours = fields.Integer(
        string="Rotation grace period (hours)", config_parameter="mcp_server.rotation_grace_hours",
        help="After a key is rotated, its previous secret keeps working this long.")
    mcp_redis_url = fields.Char(
        string="Redis URL", config_parameter="mcp_server.redis_url",
        help="e.g. redis://localhost:6379/0. Rate-limit counters live in Redis when set, in PostgreSQL otherwise "
             "(and while Redis is unreachable).")
    mcp_rate_limit_minute = fields.Integer(
        string="Requests per minute per key", config_parameter="mcp_server.rate_limit_minute",
        help="Default for keys whose profile sets none; 0 = unlimited.")
    mcp_rate_limit_day = fields.Integer(
        string="Requests per day per key", config_parameter="mcp_server.rate_limit_day")
    mcp_global_rate_limit_minute = fields.Integer(
        string="Requests per minute, all keys", config_parameter="mcp_server.global_rate_limit_minute")
    mcp_global_rate_limit_day = fields.Integer(
        string="Requests per day, all keys", config_parameter="mcp_server.global_rate_limit_day")
    mcp_ip_allow = fields.Char(
        string="Allowed networks", config_parameter="mcp_server.ip_allow",
        help="Only these addresses or CIDR networks may reach /mcp. Empty: any.")
    mcp_ip_deny = fields.Char(string="Denied networks", config_parameter="mcp_server.ip_deny")
    mcp_approval_expiry_minutes = fields.Integer(
        string="Approval requests expire after (minutes)", config_parameter="mcp_server.approval_expiry_minutes")
    mcp_expiry_warning_days = fields.Integer(
        string="Warn owners before key expiry (days)", config_parameter="mcp_server.expiry_warning_days")
    mcp_rotation_enforce_days = fields.Integer(
        string="Expire keys overdue for rotation after (days)", config_parameter="mcp_server.rotation_enforce_days")
    mcp_native_key_profile_id = fields.Many2one(
        "mcp.access.profile", string="Profile for Odoo API keys",
        config_parameter="mcp_server.native_key_profile_id",
        help="When set, Odoo's own API keys (Preferences → Account Security) are accepted as bearer tokens and "
             "bounded by this profile. Empty: refused.")

    @api.constrains("mcp_ip_allow", "mcp_ip_deny")
    def _check_mcp_networks(self):
        for settings in self:
            for text in (settings.mcp_ip_allow, settings.mcp_ip_deny):
                try:
                    parse_networks(text)
                except IpRuleError as exc:
                    raise ValidationError(str(exc)) from None
