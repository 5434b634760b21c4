"""The access policy of one credential, enforced on every path data can take.

Default deny: a model not listed in the credential's profile is unreachable.
Odoo's own access rights and record rules apply on top, since every call runs
as the credential's user.
"""
import json

from odoo import _
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools.translate import LazyTranslate

from ..lib.field_rules import DENIED, WITHHELD, FieldRules, Refusal
from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.policy_domains import DomainAndOrderRules
from ..lib.suggestions import did_you_mean
from .mcp_tool_registry import RISK_LEVELS

_lt = LazyTranslate(__name__)
ALWAYS_READABLE = ("id",)
PURPOSES = {
    "filter": _lt("filter"), "sort": _lt("sort"), "read": _lt("read"), "write": _lt("write"),
    "group": _lt("group by"), "aggregate": _lt("aggregate"), "describe": _lt("describe"),
}
SCOPE_MAX_RISK = {"read_only": "read", "read_write": "write", "full": "admin"}
SCOPE_OPERATIONS = {
    "read_only": frozenset({"read"}),
    "read_write": frozenset({"read", "create", "write"}),
    "full": frozenset({"read", "create", "write", "unlink"}),
}
NO_GOVERNANCE = {
    "scope": "full", "tools": None, "approval_tools": frozenset(), "approval_risks": frozenset(),
    "rate_limit_minute": 0, "rate_limit_day": 0, "ip_allow": (), "ip_deny": (),
}


