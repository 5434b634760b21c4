import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.ip_rules import check_networks
from ..lib.pii import PiiPatternError, parse_patterns
from ..lib.redis_probe import RedisProbeError, probe
from ..lib.settings import SETTINGS, default

# An origin as browsers send it: scheme, host and optional port; no path, no trailing slash needed.
NOT_NEGATIVE = ("mcp_audit_retention_days", "mcp_rotation_grace_hours", "mcp_expiry_warning_days",
                "mcp_rotation_enforce_days", "mcp_rate_limit_minute", "mcp_rate_limit_day",
                "mcp_global_rate_limit_minute", "mcp_global_rate_limit_day", "mcp_session_retention_days")
# Settings whose 0 is a choice ("off", "forever", "at once") rather than "not set".
ZERO_MEANS_OFF = ("mcp_audit_retention_days", "mcp_rotation_grace_hours", "mcp_expiry_warning_days",
                  "mcp_rotation_enforce_days", "mcp_session_retention_days")
# Check boxes that are on by default: stored as "True"/"False" (Odoo deletes an unchecked parameter, and
# readers would then fall back to the default, on). Field → setting name.
ON_BY_DEFAULT = {"mcp_enabled": "enabled", "mcp_mask_pii": "mask_pii"}
ORIGIN = re.compile(r"^https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?/?$")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mcp_enabled = fields.Boolean(string="Enable MCP server", default=True)
    mcp_endpoint_url = fields.Char(
        string="Endpoint URL", compute="_compute_mcp_endpoint_url",
        help="The address clients connect to: this server's public URL (web.base.url) followed by /mcp.")
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
    mcp_mask_pii = fields.Boolean(
        string="Mask personal data in payloads", default=True,
        help="In logged payloads, card numbers (Luhn-checked), IBANs (mod-97-checked) and national ids matching "
             "the patterns below are replaced by **** and their last four characters.")
    # Kept by get_values/set_values: Odoo stores no Text field as a parameter.
    mcp_pii_patterns = fields.Text(
        string="National id patterns", default=default("pii_patterns"),
        help="Regular expressions, one per line, e.g. \\b\\d{3}-\\d{2}-\\d{4}\\b for US social security numbers.")
    mcp_session_retention_days = fields.Integer(
        string="Session retention", config_parameter="mcp_server.session_retention_days",
        default=default("session_retention_days"),
        help="In days: ended MCP sessions are deleted this long after they end; 0 keeps them.")
    mcp_max_payload_kb = fields.Integer(
        string="Maximum request size", config_parameter="mcp_server.max_payload_kb",
        default=default("max_payload_kb"),
        help="In kilobytes. Larger requests are refused with HTTP 413.")
    mcp_max_response_kb = fields.Integer(
        string="Maximum tool answer", config_parameter="mcp_server.max_response_kb",
        default=default("max_response_kb"),
        help="In kilobytes (UTF-8). Larger answers are cut to a page with a hint to ask for fewer fields.")
    mcp_audit_async_commit = fields.Boolean(
        string="Audit without waiting for the disk", config_parameter="mcp_server.audit_async_commit",
        help="A request that changed nothing but its audit row commits without waiting for PostgreSQL to flush "
             "its write-ahead log (synchronous_commit off for that transaction only). Faster; a crash of the "
             "database server can lose the audit rows of its last fraction of a second, never data: requests "
             "that change records always wait.")
    mcp_show_internal_errors = fields.Boolean(
        string="Show internal errors to clients", config_parameter="mcp_server.show_internal_errors",
        help="For debugging only: internal errors carry their technical message. "
             "Leave off in production so no internal detail reaches a client.",
    )
    mcp_audit_retention_days = fields.Integer(
        string="Audit retention", config_parameter="mcp_server.audit_retention_days",
        default=default("audit_retention_days"),
        help="In days. Older audit entries are deleted every day; 0 keeps them forever.")
    mcp_default_limit = fields.Integer(
        string="Default record limit", config_parameter="mcp_server.default_limit",
        default=default("default_limit"),
        help="Records returned when the client gives no limit; at most the maximum record limit.")
    mcp_max_limit = fields.Integer(
        string="Maximum record limit", config_parameter="mcp_server.max_limit",
        default=default("max_limit"),
        help="The most records one call may ask for; larger limits are clamped to it.")
    mcp_rotation_grace_hours = fields.Integer(
        string="Rotation grace period", config_parameter="mcp_server.rotation_grace_hours",
        default=default("rotation_grace_hours"),
        help="In hours: after a key is rotated, its previous secret keeps working this long; 0 stops it at once.")
    mcp_redis_url = fields.Char(
        string="Redis URL", config_parameter="mcp_server.redis_url",
        help="e.g. redis://localhost:6379/0. Rate-limit counters live in Redis when set, in PostgreSQL otherwise "
             "(and while Redis is unreachable).")
    mcp_rate_limit_minute = fields.Integer(
        string="Requests per minute per key", config_parameter="mcp_server.rate_limit_minute",
        help="Default for keys whose profile sets none; 0 = unlimited.")
    mcp_rate_limit_day = fields.Integer(
        string="Requests per day per key", config_parameter="mcp_server.rate_limit_day",
        help="Default for keys whose profile sets none; 0 = unlimited.")
    mcp_global_rate_limit_minute = fields.Integer(
        string="Requests per minute, all keys", config_parameter="mcp_server.global_rate_limit_minute",
        help="For the whole server; 0 = unlimited.")
    mcp_global_rate_limit_day = fields.Integer(
        string="Requests per day, all keys", config_parameter="mcp_server.global_rate_limit_day",
        help="For the whole server; 0 = unlimited.")
    mcp_ip_allow = fields.Char(
        string="Allowed networks", config_parameter="mcp_server.ip_allow",
        help="Only these addresses or CIDR networks may reach /mcp. Empty: any.")
    mcp_ip_deny = fields.Char(string="Denied networks", config_parameter="mcp_server.ip_deny",
                              help="These addresses or CIDR networks are refused; deny wins. Empty: none.")
    mcp_approval_expiry_minutes = fields.Integer(
        string="Approval requests expire after", config_parameter="mcp_server.approval_expiry_minutes",
        default=default("approval_expiry_minutes"),
        help="In minutes: a pending request not decided in time expires and never runs.")
    mcp_expiry_warning_days = fields.Integer(
        string="Warn owners before key expiry", config_parameter="mcp_server.expiry_warning_days",
        default=default("expiry_warning_days"),
        help="In days: the owner gets an activity this long before a key expires; 0 = no warning.")
    mcp_rotation_enforce_days = fields.Integer(
        string="Expire keys overdue for rotation after", config_parameter="mcp_server.rotation_enforce_days",
        default=default("rotation_enforce_days"),
        help="In days after the rotation due date; 0 = never expire them for that.")
    mcp_native_key_profile_id = fields.Many2one(
        "mcp.access.profile", string="Profile for Odoo API keys",
        config_parameter="mcp_server.native_key_profile_id",
        help="When set, Odoo's own API keys (Preferences → Account Security) are accepted as bearer tokens and "
             "bounded by this profile. Empty: refused.")

    # On the company so a new Settings form computes it at once (a field without dependencies is not).
    @api.depends("company_id")
    def _compute_mcp_endpoint_url(self):
        base_url = self.env["mcp.server"]._settings()["base_url"]
        for settings in self:
            settings.mcp_endpoint_url = "%s/mcp" % base_url

    @api.model
    def get_values(self):
        values = super().get_values()
        settings = self.env["mcp.server"]._settings()
        values.update({field: settings[name] for field, name in ON_BY_DEFAULT.items()})
        values["mcp_pii_patterns"] = settings["pii_patterns"]
        return values

    def set_values(self):
        """Store 0 as "0": Odoo drops a zero parameter, and readers would then fall back to their default
        (e.g. a retention of 0 days, "keep forever", would become 90). Likewise an unchecked box that is on
        by default is stored as "False", and an emptied pattern list as a blank."""
        super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for name in ZERO_MEANS_OFF:
            if self[name] == 0:
                params.set_param(self._fields[name].config_parameter, "0")
        for field, name in ON_BY_DEFAULT.items():
            params.set_param(SETTINGS[name][0], str(bool(self[field])))
        # An emptied list is stored as a blank (read as "no pattern"), not dropped (read as the default).
        params.set_param(SETTINGS["pii_patterns"][0], (self.mcp_pii_patterns or "").strip() or " ")

    def action_mcp_test_redis(self):
        """Ping the Redis URL of the form (saved or not): a notification with the latency and the server's
        version, or the reason it failed."""
        self.ensure_one()
        if not self.mcp_redis_url:
            return self._mcp_notify(_("No Redis URL: counters live in PostgreSQL."), "info")
        try:
            latency_ms, version = probe(self.mcp_redis_url.strip())
        except RedisProbeError as exc:
            return self._mcp_notify(_("Redis is unreachable: %s", exc), "danger")
        return self._mcp_notify(_("Redis %(version)s answered in %(latency)s ms.", version=version,
                                  latency=latency_ms), "success")

    def _mcp_notify(self, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": _("Redis connection"), "message": message, "type": kind,
                           "sticky": kind == "danger"}}

    def _label(self, name):
        return self._fields[name].get_description(self.env)["string"]

    @api.constrains("mcp_allowed_origins")
    def _check_mcp_origins(self):
        for settings in self:
            for origin in (settings.mcp_allowed_origins or "").replace(",", " ").split():
                if origin != "*" and not ORIGIN.match(origin):
                    raise ValidationError(_(
                        "%(setting)s: '%(origin)s' is not an origin. Write it as a browser sends it, with its scheme "
                        "and without a path, e.g. http://localhost:6274.",
                        setting=self._label("mcp_allowed_origins"), origin=origin[:100]))

    @api.constrains("mcp_default_limit", "mcp_max_limit")
    def _check_mcp_limits(self):
        for settings in self:
            if settings.mcp_default_limit < 1 or settings.mcp_max_limit < 1:
                raise ValidationError(_("%(default)s and %(max)s must be at least 1 record.",
                                        default=self._label("mcp_default_limit"), max=self._label("mcp_max_limit")))
            if settings.mcp_default_limit > settings.mcp_max_limit:
                raise ValidationError(_(
                    "%(default)s (%(default_value)s) cannot exceed %(max)s (%(max_value)s): every call without a "
                    "limit would ask for more than is allowed. Lower the first or raise the second.",
                    default=self._label("mcp_default_limit"), default_value=settings.mcp_default_limit,
                    max=self._label("mcp_max_limit"), max_value=settings.mcp_max_limit))

    @api.constrains("mcp_max_payload_kb", "mcp_max_response_kb", "mcp_approval_expiry_minutes")
    def _check_mcp_positive(self):
        for settings in self:
            for name in ("mcp_max_payload_kb", "mcp_max_response_kb", "mcp_approval_expiry_minutes"):
                if settings[name] < 1:
                    raise ValidationError(_("%s must be at least 1.", self._label(name)))

    @api.constrains(*NOT_NEGATIVE)
    def _check_mcp_not_negative(self):
        for settings in self:
            for name in NOT_NEGATIVE:
                if settings[name] < 0:
                    raise ValidationError(_("%s cannot be negative (0 turns it off).", self._label(name)))

    @api.constrains("mcp_rate_limit_minute", "mcp_rate_limit_day", "mcp_global_rate_limit_minute",
                    "mcp_global_rate_limit_day")
    def _check_mcp_rate_limits(self):
        for settings in self:
            pairs = (("mcp_rate_limit_minute", "mcp_rate_limit_day"),
                     ("mcp_global_rate_limit_minute", "mcp_global_rate_limit_day"),
                     ("mcp_rate_limit_minute", "mcp_global_rate_limit_minute"),
                     ("mcp_rate_limit_day", "mcp_global_rate_limit_day"))
            for low, high in pairs:
                if settings[low] and settings[high] and settings[low] > settings[high]:
                    raise ValidationError(_(
                        "%(first)s (%(first_value)s) cannot exceed %(second)s (%(second_value)s).",
                        first=self._label(low), first_value=settings[low],
                        second=self._label(high), second_value=settings[high]))

    @api.constrains("mcp_pii_patterns")
    def _check_mcp_pii_patterns(self):
        for settings in self:
            try:
                parse_patterns(settings.mcp_pii_patterns)
            except PiiPatternError as exc:
                raise ValidationError(_("%(setting)s: %(error)s", setting=self._label("mcp_pii_patterns"),
                                        error=exc)) from None

    @api.constrains("mcp_ip_allow", "mcp_ip_deny")
    def _check_mcp_networks(self):
        for settings in self:
            check_networks(settings.mcp_ip_allow, settings.mcp_ip_deny)
