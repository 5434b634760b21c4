from odoo import fields, models


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
