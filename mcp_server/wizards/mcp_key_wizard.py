from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.actions import dialog_action


class McpKeyWizard(models.TransientModel):
    """Generate or rotate a key; the secret is then shown once, with the configuration of every client."""

    _name = "mcp.key.wizard"
    _description = "Generate an MCP API key"

    mode = fields.Selection([("create", "Generate"), ("rotate", "Rotate")], default="create", required=True)
    key_id = fields.Many2one("mcp.api.key", string="Key", readonly=True)
    name = fields.Char(string="Key name", help="What the key is for, e.g. 'Claude Desktop on my laptop'.")
    user_id = fields.Many2one(
        "res.users", string="Acts as", default=lambda self: self.env.user, domain=[("share", "=", False)],
        help="Every call made with the key runs as this user, with this user's access rights. A dedicated "
             "integration user with only the rights the client needs is the safest choice.")
    profile_id = fields.Many2one(
        "mcp.access.profile", string="Access profile",
        help="What the key may reach. MCP Users choose among the profiles an administrator made self-service.")
    expires_in_days = fields.Integer(string="Expires in", default=90, help="In days; 0 for a key that never expires.")
    grace_hours = fields.Integer(string="Old secret valid for", default=lambda self: self._default_grace_hours(),
                                 help="In hours; 0 stops the previous secret at once.")
    is_admin = fields.Boolean(compute="_compute_is_admin", default=lambda self: self._user_is_admin())

    @api.model
    def _default_grace_hours(self):
        return self.env["mcp.server"]._settings()["rotation_grace_hours"]

    @api.model
    def _user_is_admin(self):
        return self.env.user.has_group("mcp_server.group_mcp_admin")

    @api.depends_context("uid")
    def _compute_is_admin(self):
        self.is_admin = self._user_is_admin()

    @api.constrains("expires_in_days", "grace_hours")
    def _check_numbers(self):
        for wizard in self:
            if wizard.expires_in_days < 0 or wizard.grace_hours < 0:
                raise UserError(_("Expiry (days) and grace period (hours) cannot be negative."))

    def action_generate(self):
        """Create the key (or rotate it) and show its secret once, with every client's configuration."""
        self.ensure_one()
        if self.mode == "rotate":
            return self._run()
        if not self.name:
            raise UserError(_("Give the key a name."))
        user = self.user_id or self.env.user
        if user != self.env.user and not self._user_is_admin():
            raise UserError(_("Only an MCP Administrator can create keys acting as another user."))
        values = {"name": self.name, "user_id": user.id, "owner_id": self.env.user.id,
                  "profile_id": self.profile_id.id}
        if self.expires_in_days > 0:
            values["expires_at"] = fields.Datetime.now() + timedelta(days=self.expires_in_days)
        key, secret = self.env["mcp.api.key"]._create_with_secret(values)
        self.key_id = key
        return self.env["mcp.connect.wizard"].action_open(secret=secret, key=key)

    def _run(self):
        """Rotate ``key_id`` and show the new secret."""
        self.ensure_one()
        secret = self.key_id._rotate(self.grace_hours)
        return self.env["mcp.connect.wizard"].action_open(secret=secret, key=self.key_id)

    def _reopen(self):
        return dialog_action(self, _("Rotate MCP key") if self.mode == "rotate" else _("Generate an MCP key"))
