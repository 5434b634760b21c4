import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.domain_parser import DomainError, parse_domain
from ..lib.ip_rules import check_networks, parse_networks
from .mcp_access_policy import SCOPE_OPERATIONS
from .mcp_cache_version import ACCESS

OPERATIONS = ("read", "create", "write", "unlink")


class McpAccessProfile(models.Model):
    """A reusable access policy for MCP credentials (default deny)."""

    _name = "mcp.access.profile"
    _inherit = ["mail.thread", "mcp.cached.configuration"]
    _mcp_cache_names = (ACCESS,)
    _description = "MCP Access Profile"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10, help="Order of the profiles in lists, the narrowest first.")
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True, tracking=True)
    self_service = fields.Boolean(
        string="Self-service", tracking=True,
        help="MCP Users may give this profile to the keys they generate themselves. Otherwise only an "
             "MCP Administrator can assign it.")
    rule_ids = fields.One2many("mcp.access.rule", "profile_id", string="Model rules", copy=True)
    key_ids = fields.One2many("mcp.api.key", "profile_id", string="Keys")
    key_count = fields.Integer(compute="_compute_key_count")
    scope = fields.Selection(
        [("read_only", "Read only"), ("read_write", "Read and write"), ("full", "Full")],
        string="Scope preset", default="read_write", required=True, tracking=True,
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
    approval_write = fields.Boolean(string="Approve write tools", tracking=True)
    approval_destructive = fields.Boolean(string="Approve destructive tools", tracking=True)
    approval_admin = fields.Boolean(string="Approve admin tools", tracking=True)
    confirm_tool_ids = fields.Many2many(
        "mcp.tool", "mcp_access_profile_confirm_tool_rel", "profile_id", "tool_id",
        string="Tools confirmed in the client",
        help="Before these tools change anything, the person using the client confirms a summary of the changes "
             "in the client itself. Clients that cannot ask them fall back to an approval request.")
    confirm_write = fields.Boolean(string="Confirm write tools in the client", tracking=True)
    confirm_destructive = fields.Boolean(string="Confirm destructive tools in the client", tracking=True)
    confirm_admin = fields.Boolean(string="Confirm admin tools in the client", tracking=True)
    approver_group_id = fields.Many2one(
        "res.groups", string="Approver group",
        help="Members of this group can approve or reject requests. Without group or users: MCP Administrators.")
    approver_user_ids = fields.Many2many("res.users", string="Approvers", domain=[("share", "=", False)])
    rate_limit_minute = fields.Integer(
        string="Requests per minute", tracking=True,
        help="Requests per minute per key with this profile; 0 uses the default of Settings.")
    rate_limit_day = fields.Integer(
        string="Requests per day", tracking=True,
        help="Requests per day per key with this profile; 0 uses the default of Settings.")
    ip_allow = fields.Text(
        string="Allowed networks", tracking=True,
        help="Only these addresses or CIDR networks (IPv4/IPv6) may use keys with this profile. Empty: any.")
    ip_deny = fields.Text(string="Denied networks", tracking=True,
                          help="Addresses or CIDR networks refused; deny wins. Empty: none.")
    scope_warning = fields.Text(compute="_compute_scope_warning")

    @api.constrains("ip_allow", "ip_deny")
    def _check_networks(self):
        for profile in self:
            check_networks(profile.ip_allow, profile.ip_deny)

    @api.depends("scope", "rule_ids.perm_create", "rule_ids.perm_write", "rule_ids.perm_unlink")
    def _compute_scope_warning(self):
        for profile in self:
            profile.scope_warning = "\n".join(profile._scope_conflicts()) or False

    def _scope_conflicts(self):
        """One sentence per model rule that ticks an operation the scope preset does not allow."""
        self.ensure_one()
        allowed = SCOPE_OPERATIONS[self.scope or "read_write"]
        scope_label = dict(self._fields["scope"]._description_selection(self.env))[self.scope or "read_write"]
        labels = {"read": _("Read"), "create": _("Create"), "write": _("Write"), "unlink": _("Delete")}
        conflicts = []
        for rule in self.rule_ids:
            extra = [op for op in OPERATIONS if rule["perm_%s" % op] and op not in allowed]
            if extra:
                conflicts.append(_(
                    "%(model)s: %(operations)s ticked, but the scope preset '%(scope)s' does not allow it.",
                    model=rule.model_id.name or rule.model_name,
                    operations=", ".join(labels[op] for op in extra), scope=scope_label))
        return conflicts

    @api.onchange("scope")
    def _onchange_scope(self):
        """Untick the operations the new preset does not allow, and say so."""
        conflicts = self._scope_conflicts()
        if not conflicts:
            return None
        allowed = SCOPE_OPERATIONS[self.scope]
        for rule in self.rule_ids:
            rule.update({"perm_%s" % op: False for op in OPERATIONS if op not in allowed})
        return {"warning": {
            "title": _("Permissions unticked"),
            "message": _("The scope preset caps what keys may do; these were unticked:\n%s", "\n".join(conflicts)),
        }}

    def _post_rule_changes(self, verb, rules):
        """A line in the profile's chatter for each model rule added, changed or removed."""
        for profile in rules.profile_id:
            names = ", ".join(rules.filtered(lambda rule, p=profile: rule.profile_id == p).mapped("model_name"))
            profile.message_post(body=_("Model rules %(verb)s: %(models)s", verb=verb, models=names))

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



class McpAccessRule(models.Model):
    """What a profile allows on one model: operations, a record domain, a field allowlist."""

    _name = "mcp.access.rule"
    _inherit = ["mcp.cached.configuration"]
    _mcp_cache_names = (ACCESS,)
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
    available_methods = fields.Char(
        string="Form buttons", compute="_compute_available_methods",
        help="The buttons of this model's form view, to pick callable methods from.")
    server_action_ids = fields.Many2many(
        "ir.actions.server", "mcp_access_rule_server_action_rel", "rule_id", "action_id", string="Server actions",
        domain="[('model_id', '=', model_id)]",
        help="Server actions of this model the run_server_action tool may run, as the key's user.")

    _sql_constraints = [
        ("model_unique", "unique(profile_id, model_id)", "A profile can hold only one rule per model."),
    ]

    @api.depends("model_id")
    def _compute_available_methods(self):
        registry = self.env["mcp.tool.registry"]
        for rule in self:
            buttons = registry._form_buttons(self.env[rule.model_name]) if rule.model_name in self.env else []
            rule.available_methods = ", ".join(
                "%s (%s)" % (b["method"], b["label"]) if b["label"] else b["method"] for b in buttons)

    @api.constrains("allowed_methods", "model_id")
    def _check_methods(self):
        for rule in self:
            model = self.env.get(rule.model_name)
            for name in rule._method_names():
                if name.startswith("_") or not name.isidentifier():
                    raise ValidationError(_("%s is not a public method name.", name))
                if model is not None and not callable(getattr(model, name, None)):
                    raise ValidationError(_("%(model)s has no method %(name)s. Its form buttons: %(buttons)s.",
                                            model=rule.model_name, name=name,
                                            buttons=rule.available_methods or _("none")))

    @api.constrains("server_action_ids", "model_id")
    def _check_server_actions(self):
        for rule in self:
            if any(action.model_id != rule.model_id for action in rule.server_action_ids):
                raise ValidationError(_("Server actions must belong to %s.", rule.model_name))

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
            "server_actions": frozenset(self.server_action_ids.ids),
        }

    def _method_names(self):
        self.ensure_one()
        return [name.strip() for name in (self.allowed_methods or "").replace(",", " ").split() if name.strip()]

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env["mcp.access.profile"]._post_rule_changes(_("added"), rules)
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env["mcp.access.profile"]._post_rule_changes(_("changed"), self)
        return result

    def unlink(self):
        self.env["mcp.access.profile"]._post_rule_changes(_("removed"), self)
        return super().unlink()
