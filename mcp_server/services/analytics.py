"""Grouped figures computed by the database (``_read_group``) under an access policy, never row by row.

``Analytics(env, policy)`` validates groupby, measures, order and having against the policy and runs one
grouped query as ``env``'s user. Money is never summed across currencies: with ``split_currency`` each
group carries its ``currency`` code. Refusals raise ``AccessDeniedByPolicy``, bad specs ``ToolError``.
"""
import datetime

from odoo import _
from odoo.models import READ_GROUP_NUMBER_GRANULARITY, READ_GROUP_TIME_GRANULARITY

from ..lib.jsonrpc import ToolError
from .record_access import RecordAccess

AGGREGATES = ("sum", "avg", "min", "max", "count", "count_distinct")
MAX_GROUPS = 2000
HAVING_OPERATORS = ("=", "!=", ">", ">=", "<", "<=")


class Analytics:
    """Grouped queries of one user under one policy."""

    def __init__(self, env, policy):
        self.env = env
        self.policy = policy

    def check_groupby(self, model, groupby):
        """``["field", "date_field:month", ...]`` ready for ``grouped``: fields the key may group by, stored;
        a date without granularity gets ``:month``. Granularities: day, week, month, quarter, year and
        ``_read_group``'s numbers (``day_of_week``, ``hour_number``...).
        Raises ``AccessDeniedByPolicy`` or ``ToolError``."""
        specs = []
        for spec in groupby or []:
            name, _sep, granularity = spec.partition(":")
            self.policy.check_field_names(model, [name], "group")
            field = model._fields[name]
            if not field.store:
                raise ToolError(_("Field %s is not stored and cannot be grouped by.", name))
            if granularity:
                if field.type not in ("date", "datetime"):
                    raise ToolError(_("Only date and datetime fields take a granularity; %s is a %s.",
                                      name, field.type))
                if granularity not in READ_GROUP_TIME_GRANULARITY and granularity not in READ_GROUP_NUMBER_GRANULARITY:
                    raise ToolError(_("Unknown granularity %(g)s; use one of %(all)s.", g=granularity,
                                      all=", ".join(list(READ_GROUP_TIME_GRANULARITY) +
                                                    list(READ_GROUP_NUMBER_GRANULARITY))))
            elif field.type in ("date", "datetime"):
                spec = "%s:month" % name
            specs.append(spec)
        return specs

    def check_measures(self, model, measures):
        """``["field:sum", "__count", ...]``: ``field:aggregate`` (sum, avg, min, max, count, count_distinct;
        sum when omitted) on stored fields the key may aggregate, ``__count`` for the number of records
        (the default). Raises ``AccessDeniedByPolicy``/``ToolError``."""
        specs = []
        for spec in measures or ["__count"]:
            if spec in ("__count", "count"):
                specs.append("__count")
                continue
            name, _sep, function = spec.partition(":")
            function = function or "sum"
            if function not in AGGREGATES:
                raise ToolError(_("Unknown aggregate %(f)s in %(spec)s; use one of %(all)s.", f=function, spec=spec,
                                  all=", ".join(AGGREGATES)))
            self.policy.check_field_names(model, [name], "aggregate")
            field = model._fields[name]
            if not field.store:
                raise ToolError(_("Field %s is not stored and cannot be aggregated.", name))
            if function in ("sum", "avg") and field.type not in ("integer", "float", "monetary"):
                raise ToolError(_("%(f)s needs a numeric field; %(name)s is a %(type)s.", f=function, name=name,
                                  type=field.type))
            specs.append("%s:%s" % (name, function))
        return specs

    @staticmethod
    def check_order(order, groupby, measures):
        """``order`` (``"amount_total:sum desc, partner_id"``) over this query's groupby and measures only,
        normalised; None when empty. Raises ``ToolError``."""
        if not order:
            return None
        terms = []
        for term in order.split(","):
            parts = term.split()
            if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
                raise ToolError(_("Invalid order %s: use e.g. 'amount_total:sum desc'.", term.strip()))
            if parts[0] not in groupby and parts[0] not in measures:
                raise ToolError(_("Order by %(term)s: only the groupby fields and measures of this call can be used "
                                  "(%(allowed)s).", term=parts[0], allowed=", ".join(groupby + measures)))
            terms.append(" ".join(parts))
        return ", ".join(terms)

    @staticmethod
    def check_having(having, measures):
        """``having`` as ``_read_group`` takes it: ``[(measure, operator, value)]`` on this query's measures.
        Raises ``ToolError`` for another shape."""
        if having in (None, []):
            return []
        shape = _("having: give a list of [measure, operator, number] conditions with a measure of this call (%s), "
                  "e.g. [[\"%s\", \">\", 10]].", ", ".join(measures), measures[0])
        if not isinstance(having, list):
            raise ToolError(shape)
        leaves = []
        for leaf in having:
            if not (isinstance(leaf, list) and len(leaf) == 3 and isinstance(leaf[0], str) and leaf[0] in measures):
                raise ToolError(shape)
            if not isinstance(leaf[1], str) or leaf[1] not in HAVING_OPERATORS:
                raise ToolError(_("having: operator %s is not supported; use =, !=, >, >=, <, <=.",
                                  str(leaf[1])[:20]))
            if isinstance(leaf[2], bool) or not isinstance(leaf[2], (int, float, str)):
                raise ToolError(_("having: the value compared with %s must be a number (or a date as text for the "
                                  "minimum or maximum of a date).", leaf[0]))
            leaves.append(tuple(leaf))
        return leaves

    def hides_comodel(self, model, spec):
        """Whether sorting groups of the many2one ``spec`` by name would reveal names the key may not read."""
        name = spec.split(":")[0]
        return model._fields[name].type == "many2one" and not self.policy.many2one_sortable(model, name)

    def grouped(self, model, domain, groupby, measures, having=None, order=None, limit=None, offset=0,
                split_currency=False):
        """``[{groupby spec: value, measure: number}]``: one ``_read_group`` as the user.

        ``domain`` must already be secured (``policy.secure_domain``), ``groupby``/``measures``/``order``
        checked (``check_*``). many2one values are ``{id, name}`` (the name only when the key may see it),
        dates ``YYYY-MM-DD``, floats rounded to 6 decimals; at most ``MAX_GROUPS`` groups.
        ``split_currency``: money measures are summed per currency and each group has a ``currency`` code.
        """
        limit = min(limit or MAX_GROUPS, MAX_GROUPS)
        if not order and any(self.hides_comodel(model, spec) for spec in groupby):
            # The default order of a many2one group is the related records' names: do not reveal it.
            order = "%s desc" % measures[0]
        currency = self._currency_field(model, measures) if split_currency else None
        specs = [*groupby, currency] if currency and currency not in groupby else groupby
        rows = model._read_group(domain, specs, measures, having=having or (), offset=offset, limit=limit,
                                 order=order)
        if not rows and not groupby and specs:  # no record at all: one empty total, as without the split
            specs, currency = [], None
            rows = model._read_group(domain, [], measures, having=having or ())
        labels = self._group_labels(model, groupby, rows)
        groups = []
        for row in rows:
            group = {spec: _format_group_value(model, spec, row[index], labels) for index, spec in enumerate(groupby)}
            if currency:
                group["currency"] = row[specs.index(currency)].name or None
            for index, spec in enumerate(measures, start=len(specs)):
                value = row[index]
                group[spec] = round(value, 6) if isinstance(value, float) else value
            groups.append(group)
        return groups

    def currency_of(self, model, measures, groups=None):
        """The one currency code of the money measures: from ``groups`` when split by currency (None when
        they hold several), else the company's; None without money measures."""
        if not any(model._fields[m.split(":")[0]].type == "monetary" for m in measures if m != "__count"):
            return None
        if groups is not None and self._currency_field(model, measures):
            codes = {group.get("currency") for group in groups}
            return codes.pop() if len(codes) == 1 else None
        return model.env.company.currency_id.name

    @staticmethod
    def _currency_field(model, measures):
        """The stored currency field of the money measures, by which their sums are split; None if there is none."""
        for measure in measures:
            field = model._fields.get(measure.split(":")[0])
            if field is not None and field.type == "monetary":
                currency = model._fields.get(field.get_currency_field(model) or "")
                if currency is not None and currency.store and currency.column_type:
                    return currency.name
        return None

    def _group_labels(self, model, groupby, rows):
        """{(groupby spec, record id): name} for many2one groups the key may see."""
        records = RecordAccess(self.env, self.policy)
        labels = {}
        for index, spec in enumerate(groupby):
            field = model._fields[spec.split(":")[0]]
            if field.type != "many2one":
                continue
            ids = {row[index].id for row in rows if row[index]}
            for record_id, label in records.visible_names(self.env[field.comodel_name], ids).items():
                labels[(spec, record_id)] = label
        return labels


def _format_group_value(model, spec, value, labels):
    name, _sep, granularity = spec.partition(":")
    field = model._fields[name]
    if field.type == "many2one":
        if not value:
            return None
        label = labels.get((spec, value.id))
        return {"id": value.id, "name": label} if label is not None else {"id": value.id}
    if field.type in ("many2many", "one2many"):
        return value.ids if value else []
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if granularity in READ_GROUP_TIME_GRANULARITY else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is False and field.type != "boolean":
        return None
    return value


def group_key(value):
    """A hashable key of a formatted group value (``{id, name}`` → id, lists → tuples)."""
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, list):
        return tuple(value)
    return value
