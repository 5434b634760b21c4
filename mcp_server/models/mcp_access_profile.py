import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.domain_parser import DomainError, parse_domain
from ..lib.ip_rules import IpRuleError, parse_networks

OPERATIONS = ("read", "create", "write", "unlink")


class McpAccessProfile(models.Model):
    """A reusable access policy for MCP credentials (default deny)."""

    _name = "mcp.access.profile"
    _description = "MCP Access Profile"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    rule_ids = fields.One2many("mcp.access.rule", "profile_id", string="Model rules", copy=True)
    key_ids = fields.One2many("mcp.api.key", "profile_id", string="Keys")
    key_count = fields.Integer(compute="_compute_key_count")
    scope = fields.Selection(
        [("read_only", "Read only"), ("read_write", "Read and write"), ("full", "Full")],
        string="Scope preset", default="read_write", required=True,
        help="Caps what keys with this profile may do, whatever the model rules say: Read only serves read tools "
             "and the read operation; Read and write adds create and write; Full adds delete and admin tools.",
    )
    tool_ids = fields.Many2many(
        "mcp.tool", "mcp_access_profile_tool_rel", "profile_id", "tool_id", string="Allowed tools",
        help="Only these tools are listed and callable. Leave empty for every tool the scope preset allows.",
    )
    approval_tool_ids = fields.Many2many(
        "mcp.tool", "mcp_access_profile_approval_tool_rel", "profile_id", "tool_id",
        string="Tools needing approval")
    approval_write = fields.Boolean(string="Approve write tools")
    approval_destructive = fields.Boolean(string="Approve destructive tools")
    approval_admin = fields.Boolean(string="Approve admin tools")
    confirm_tool_ids = fields.Many2many(
        "mcp.tool", "mcp_access_profile_confirm_tool_rel", "profile_id", "tool_id",
        string="Tools confirmed in the client",
        help="Before these tools change anything, the person using the client confirms a summary of the changes "
             "in the client itself. Clients that cannot ask them fall back to an approval request.")
    confirm_write = fields.Boolean(string="Confirm write tools in the client")
    confirm_destructive = fields.Boolean(string="Confirm destructive tools in the client")
    confirm_admin = fields.Boolean(string="Confirm admin tools in the client")
    approver_group_id = fields.Many2one(
        "res.groups", string="Approver group",
        help="Members of this group can approve or reject requests. Without group or users: MCP Administrators.")
    approver_user_ids = fields.Many2many("res.users", string="Approvers", domain=[("share", "=", False)])
    rate_limit_minute = fields.Integer(
        string="Requests per minute", help="Per key with this profile; 0 uses the default of Settings.")
    rate_limit_day = fields.Integer(
        string="Requests per day", help="Per key with this profile; 0 uses the default of Settings.")
    ip_allow = fields.Text(
        string="Allowed networks",
        help="Only these addresses or CIDR networks (IPv4/IPv6) may use keys with this profile. Empty: any.")
    ip_deny = fields.Text(string="Denied networks", help="Addresses or CIDR networks refused; deny wins.")

    @api.constrains("ip_allow", "ip_deny")
    def _check_networks(self):
        for profile in self:
            for text in (profile.ip_allow, profile.ip_deny):
                try:
                    parse_networks(text)
                except IpRuleError as exc:
                    raise ValidationError(str(exc)) from None

    def _governance(self):
        """The cached, immutable governance settings of this profile."""
        self.ensure_one()
        approval_risks = {risk for risk in ("write", "destructive", "admin") if self["approval_%s" % risk]}
        confirm_risks = {risk for risk in ("write", "destructive", "admin") if self["confirm_%s" % risk]}
        return {
            "scope": self.scope,
            "tools": frozenset(self.tool_ids.mapped("name")) if self.tool_ids else None,
            "approval_tools": frozenset(self.approval_tool_ids.mapped("name")),
            "approval_risks": frozenset(approval_risks),
            "confirm_tools": frozenset(self.confirm_tool_ids.mapped("name")),
            "confirm_risks": frozenset(confirm_risks),
            "rate_limit_minute": self.rate_limit_minute,
            "rate_limit_day": self.rate_limit_day,
            "ip_allow": parse_networks(self.ip_allow),
            "ip_deny": parse_networks(self.ip_deny),
        }

    def _approvers(self):
        """Users who may decide on this profile's approval requests."""
        self.ensure_one()
        users = self.approver_user_ids | self.approver_group_id.users
        if not users:
            users = self.env.ref("mcp_server.group_mcp_admin").users
        return users.filtered(lambda user: user.active and not user.share)

    _sql_constraints = [("name_unique", "unique(name)", "An access profile with this name already exists.")]

    @api.depends("key_ids")
    def _compute_key_count(self):
        for profile in self:
            profile.key_count = len(profile.key_ids)

    @api.model_create_multi
    def create(self, vals_list):
        profiles = super().create(vals_list)
        self.env.registry.clear_cache()
        return profiles

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result