class AccessPolicy(DomainAndOrderRules):
    """Immutable view of a profile's rules with the checks the tools need."""

    def __init__(self, entries, governance=None):
        # entries: {model_name: {"operations": frozenset, "domain": json str|None, "fields": frozenset|None}}
        self.governance = governance or dict(NO_GOVERNANCE)
        cap = SCOPE_OPERATIONS[self.governance["scope"]]
        self._entries = {
            model: dict(entry, operations=entry["operations"] & cap) for model, entry in entries.items()
        }
        self._field_rules = FieldRules(self)
        self._default_orders = {}

    # -- tools --------------------------------------------------------------
    def max_risk(self):
        """The highest risk level the scope preset allows."""
        return SCOPE_MAX_RISK[self.governance["scope"]]

    def risk_allowed(self, risk):
        return RISK_LEVELS.index(risk) <= RISK_LEVELS.index(self.max_risk())

    def tool_allowed(self, spec):
        """Whether the scope preset and the tool allowlist let the key use this tool. A companion tool (one
        following up what another starts, ``spec.companion_of``) goes with that tool, or is listed itself."""
        if not self.risk_allowed(spec.risk):
            return False
        tools = self.governance["tools"]
        if spec.companion_of is not None:
            return self.tool_allowed(spec.companion_of) or (tools is not None and spec.name in tools)
        return tools is None or spec.name in tools or spec.always_allowed

    def needs_confirmation(self, spec, risk=None):
        """Whether a person confirms this call in the client before it changes anything."""
        governance = self.governance
        return spec.risk != "read" and (spec.name in governance.get("confirm_tools", ()) or (
            risk or spec.risk) in governance.get("confirm_risks", ()))

    def needs_approval(self, spec, risk=None):
        return spec.name in self.governance["approval_tools"] or (risk or spec.risk) in self.governance[
            "approval_risks"]

    # -- models and operations -------------------------------------------
    def model_names(self):
        return sorted(self._entries)

    def allows(self, model_name, operation="read"):
        entry = self._entries.get(model_name)
        return bool(entry and operation in entry["operations"])

    def operations(self, model_name):
        entry = self._entries.get(model_name)
        return sorted(entry["operations"]) if entry else []

    def check_model(self, env, model_name, operation="read"):
        """Return the model (as the user) or raise a denial naming what is not allowed."""
        if not isinstance(model_name, str) or not model_name:
            raise ToolError(_("Give the technical model name, e.g. 'res.partner'."))
        if model_name not in self._entries:
            if model_name not in env:
                raise ToolError(_("Model '%(model)s' does not exist.%(hint)s", model=model_name,
                                  hint=did_you_mean(model_name, self._entries)))
            raise AccessDeniedByPolicy(_(
                "Model '%s' is not allowed for this key: its access profile has no rule for it. An MCP "
                "administrator can add one under MCP Server → Configuration → Access Profiles.", model_name))
        if operation not in self._entries[model_name]["operations"]:
            raise AccessDeniedByPolicy(_(
                "Operation '%(op)s' on '%(model)s' is not allowed for this key (allowed: %(allowed)s).",
                op=operation, model=model_name, allowed=", ".join(self.operations(model_name)) or _("nothing")))
        if model_name not in env:
            raise ToolError(_("Model '%s' is not installed in this database.", model_name))
        return env[model_name]

    def method_allowed(self, model_name, method):
        entry = self._entries.get(model_name)
        return bool(entry and method in entry.get("methods", ()))

    def server_action_ids(self):
        """``{model: ids}`` of the server actions the key may run, per model."""
        return {model: entry["server_actions"] for model, entry in self._entries.items()
                if entry.get("server_actions")}

    def record_domain(self, model_name):
        entry = self._entries.get(model_name)
        return json.loads(entry["domain"]) if entry and entry["domain"] else []

    def has_field_allowlist(self, model_name):
        entry = self._entries.get(model_name)
        return bool(entry and entry["fields"] is not None)

    # -- fields -------------------------------------------------------------
    def entry(self, model_name):
        """The rule of ``model_name`` (operations, domain, fields, methods), or None."""
        return self._entries.get(model_name)

    def field_refusal(self, model, field_name, operation="read"):
        """Why the policy refuses ``field_name`` for ``operation`` ('read' or 'write'), as a
        :class:`~..lib.field_rules.Refusal`, or None when it is allowed (see :mod:`..lib.field_rules`)."""
        if model._name not in self._entries:
            return Refusal(DENIED, _lt("%(model)s is not allowed for this key", model=model._name))
        if field_name in ALWAYS_READABLE:
            return None
        if field_name not in model._fields:
            return Refusal(DENIED, _lt("%(field)s does not exist", field=field_name))
        return self._field_rules.refusal(model, field_name, operation)

    def field_allowed(self, model, field_name, operation="read"):
        """Whether the policy lets this field be read (or written, with ``operation='write'``)."""
        return self.field_refusal(model, field_name, operation) is None

    def withheld_fields(self, model, names):
        """``{field: reason}`` of the computed fields among ``names`` that reads leave out."""
        withheld = {}
        for name in names:
            refusal = self.field_refusal(model, name)
            if refusal and refusal.kind == WITHHELD:
                withheld[name] = refusal.message(model.env)
        return withheld

    def label_field(self, model):
        """The field that labels a record for this key: ``display_name`` when its sources are readable,
        else the record's own name (``_rec_name``), else None."""
        if self.field_allowed(model, "display_name"):
            return "display_name"
        rec_name = model._rec_name
        if rec_name and rec_name in model._fields and model._fields[rec_name].type in ("char", "text") \
                and self.field_allowed(model, rec_name):
            return rec_name
        return None

    def name_search_field(self, model):
        """The field a name search may look in: ``display_name`` when every field Odoo's name search matches
        (``_rec_names_search``) is readable too, else the record's own name, else None."""
        label = self.label_field(model)
        if label == "display_name" and not all(
                name in model._fields and self.field_allowed(model, name) for name in model._rec_names_search or ()):
            rec_name = model._rec_name
            return rec_name if rec_name in model._fields and self.field_allowed(model, rec_name) else None
        return label

    def readable_field_names(self, model):
        """Every field the user may read and the policy allows."""
        env = model.env
        return [
            name for name, field in model._fields.items()
            if (field.is_accessible(env) or env.su) and self.field_allowed(model, name)
        ]

    def check_field_names(self, model, names, purpose):
        """Validate field names (existence with suggestions, then the policy).

        ``purpose`` is a key of :data:`PURPOSES`, translated only when a message is built. Computed fields
        whose sources the key may not read are refused for every purpose but reading and describing (reads
        leave them out and name them in ``failed_fields``). Any other ``purpose`` (a translated word, say)
        raises ``ValueError``: it is a programming error, not a refusal.
        """
        if purpose not in PURPOSES:
            raise ValueError("purpose must be one of %s, not %r" % (", ".join(PURPOSES), purpose))
        env = model.env
        unknown = [n for n in names if n not in model._fields]
        if unknown:
            raise ToolError(_(
                "Unknown field(s) on %(model)s: %(fields)s.%(hint)s", model=model._name,
                fields=", ".join(unknown), hint=did_you_mean(unknown[0], self.readable_field_names(model))))
        operation = "write" if purpose == "write" else "read"
        refusals = {}
        for name in names:
            refusal = self.field_refusal(model, name, operation)
            if refusal and (refusal.kind == DENIED or purpose not in ("read", "describe")):
                refusals[name] = refusal
        if refusals:
            reasons = "; ".join(r.message(env) for r in refusals.values() if not r.plain)
            raise AccessDeniedByPolicy(_(
                "Field(s) %(fields)s of %(model)s may not be used to %(purpose)s with this key%(reasons)s.",
                fields=", ".join(refusals), model=model._name, purpose=PURPOSES[purpose],
                reasons=": %s" % reasons if reasons else ""))
        hidden = [n for n in names if not model._fields[n].is_accessible(env)]
        if hidden:
            raise AccessDeniedByPolicy(_(
                "Field(s) %(fields)s of %(model)s are restricted to other user groups.",
                fields=", ".join(hidden), model=model._name))

    # -- records ------------------------------------------------------------
    def check_ids_in_scope(self, model, ids):
        """Raise a denial unless every id is a record within the policy's domain."""
        ids = list(dict.fromkeys(ids))
        domain = expression.AND([[("id", "in", ids)], self.record_domain(model._name)])
        found = set(model.with_context(active_test=False).search(domain).ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise AccessDeniedByPolicy(_(
                "Record(s) %(ids)s of %(model)s are not accessible with this key (they do not exist, "
                "or are outside the records it may reach).", ids=missing, model=model._name))
        return model.browse(ids)

    def ids_in_scope(self, model, ids):
        """The subset of ``ids`` the policy lets the key see (for relational labels).

        A search as the user, never ``exists()``, which ignores record rules.
        """
        if not ids or not self.allows(model._name, "read"):
            return set()
        in_scope = expression.AND([[("id", "in", list(ids))], self.record_domain(model._name)])
        try:
            return set(model.with_context(active_test=False).search(in_scope).ids)
        except AccessError:
            return set()

