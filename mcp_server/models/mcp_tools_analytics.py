"""Analytics tools: grouped aggregates computed by the database (``_read_group``), never row by row."""
import datetime
import itertools

from odoo import _, api, models
from odoo.models import READ_GROUP_NUMBER_GRANULARITY, READ_GROUP_TIME_GRANULARITY
from odoo.osv import expression

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.periods import ONE_DAY, day_range_domain, first_weekday, unit_starts, user_tz
from ..lib.tool_schema import Lenient, json_array_schema
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import CONTEXT, DOMAIN, MODEL

AGGREGATES = ("sum", "avg", "min", "max", "count", "count_distinct")
GRANULARITIES = ("day", "week", "month", "quarter", "year")
MAX_GROUPS = 2000
MAX_PERIODS = 400
GROUPBY = {
    "type": "array", "items": {"type": "string"},
    "description": "Fields; dates take :day/week/month/quarter/year, e.g. date_order:month",
}
MEASURES = {
    "type": "array", "items": {"type": "string"},
    "description": "'field:sum' (avg, min, max, count, count_distinct) or '__count' (default).",
}
PERIOD = {
    "type": "object", "description": "YYYY-MM-DD, both days included.",
    "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
    "required": ["from", "to"], "additionalProperties": False,
}
CURRENCY_OUTPUT = {"type": ["string", "null"],
                   "description": "Currency of the money measures; null when several: see each group's currency."}
TIMEZONE_OUTPUT = {"type": "string", "description": "Days, weeks, months are counted in this time zone."}
GROUPS_OUTPUT = {
    "type": "object",
    "properties": {"model": {"type": "string"}, "groups": {"type": "array", "items": {"type": "object"}},
                   "count": {"type": "integer"}, "currency": CURRENCY_OUTPUT, "timezone": TIMEZONE_OUTPUT},
    "required": ["model", "groups", "count"],
}