class McpAccessRule(models.Model):
    """What a profile allows on one model: operations, a record domain, a field allowlist."""

    _name = "mcp.access.rule"
    _description = "MCP Access Rule"
    _order = "profile_id, model_name"

    profile_id = fields.Many2one("mcp.access.profile", required=True, ondelete="cascade", index=True)
    model_id = fields.Many2one("ir.model", string="Model", required=True, ondelete="cascade",
                               domain=[("transient", "=", False)])
    model_name = fields.Char(related="model_id.model", store=True, index=True, string="Technical name")
    perm_read = fields.Boolean(string="Read", default=True)
    perm_create = fields.Boolean(string="Create")
    perm_write = fields.Boolean(string="Write")
    perm_unlink = fields.Boolean(string="Delete")
    domain = fields.Char(
        string="Record domain",
        help="Only records matching this domain are reachable, e.g. [('is_company', '=', True)]. "
             "Leave empty for every record the user can access.",
    )
    field_ids = fields.Many2many(
        "ir.model.fields", string="Allowed fields",
        domain="[('model_id', '=', model_id)]",
        help="Only these fields can be read, searched, sorted, grouped or written. Leave empty for all fields.",
    )

    allowed_methods = fields.Char(
        string="Callable methods",
        help="Public methods or buttons the call_method tool may run on this model, comma separated "
             "(e.g. action_confirm, action_cancel). Empty: none.",
    )

    _sql_constraints = [
        ("model_unique", "unique(profile_id, model_id)", "A profile can hold only one rule per model."),
    ]

    @api.constrains("allowed_methods")
    def _check_methods(self):
        for rule in self:
            for name in rule._method_names():
                if name.startswith("_") or not name.isidentifier():
                    raise ValidationError(_("%s is not a public method name.", name))

    @api.constrains("domain", "model_id")
    def _check_domain(self):
        for rule in self:
            if not rule.domain:
                continue
            try:
                domain = parse_domain(rule.domain)
            except DomainError as exc:
                raise ValidationError(
                    _("Invalid domain for %(model)s: %(error)s", model=rule.model_name, error=exc)) from None
            model = self.env[rule.model_name]
            for leaf in domain:
                if isinstance(leaf, list) and leaf[0].split(".")[0] not in model._fields:
                    raise ValidationError(_("Field %(field)s does not exist on %(model)s.",
                                            field=leaf[0], model=rule.model_name))

    @api.constrains("field_ids", "model_id")
    def _check_fields(self):
        for rule in self:
            if any(field.model_id != rule.model_id for field in rule.field_ids):
                raise ValidationError(_("Allowed fields must belong to %s.", rule.model_name))

    def _operations(self):
        self.ensure_one()
        return frozenset(op for op in OPERATIONS if self["perm_%s" % op])

    def _as_policy_entry(self):
        """The cached, immutable form of this rule used by the access policy."""
        self.ensure_one()
        return {
            "operations": self._operations(),
            "domain": json.dumps(parse_domain(self.domain)) if self.domain else None,
            "fields": frozenset(self.field_ids.mapped("name")) if self.field_ids else None,
            "methods": frozenset(self._method_names()),
        }

    def _method_names(self):
        self.ensure_one()
        return [name.strip() for name in (self.allowed_methods or "").replace(",", " ").split() if name.strip()]

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
