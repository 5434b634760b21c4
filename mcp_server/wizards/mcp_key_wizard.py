from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class McpKeyWizard(models.TransientModel):
    """Generate or rotate a key; the secret is shown once, on the second step."""

    _name = "mcp.key.wizard"
    _description = "Generate an MCP API key"

    mode = fields.Selection([("create", "Generate"), ("rotate", "Rotate")], default="create", required=True)
    key_id = fields.Many2one("mcp.api.key", readonly=True)
    name = fields.Char(string="Key name", help="What the key is for, e.g. 'Claude Desktop on my laptop'.")
    user_id = fields.Many2one("res.users", string="Acts as", default=lambda self: self.env.user,
                              domain=[("share", "=", False)])
    profile_id = fields.Many2one("mcp.access.profile", string="Access profile")
    expires_in_days = fields.Integer(string="Expires in (days)", default=90, help="0 for a key that never expires.")
    grace_hours = fields.Integer(string="Old secret valid for (hours)",
                                 default=lambda self: self._default_grace_hours())
    secret = fields.Char(readonly=True)
    is_admin = fields.Boolean(compute="_compute_is_admin")

    @api.model
    def _default_grace_hours(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("mcp_server.rotation_grace_hours", 24))

    @api.depends_context("uid")
    def _compute_is_admin(self):
        for wizard in self:
            wizard.is_admin = self.env.user.has_group("mcp_server.group_mcp_admin")

    def action_generate(self):
        self.ensure_one()
        if self.mode == "rotate":
            return self._run()
        if not self.name:
            raise UserError(_("Give the key a name."))
        user = self.user_id or self.env.user
        if user != self.env.user and not self.is_admin:
            raise UserError(_("Only an MCP Administrator can create keys acting as another user."))
        values = {"name": self.name, "user_id": user.id, "owner_id": self.env.user.id,
                  "profile_id": self.profile_id.id}
        if self.expires_in_days > 0:
            values["expires_at"] = fields.Datetime.now() + timedelta(days=self.expires_in_days)
        key, secret = self.env["mcp.api.key"]._create_with_secret(values)
        self.write({"key_id": key.id, "secret": secret})
        return self._reopen()

    def _run(self):
        """Rotate ``key_id`` and show the new secret."""
        self.ensure_one()
        secret = self.key_id._rotate(self.grace_hours)
        self.write({"secret": secret})
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Your new MCP key"),
        }
