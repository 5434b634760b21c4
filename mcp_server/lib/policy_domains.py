"""Domains and orders under an access policy (a part of ``AccessPolicy``, see ``models/mcp_access_policy.py``).

Every field a domain or an order names, also along dotted paths, is checked against the policy's field rules;
related paths get the record domain of the model they reach; sorting never reveals what the key may not read.
"""
import json
import re

from odoo import _
from odoo.osv import expression

from .domain_parser import DomainError, check_structure, parse_domain
from .jsonrpc import AccessDeniedByPolicy, ToolError

ORDER_TERM = re.compile(r"^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$", re.I)
MAX_DOMAIN_DEPTH = 4


class DomainAndOrderRules:
    """Needs ``check_model``, ``check_field_names``, ``record_domain``, ``name_search_field`` and
    ``_default_orders`` (a dict) of ``AccessPolicy``."""

    def secure_domain(self, model, domain):
        """Validate a search domain and AND it with the policy's record domain.

        Dotted paths (``partner_id.email``) become ``any`` sub-domains checked
        against the related model's own rule, record domain included.
        """
        try:
            domain = parse_domain(domain)
            check_structure(domain)
        except DomainError as exc:
            raise ToolError(_("Invalid domain: %s", exc)) from None
        secured = self._secure_terms(model, domain, depth=0)
        try:
            # Compile it (no query runs): operators and values the ORM cannot use fail here, clearly.
            model._where_calc(secured)
        except (ValueError, KeyError, TypeError) as exc:
            raise ToolError(_("Invalid domain: %(domain)s cannot be searched (%(error)s).",
                              domain=json.dumps(domain, default=str)[:300], error=exc)) from None
        scope = self.record_domain(model._name)
        return expression.AND([secured, scope]) if scope else secured

    def _secure_terms(self, model, domain, depth):
        if depth > MAX_DOMAIN_DEPTH:
            raise ToolError(_("The domain nests related paths too deeply (at most %s levels).", MAX_DOMAIN_DEPTH))
        return [term if isinstance(term, str) else self._secure_leaf(model, term, depth) for term in domain]

    def _secure_leaf(self, model, leaf, depth):
        path, operator, value = leaf
        first, _sep, rest = path.partition(".")
        if first == "display_name" and not rest:
            # display_name searches every _rec_names_search field (e.g. a partner's email): narrow it to what
            # the key may read, the record's own name at least.
            first = self.name_search_field(model) or first
        self.check_field_names(model, [first], "filter")
        field = model._fields[first]
        if rest or operator in ("any", "not any"):
            if not field.relational:
                raise ToolError(_("Field %(field)s of %(model)s is not relational; '%(path)s' cannot follow it.",
                                  field=first, model=model._name, path=path))
            comodel = self.check_model(model.env, field.comodel_name, "read")
            if rest:
                subdomain = self._secure_terms(comodel, [[rest, operator, value]], depth + 1)
                operator = "any"
            else:
                subdomain = self._secure_terms(comodel, value, depth + 1)
            subdomain = expression.AND([subdomain, self.record_domain(comodel._name)])
            return [first, operator, subdomain]
        if operator in ("child_of", "parent_of"):
            self._check_hierarchy(model, first, operator)
        if field.relational and self._compares_names(operator, value):
            # ('partner_id', 'ilike', 'Jo') searches the related records' names: the key must be able to read them.
            comodel = self.check_model(model.env, field.comodel_name, "read")
            if self.record_domain(comodel._name) or self.name_search_field(comodel) != "display_name":
                raise AccessDeniedByPolicy(_(
                    "Filtering %(field)s of %(model)s by name is not allowed with this key; filter by id instead.",
                    field=first, model=model._name))
        return [first, operator, value]

    def _check_hierarchy(self, model, name, operator):
        """``child_of`` and ``parent_of`` walk the parent field of the records compared (the model itself for
        ``id``), across every record of the hierarchy: that field must be allowed, and no record domain may hide
        some of those records."""
        field = model._fields[name]
        if name != "id" and not field.relational:
            return  # the ORM refuses the operator on a plain field
        target = model if name == "id" else self.check_model(model.env, field.comodel_name, "read")
        parent = target._parent_name
        if parent not in target._fields:
            return  # no hierarchy: the ORM compares ids only
        self.check_field_names(target, [parent], "filter")
        if self.record_domain(target._name):
            raise AccessDeniedByPolicy(_(
                "Filtering %(field)s of %(model)s with %(operator)s is not allowed with this key: it walks the "
                "%(target)s hierarchy, records outside this key's domain included; filter by id instead.",
                field=name, model=model._name, operator=operator, target=target._name))

    @staticmethod
    def _compares_names(operator, value):
        if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
            return True
        values = value if isinstance(value, (list, tuple)) else [value]
        return any(isinstance(v, str) for v in values)

    def check_order(self, model, order):
        """Return a safe ``order`` string made of allowed, sortable fields.

        Without ``order``, the model's default order when the key may read every field it sorts by, else the
        part of it the key may read (then ``id``).
        """
        if not order:
            return self._default_order(model)
        if not isinstance(order, str):
            raise ToolError(_("'order' must be a string such as 'name asc, id desc'."))
        terms = []
        for part in order.split(","):
            match = ORDER_TERM.match(part)
            if not match:
                raise ToolError(_("Invalid order term '%s': use 'field', 'field asc' or 'field desc'.", part.strip()))
            name = match.group(1)
            self.check_field_names(model, [name], "sort")
            field = model._fields[name]
            if name != "id" and not (field.store and field.column_type):
                # x2many fields are "stored" but have no column: the ORM cannot sort by them.
                raise ToolError(_("Field %s is not a stored column and cannot be used to sort.", name))
            if field.type == "many2one" and not self.many2one_sortable(model, name):
                raise AccessDeniedByPolicy(_(
                    "Sorting by %(field)s is not allowed with this key: it sorts by the %(comodel)s fields %(order)s, "
                    "which it may not read all of.", field=name, comodel=field.comodel_name,
                    order=model.env[field.comodel_name]._order))
            terms.append(part.strip())
        return ", ".join(terms)

    def many2one_sortable(self, model, name, depth=0):
        """Whether sorting by the many2one ``name`` (which sorts by the related model's ``_order``: names,
        sequences...) reveals only what the key may read."""
        comodel = model.env[model._fields[name].comodel_name]
        if depth > 2 or not self.allows(comodel._name, "read") or self.record_domain(comodel._name):
            return False
        terms = [ORDER_TERM.match(part) for part in (comodel._order or "id").split(",")]
        return all(term and self._sortable(comodel, term.group(1), depth + 1) for term in terms)

    def _sortable(self, model, name, depth=0):
        field = model._fields.get(name)
        return bool(field) and self.field_allowed(model, name) and (
            field.type != "many2one" or self.many2one_sortable(model, name, depth))

    def _default_order(self, model):
        if model._name not in self._default_orders:
            self._default_orders[model._name] = self._readable_default_order(model)
        return self._default_orders[model._name]

    def _readable_default_order(self, model):
        kept, complete = [], True
        for part in (model._order or "id").split(","):
            term = ORDER_TERM.match(part)
            if term and self._sortable(model, term.group(1)):
                kept.append(part.strip())
            else:
                complete = False
        if complete:
            return None
        return ", ".join(kept) or "id"
