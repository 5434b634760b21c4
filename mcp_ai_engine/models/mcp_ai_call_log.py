"""One row per call to a provider: who asked what, which model answered, tokens, time and outcome."""
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.mcp_server.models.mcp_audit_log import redact
from odoo.tools import SQL

STATUSES = [
    ("success", "Success"),
    ("rate_limited", "Rate limited (429)"),
    ("server_error", "Server error (5xx)"),
    ("timeout", "Timeout"),
    ("connection", "Unreachable"),
    ("auth", "Key refused"),
    ("bad_request", "Request refused"),
    ("malformed", "Unreadable answer"),
    ("empty", "Empty answer"),
    ("missing_sdk", "SDK not installed"),
    ("missing_key", "No API key"),
]
ORIGINS = [("action", "Server action"), ("preview", "Preview"), ("test", "Connection test")]
# The texts of a call, logged as the MCP audit log logs payloads: secrets redacted, personal data masked.
LOGGED_TEXTS = ("system_prompt", "prompt", "answer", "error")


class McpAiCallLog(models.Model):
    _name = "mcp.ai.call.log"
    _description = "Generative AI Call"
    _order = "id desc"

    create_date = fields.Datetime(string="Date", readonly=True, index=True)
    origin = fields.Selection(ORIGINS, required=True, readonly=True)
    action_id = fields.Many2one("ir.actions.server", string="Action", readonly=True, ondelete="set null",
                                index="btree_not_null")
    res_model = fields.Char(string="Record Model", readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True)
    record_ref = fields.Reference(selection="_selection_target_model", compute="_compute_record_ref",
                                  string="Record")
    user_id = fields.Many2one("res.users", string="User", readonly=True, index=True, ondelete="cascade")
    provider_id = fields.Many2one("mcp.ai.provider", string="Provider", readonly=True, ondelete="set null")
    model = fields.Char(string="Model", readonly=True)
    tokens_in = fields.Integer(string="Tokens In", readonly=True)
    tokens_out = fields.Integer(string="Tokens Out", readonly=True)
    latency_ms = fields.Integer(string="Latency (ms)", readonly=True)
    attempts = fields.Integer(readonly=True)
    status = fields.Selection(STATUSES, required=True, readonly=True, index=True)
    error = fields.Text(readonly=True)
    system_prompt = fields.Text(readonly=True)
    prompt = fields.Text(readonly=True)
    answer = fields.Text(readonly=True)

    def _compute_display_name(self):
        for log in self:
            log.display_name = self.env._("AI call #%s", log.id)

    @api.model
    def _selection_target_model(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for log in self:
            exists = log.res_model in self.env and log.res_id and self.env[log.res_model].browse(log.res_id).exists()
            log.record_ref = "%s,%s" % (log.res_model, log.res_id) if exists else False

    @api.model
    def _record(self, values):
        """Write one row (the server's own bookkeeping, whoever made the call). Its texts are kept as the audit
        log keeps payloads: key secrets redacted, and card numbers, IBANs and national ids masked while
        Settings mask personal data (``mcp_server.mask_pii``)."""
        mask_pii = self.env["mcp.audit.log"]._pii_masker()
        texts = {name: redact(values[name], mask_pii) for name in LOGGED_TEXTS if isinstance(values.get(name), str)}
        return self.sudo().create(dict(values, **texts))

    @api.autovacuum
    def _gc_call_log(self):
        """Forget calls older than the MCP audit retention (mcp_server.audit_retention_days, default 90)."""
        days = self.env["mcp.server"]._settings()["audit_retention_days"]
        if days > 0:
            self.env.cr.execute(SQL("DELETE FROM mcp_ai_call_log WHERE create_date < %s",
                                    fields.Datetime.now() - timedelta(days=days)))