class McpToolsAnalytics(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    # ------------------------------------------------------------------
    # Shared validation and formatting
    # ------------------------------------------------------------------
    @api.model
    def _check_groupby(self, model, policy, groupby):
        specs = []
        for spec in groupby or []:
            name, _sep, granularity = spec.partition(":")
            policy.check_field_names(model, [name], "group")
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

    @api.model
    def _check_measures(self, model, policy, measures):
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
            policy.check_field_names(model, [name], "aggregate")
            field = model._fields[name]
            if not field.store:
                raise ToolError(_("Field %s is not stored and cannot be aggregated.", name))
            if function in ("sum", "avg") and field.type not in ("integer", "float", "monetary"):
                raise ToolError(_("%(f)s needs a numeric field; %(name)s is a %(type)s.", f=function, name=name,
                                  type=field.type))
            specs.append("%s:%s" % (name, function))
        return specs

    @api.model
    def _check_aggregate_order(self, order, groupby, measures):
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

    @api.model
    def _group_labels(self, model, policy, groupby, rows):
        """{(groupby spec, record id): name} for many2one groups the key may see."""
        labels = {}
        for index, spec in enumerate(groupby):
            field = model._fields[spec.split(":")[0]]
            if field.type != "many2one":
                continue
            ids = {row[index].id for row in rows if row[index]}
            for record_id, label in self._visible_names(self.env[field.comodel_name], ids, policy).items():
                labels[(spec, record_id)] = label
        return labels

    @api.model
    def _format_group_value(self, model, spec, value, labels):
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

    @api.model
    def _hides_comodel(self, model, policy, spec):
        name = spec.split(":")[0]
        return model._fields[name].type == "many2one" and not policy.many2one_sortable(model, name)

    @api.model
    def _currency_field(self, model, measures):
        """The stored currency field of the money measures, by which their sums are split; None if there is none."""
        for measure in measures:
            field = model._fields.get(measure.split(":")[0])
            if field is not None and field.type == "monetary":
                currency = model._fields.get(field.get_currency_field(model) or "")
                if currency is not None and currency.store and currency.column_type:
                    return currency.name
        return None

    @api.model
    def _currency_of(self, model, measures, groups=None):
        """The one currency of the money measures: from the groups when split by currency, else the company's."""
        if not any(model._fields[m.split(":")[0]].type == "monetary" for m in measures if m != "__count"):
            return None
        if groups is not None and self._currency_field(model, measures):
            codes = {group.get("currency") for group in groups}
            return codes.pop() if len(codes) == 1 else None
        return model.env.company.currency_id.name

    @api.model
    def _grouped(self, call, args, model, domain, groupby, measures, having=None, order=None, limit=None,
                 offset=0, split_currency=False):
        """Run one ``_read_group`` within the policy and shape the groups as dicts.

        ``split_currency``: money measures are summed per currency (each group says which), never across.
        """
        limit = min(limit or MAX_GROUPS, MAX_GROUPS)
        if not order and any(self._hides_comodel(model, call.policy, spec) for spec in groupby):
            # The default order of a many2one group is the related records' names: do not reveal it.
            order = "%s desc" % measures[0]
        currency = self._currency_field(model, measures) if split_currency else None
        specs = [*groupby, currency] if currency and currency not in groupby else groupby
        rows = model._read_group(domain, specs, measures, having=having or (), offset=offset, limit=limit,
                                 order=order)
        if not rows and not groupby and specs:  # no record at all: one empty total, as without the split
            specs, currency = [], None
            rows = model._read_group(domain, [], measures, having=having or ())
        labels = self._group_labels(model, call.policy, groupby, rows)
        groups = []
        for row in rows:
            group = {}
            for index, spec in enumerate(groupby):
                group[spec] = self._format_group_value(model, spec, row[index], labels)
            if currency:
                group["currency"] = row[specs.index(currency)].name or None
            for index, spec in enumerate(measures, start=len(specs)):
                value = row[index]
                group[spec] = round(value, 6) if isinstance(value, float) else value
            groups.append(group)
        return groups

    @api.model
    def _check_having(self, having, measures):
        """``having`` as ``_read_group`` takes it: [measure, operator, value] conditions on this call's measures."""
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
            if not isinstance(leaf[1], str) or leaf[1] not in ("=", "!=", ">", ">=", "<", "<="):
                raise ToolError(_("having: operator %s is not supported; use =, !=, >, >=, <, <=.",
                                  str(leaf[1])[:20]))
            if isinstance(leaf[2], bool) or not isinstance(leaf[2], (int, float, str)):
                raise ToolError(_("having: the value compared with %s must be a number (or a date as text for the "
                                  "minimum or maximum of a date).", leaf[0]))
            leaves.append(tuple(leaf))
        return leaves

    @api.model
    def _analytics_model(self, call, args):
        model = self._model_env(call, args["model"], "read", args.get("context"))
        call.note(model=model._name)
        return model, call.policy.secure_domain(model, args.get("domain"))

    # ------------------------------------------------------------------
    # Tools
    # ------------------------------------------------------------------
    @mcp_tool(
        "aggregate", "Aggregate records",
        "Grouped totals by the database (sum, avg, min, max, count per group): use it instead of reading many "
        "records.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN, "groupby": GROUPBY, "measures": MEASURES,
            "having": json_array_schema("Filter on aggregates as JSON text, e.g. [[\"amount_total:sum\", \">\", 1000]]"
                                        " (a JSON array is taken too)."),
            "order": {"type": "string", "description": "e.g. 'amount_total:sum desc'."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_GROUPS},
            "offset": {"type": "integer", "minimum": 0},
            "context": CONTEXT},
         "required": ["model"], "additionalProperties": False},
        GROUPS_OUTPUT, operation="read")
    def _tool_aggregate(self, call, args):
        model, domain = self._analytics_model(call, args)
        groupby = self._check_groupby(model, call.policy, args.get("groupby"))
        measures = self._check_measures(model, call.policy, args.get("measures"))
        having = self._check_having(args.get("having"), measures)
        order = self._check_aggregate_order(args.get("order"), groupby, measures)
        ordered = [term.split()[0] for term in (order or "").split(",") if term.strip()]
        hidden = [name for name in ordered if name in groupby and self._hides_comodel(model, call.policy, name)]
        if hidden:
            # Groups of a many2one are sorted by the related records' names.
            raise AccessDeniedByPolicy(_("Sorting by %(field)s is not allowed with this key: it would reveal the "
                                         "order of names it may not read.", field=hidden[0]))
        groups = self._grouped(call, args, model, domain, groupby, measures, having, order, args.get("limit"),
                               args.get("offset") or 0, split_currency=True)
        return {"model": model._name, "groups": groups, "count": len(groups),
                "currency": self._currency_of(model, measures, groups), "timezone": user_tz(model.env).zone}

    @mcp_tool(
        "top_n", "Top N",
        "The N groups with the highest (or lowest) value of a measure, e.g. the 10 best customers by revenue.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "groupby": {"type": "string", "description": "The field to rank, e.g. 'partner_id'."},
            "measure": {"type": "string", "description": "e.g. 'amount_total:sum' or '__count'."},
            "n": {"type": "integer", "minimum": 1, "maximum": 100, "description": "How many (default 10)."},
            "ascending": {"type": "boolean", "description": "Lowest first instead of highest."},
            "context": CONTEXT},
         "required": ["model", "groupby"], "additionalProperties": False},
        GROUPS_OUTPUT, operation="read")
    def _tool_top_n(self, call, args):
        model, domain = self._analytics_model(call, args)
        groupby = self._check_groupby(model, call.policy, [args["groupby"]])
        measures = self._check_measures(model, call.policy, [args.get("measure") or "__count"])
        order = "%s %s" % (measures[0], "asc" if args.get("ascending") else "desc")
        groups = self._grouped(call, args, model, domain, groupby, measures, order=order, limit=args.get("n") or 10,
                               split_currency=True)
        for rank, group in enumerate(groups, start=1):
            group["rank"] = rank
        return {"model": model._name, "groups": groups, "count": len(groups),
                "currency": self._currency_of(model, measures, groups), "timezone": user_tz(model.env).zone}

    @mcp_tool(
        "pivot", "Pivot table",
        "A table of one measure with row groups by column groups, with row, column and grand totals.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "rows": GROUPBY, "columns": {"type": "string", "description": "One field (with granularity for dates)."},
            "measure": {"type": "string", "description": "e.g. 'amount_total:sum' (default '__count')."},
            "context": CONTEXT},
         "required": ["model", "rows", "columns"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "measure": {"type": "string"}, "columns": {"type": "array"},
            "rows": {"type": "array", "items": {"type": "object"}}, "column_totals": {"type": "object"},
            "grand_total": {"type": ["number", "null"]}, "currency": CURRENCY_OUTPUT,
            "grand_totals": {"type": "object", "description": "Per currency, when the amounts are in several."},
            "timezone": TIMEZONE_OUTPUT},
         "required": ["model", "columns", "rows"]},
        operation="read")
    def _tool_pivot(self, call, args):
        model, domain = self._analytics_model(call, args)
        rows = self._check_groupby(model, call.policy, args["rows"])
        column = self._check_groupby(model, call.policy, [args["columns"]])[0]
        measure = self._check_measures(model, call.policy, [args.get("measure") or "__count"])[0]
        groups = self._grouped(call, args, model, domain, [*rows, column], [measure], split_currency=True)
        currency = self._currency_of(model, [measure], groups)
        split = bool(groups) and "currency" in groups[0] and currency is None  # amounts in several currencies
        columns, table, totals = [], {}, {}
        for group in groups:
            column_key = group_key(group[column])
            if column_key not in columns:
                columns.append(column_key)
            row = {spec: group[spec] for spec in rows}
            if split:
                row["currency"] = group["currency"]
            entry = table.setdefault(tuple(group_key(v) for v in row.values()), {"row": row, "values": {}, "total": 0})
            value = group[measure] or 0
            entry["values"][column_key] = value
            entry["total"] += value
            column_totals = totals.setdefault(group["currency"] if split else None, {})
            column_totals[column_key] = column_totals.get(column_key, 0) + value
        result = {"model": model._name, "measure": measure, "columns": columns, "rows": list(table.values()),
                  "currency": currency, "timezone": user_tz(model.env).zone}
        if split:
            return dict(result, column_totals=totals, grand_total=None,
                        grand_totals={code: sum(values.values()) for code, values in totals.items()})
        column_totals = totals.get(None, {})
        return dict(result, column_totals=column_totals, grand_total=sum(column_totals.values()))

    @mcp_tool(
        "timeseries", "Time series",
        "One measure per period between two dates (days in the user's time zone, stated; empty periods as 0), "
        "optionally beside the previous period. Several currencies: by_currency per point.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "date_field": {"type": "string", "description": "e.g. 'date_order'."},
            "granularity": {"type": "string", "enum": list(GRANULARITIES)},
            "measure": {"type": "string", "description": "e.g. 'amount_total:sum' (default '__count')."},
            "date_from": {"type": "string", "description": "YYYY-MM-DD"},
            "date_to": {"type": "string", "description": "YYYY-MM-DD (included)"},
            "compare_previous": {"type": "boolean"}, "context": CONTEXT},
         "required": ["model", "date_field", "granularity", "date_from", "date_to"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "measure": {"type": "string"}, "granularity": {"type": "string"},
            "series": {"type": "array", "items": {"type": "object"}}, "total": {"type": ["number", "null"]},
            "previous_total": {"type": ["number", "null"]}, "currency": CURRENCY_OUTPUT,
            "totals_by_currency": {"type": "object"}, "timezone": TIMEZONE_OUTPUT},
         "required": ["model", "series"]},
        operation="read")
    def _tool_timeseries(self, call, args):
        model, domain = self._analytics_model(call, args)
        date_field, granularity = args["date_field"], args["granularity"]
        groupby = self._check_groupby(model, call.policy, ["%s:%s" % (date_field, granularity)])
        measure = self._check_measures(model, call.policy, [args.get("measure") or "__count"])[0]
        start, end = _parse_day(args["date_from"], "date_from"), _parse_day(args["date_to"], "date_to")
        if end < start:
            raise ToolError(_("date_to is before date_from."))
        periods = self._period_starts(model, start, end, granularity)
        values, currency = self._period_values(call, args, model, domain, groupby[0], measure, start, end)
        series = [_series_point(period, values) for period in periods]
        result = {"model": model._name, "measure": measure, "granularity": granularity, "series": series,
                  "currency": currency, "timezone": user_tz(model.env).zone}
        result.update(_series_totals(values))
        if args.get("compare_previous"):
            prev_start, prev_end = start - (end - start + ONE_DAY), start - ONE_DAY
            previous, _currency = self._period_values(call, args, model, domain, groupby[0], measure,
                                                      prev_start, prev_end)
            for point, period in zip(series, self._period_starts(model, prev_start, prev_end, granularity),
                                     strict=False):
                point["previous_period"] = period.isoformat()
                if len(previous) > 1:
                    point["previous_by_currency"] = {code: days.get(period, 0) for code, days in previous.items()}
                else:
                    point["previous_value"] = next(iter(previous.values()), {}).get(period, 0)
            result["previous_total"] = _series_totals(previous)["total"]
        return result

    @api.model
    def _period_starts(self, model, start, end, granularity):
        """The buckets of ``start``..``end``, weeks starting on the language's first day as ``_read_group``'s."""
        periods = unit_starts(start, end, granularity, first_weekday(model.env), limit=MAX_PERIODS + 1)
        if len(periods) > MAX_PERIODS:
            raise ToolError(_("Too many periods (over %s): use a coarser granularity or a shorter range.",
                              MAX_PERIODS))
        return periods

    @api.model
    def _period_values(self, call, args, model, domain, groupby, measure, start, end):
        """``({currency or None: {bucket day: value}}, currency)`` of the days ``start``..``end``, user's tz."""
        date_field = model._fields[groupby.split(":")[0]]
        period_domain = expression.AND([domain, day_range_domain(date_field, start, end, user_tz(model.env))])
        groups = self._grouped(call, args, model, period_domain, [groupby], [measure], limit=MAX_GROUPS,
                               split_currency=True)
        values = {}
        for group in groups:
            if group[groupby]:
                day = datetime.date.fromisoformat(group[groupby][:10])
                values.setdefault(group.get("currency"), {})[day] = group[measure] or 0
        return values, self._currency_of(model, [measure], groups)

    @mcp_tool(
        "compare_periods", "Compare two periods",
        "Measures over two date ranges side by side, overall or per group, with the difference and the change "
        "in %.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "date_field": {"type": "string"}, "measures": MEASURES, "groupby": GROUPBY,
            "period_a": PERIOD, "period_b": PERIOD, "context": CONTEXT},
         "required": ["model", "date_field", "period_a", "period_b"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "rows": {"type": "array", "items": {"type": "object"}},
            "currency": CURRENCY_OUTPUT, "timezone": TIMEZONE_OUTPUT}, "required": ["model", "rows"]},
        operation="read")
    def _tool_compare_periods(self, call, args):
        model, domain = self._analytics_model(call, args)
        call.policy.check_field_names(model, [args["date_field"]], "filter")
        groupby = self._check_groupby(model, call.policy, args.get("groupby"))
        measures = self._check_measures(model, call.policy, args.get("measures"))
        results = []
        for key in ("period_a", "period_b"):
            start = _parse_day(args[key]["from"], "%s.from" % key)
            end = _parse_day(args[key]["to"], "%s.to" % key)
            period_domain = expression.AND([domain, day_range_domain(
                model._fields[args["date_field"]], start, end, user_tz(model.env))])
            results.append(self._grouped(call, args, model, period_domain, groupby, measures, split_currency=True))
        rows = {}
        for label, groups in zip(("a", "b"), results, strict=True):
            for group in groups:
                row = {spec: group[spec] for spec in groupby}
                if "currency" in group:  # money: one row per currency, never summed across
                    row["currency"] = group["currency"]
                row = rows.setdefault(tuple(group_key(value) for value in row.values()), row)
                for measure in measures:
                    row.setdefault(measure, {"a": 0, "b": 0})[label] = group[measure] or 0
        for row in rows.values():
            for measure in measures:
                values = row.setdefault(measure, {"a": 0, "b": 0})
                values["delta"] = values["b"] - values["a"]
                values["delta_pct"] = round(values["delta"] * 100.0 / values["a"], 2) if values["a"] else None
        return {"model": model._name, "rows": list(rows.values()), "timezone": user_tz(model.env).zone,
                "currency": self._currency_of(model, measures, [*results[0], *results[1]])}

    @mcp_tool(
        "funnel", "Funnel",
        "Counts per stage of a selection or many2one field (e.g. CRM stage), how many reached each stage or "
        "later, and the conversion.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "stage_field": {"type": "string", "description": "e.g. 'stage_id' or 'state'."},
            "stages": {"type": "array", "items": Lenient({"type": "string"}, ("string", "integer")),
                       "description": "Stage keys or ids in funnel order; default: the field's own order."},
            "context": CONTEXT},
         "required": ["model", "stage_field"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "stages": {"type": "array"},
            "overall_conversion_pct": {"type": ["number", "null"]}}, "required": ["model", "stages"]},
        operation="read")
    def _tool_funnel(self, call, args):
        model, domain = self._analytics_model(call, args)
        name = args["stage_field"]
        groupby = self._check_groupby(model, call.policy, [name])
        field = model._fields[name]
        if field.type not in ("selection", "many2one"):
            raise ToolError(_("The stage field must be a selection or many2one field; %s is a %s.", name, field.type))
        groups = self._grouped(call, args, model, domain, groupby, ["__count"])
        counts = {group_key(g[name]): g["__count"] for g in groups}
        labels = {group_key(g[name]): g[name] for g in groups}
        if args.get("stages"):
            # Ids of a many2one stage may come as text (the schema declares strings).
            order = [int(key) if field.type == "many2one" and isinstance(key, str) and key.isdigit() else key
                     for key in args["stages"]]
        elif field.type == "selection":
            order = [key for key, _label in field._description_selection(model.env)]
        elif self._hides_comodel(model, call.policy, name):
            # Stages sorted by names (or sequences) the key may not read would reveal them: sort by id.
            order = sorted(counts, key=lambda key: (key is None, key or 0))
        else:
            order = [group_key(g[name]) for g in self._grouped(call, args, model, domain, groupby, ["__count"],
                                                          order="%s asc" % name)]
        selection = dict(field._description_selection(model.env)) if field.type == "selection" else {}
        stages, reached = [], 0
        for key in reversed(order):
            reached += counts.get(key, 0)
            label = selection.get(key) if field.type == "selection" else (labels.get(key) or {}).get("name")
            stages.append({"stage": key, "label": label, "count": counts.get(key, 0), "reached": reached})
        stages.reverse()
        for previous, stage in itertools.pairwise(stages):
            stage["conversion_pct"] = round(stage["reached"] * 100.0 / previous["reached"], 2) \
                if previous["reached"] else None
        overall = round(stages[-1]["reached"] * 100.0 / stages[0]["reached"], 2) \
            if stages and stages[0]["reached"] else None
        return {"model": model._name, "stages": stages, "overall_conversion_pct": overall}

    @mcp_tool(
        "cohort", "Cohort analysis",
        "Retention: entities (e.g. customers) grouped by the period of their first activity, and how many "
        "come back in each later period.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "entity_field": {"type": "string", "description": "Who is followed, e.g. 'partner_id'."},
            "date_field": {"type": "string", "description": "When they were active, e.g. 'date_order'."},
            "granularity": {"type": "string", "enum": ["week", "month", "quarter", "year"]},
            "periods": {"type": "integer", "minimum": 1, "maximum": 36, "description": "Periods after the first "
                                                                                       "(default 6)."},
            "context": CONTEXT},
         "required": ["model", "entity_field", "date_field"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "granularity": {"type": "string"}, "timezone": TIMEZONE_OUTPUT,
            "cohorts": {"type": "array", "items": {"type": "object"}}}, "required": ["model", "cohorts"]},
        operation="read")
    def _tool_cohort(self, call, args):
        model, domain = self._analytics_model(call, args)
        granularity = args.get("granularity") or "month"
        periods = args.get("periods") or 6
        entity = self._check_groupby(model, call.policy, [args["entity_field"]])[0]
        date_spec = self._check_groupby(model, call.policy, ["%s:%s" % (args["date_field"], granularity)])[0]
        rows = model._read_group(domain, [entity, date_spec], ["__count"], limit=50000)
        activity = {}
        for entity_value, period, _count in rows:
            if entity_value and period:
                key = entity_value.id if hasattr(entity_value, "id") else entity_value
                day = period.date() if isinstance(period, datetime.datetime) else period
                activity.setdefault(key, set()).add(day)
        cohorts = {}
        for days in activity.values():
            first = min(days)
            cohort = cohorts.setdefault(first, {"size": 0, "active": [0] * (periods + 1)})
            cohort["size"] += 1
            for day in days:
                offset = _period_offset(first, day, granularity)
                if offset <= periods:
                    cohort["active"][offset] += 1
        return {"model": model._name, "granularity": granularity, "timezone": user_tz(model.env).zone, "cohorts": [
            {"cohort": start.isoformat(), "size": data["size"], "active": data["active"],
             "retention_pct": [round(n * 100.0 / data["size"], 2) for n in data["active"]]}
            for start, data in sorted(cohorts.items())]}


def group_key(value):
    """A hashable key of a formatted group value (``{id, name}`` → id, lists → tuples)."""
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, list):
        return tuple(value)
    return value


def _parse_day(value, name):
    try:
        return datetime.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        raise ToolError(_("%(name)s must be a date as YYYY-MM-DD, not %(value)r.", name=name, value=value)) from None


def _period_offset(first, day, granularity):
    if granularity == "week":
        return (day - first).days // 7
    months = (day.year - first.year) * 12 + day.month - first.month
    return {"month": months, "quarter": months // 3, "year": day.year - first.year}[granularity]


def _series_point(period, values):
    """One point of a time series: its value, or its values per currency when there are several."""
    if len(values) > 1:
        return {"period": period.isoformat(), "value": None,
                "by_currency": {code: days.get(period, 0) for code, days in values.items()}}
    return {"period": period.isoformat(), "value": next(iter(values.values()), {}).get(period, 0)}


def _series_totals(values):
    """``total`` (one currency or none) or ``totals_by_currency``: the sum of the buckets, never across currencies."""
    if len(values) > 1:
        return {"total": None, "totals_by_currency": {code: sum(days.values()) for code, days in values.items()}}
    return {"total": sum(next(iter(values.values()), {}).values())}
