"""Analytics tools: grouped aggregates computed by the database (``_read_group``), never row by row.

The work is done by the ``Analytics`` service (``services/analytics.py``); these methods declare the tools and
shape their answers. Time-based tools (time series, period comparison, cohorts): ``mcp_tools_analytics_time.py``.
"""
import itertools

from odoo import _, api, models
from odoo.models import READ_GROUP_TIME_GRANULARITY

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.tool_schema import Lenient, json_array_schema
from ..services.analytics import MAX_GROUPS, group_key
from ..services.periods import user_tz
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import CONTEXT, DOMAIN, MODEL

GROUPBY = {
    "type": "array", "items": {"type": "string"},
    "description": "e.g. partner_id, date_order:month (day/week/month/quarter/year)",
}
MEASURES = {
    "type": "array", "items": {"type": "string"},
    "description": "'field:sum' (avg, min, max, count, count_distinct) or '__count' (default).",
}
MEASURE = {"type": "string", "description": "e.g. 'amount_total:sum' (default '__count')."}
# What currency and timezone mean is said once, in the server instructions (mcp.server._instructions).
CURRENCY_OUTPUT = {"type": ["string", "null"]}
TIMEZONE_OUTPUT = {"type": "string"}
# Why a group's many2one value is an id alone (the key may not read that model's names).
NOTICE_OUTPUT = {"type": "string"}
DATETIME_FIELDS_OUTPUT = {"type": "array", "items": {"type": "string"},
                          "description": "Datetime fields grouped by day/week/month...: their buckets start at "
                                         "midnight in timezone."}
GROUPS_OUTPUT = {
    "type": "object",
    "properties": {"model": {"type": "string"}, "groups": {"type": "array", "items": {"type": "object"}},
                   "count": {"type": "integer"}, "currency": CURRENCY_OUTPUT, "timezone": TIMEZONE_OUTPUT,
                   "datetime_fields": DATETIME_FIELDS_OUTPUT, "notice": NOTICE_OUTPUT},
    "required": ["model", "groups", "count"],
}


class McpToolsAnalytics(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _analytics_model(self, call, args):
        """``(Analytics service, model, secured domain)`` of an analytics call's ``model``/``domain``/``context``."""
        model = self._model_env(call, args["model"], "read", args.get("context"))
        call.note(model=model._name)
        return self._analytics(call.policy), model, call.policy.secure_domain(model, args.get("domain"))

    @api.model
    def _groups_result(self, analytics, model, measures, groupby, groups):
        """The answer of a tool listing ``groups`` (GROUPS_OUTPUT): the groups, their count, their currency
        (None when the measures are not amounts or hold several currencies) and the user's time zone."""
        result = {"model": model._name, "groups": groups, "count": len(groups),
                  "currency": analytics.currency_of(model, measures, groups), "timezone": user_tz(model.env).zone}
        return self._group_facts(result, model, groupby, groups)

    @api.model
    def _group_facts(self, result, model, groupby, rows):
        """``result`` with what its group values do not say themselves: ``datetime_fields`` (the datetime
        fields of ``groupby`` bucketed by day/week/month/quarter/year, whose buckets are days of
        ``timezone``, not UTC) and ``notice`` (the models whose names ``rows``' many2one values withhold)."""
        datetimes = sorted({spec.split(":")[0] for spec in groupby
                            if spec.split(":")[-1] in READ_GROUP_TIME_GRANULARITY
                            and model._fields[spec.split(":")[0]].type == "datetime"})
        if datetimes:
            result["datetime_fields"] = datetimes
        notice = self._unnamed_relations_notice(model, rows)
        if notice:
            result["notice"] = notice
        return result

    @mcp_tool(
        "aggregate", "Aggregate records",
        "Totals per group computed by the database: use it instead of reading many records.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN, "groupby": GROUPBY, "measures": MEASURES,
            "having": json_array_schema("Filter on measures, e.g. [[\"amount_total:sum\",\">\",1000]]"),
            "order": {"type": "string", "description": "e.g. 'amount_total:sum desc'."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_GROUPS},
            "offset": {"type": "integer", "minimum": 0},
            "context": CONTEXT},
         "required": ["model"], "additionalProperties": False},
        GROUPS_OUTPUT, operation="read", view="chart")
    def _tool_aggregate(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        groupby = analytics.check_groupby(model, args.get("groupby"))
        measures = analytics.check_measures(model, args.get("measures"))
        having = analytics.check_having(args.get("having"), measures)
        order = analytics.check_order(args.get("order"), groupby, measures)
        ordered = [term.split()[0] for term in (order or "").split(",") if term.strip()]
        hidden = [name for name in ordered if name in groupby and analytics.hides_comodel(model, name)]
        if hidden:
            # Groups of a many2one are sorted by the related records' names.
            raise AccessDeniedByPolicy(_("Sorting by %(field)s is not allowed with this key: it would reveal the "
                                         "order of names it may not read.", field=hidden[0]))
        groups = analytics.grouped(model, domain, groupby, measures, having, order, args.get("limit"),
                               args.get("offset") or 0, split_currency=True)
        return self._groups_result(analytics, model, measures, groupby, groups)

    @mcp_tool(
        "top_n", "Top N",
        "The N groups with the highest (or lowest) measure, e.g. the 10 best customers by revenue.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "groupby": {"type": "string", "description": "The field to rank, e.g. 'partner_id'."},
            "measure": MEASURE,
            "n": {"type": "integer", "minimum": 1, "maximum": 100, "description": "How many (default 10)."},
            "ascending": {"type": "boolean", "description": "Lowest first."},
            "context": CONTEXT},
         "required": ["model", "groupby"], "additionalProperties": False},
        GROUPS_OUTPUT, operation="read", view="chart")
    def _tool_top_n(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        groupby = analytics.check_groupby(model, [args["groupby"]])
        measures = analytics.check_measures(model, [args.get("measure") or "__count"])
        order = "%s %s" % (measures[0], "asc" if args.get("ascending") else "desc")
        groups = analytics.grouped(model, domain, groupby, measures, order=order, limit=args.get("n") or 10,
                               split_currency=True)
        for rank, group in enumerate(groups, start=1):
            group["rank"] = rank
        return self._groups_result(analytics, model, measures, groupby, groups)

    @mcp_tool(
        "pivot", "Pivot table",
        "One measure by row groups and column groups, with row, column and grand totals.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "rows": GROUPBY, "columns": {"type": "string", "description": "One field; dates with a granularity."},
            "measure": MEASURE,
            "context": CONTEXT},
         "required": ["model", "rows", "columns"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "measure": {"type": "string"}, "columns": {"type": "array"},
            "rows": {"type": "array", "items": {"type": "object"}}, "column_totals": {"type": "object"},
            "grand_total": {"type": ["number", "null"]}, "currency": CURRENCY_OUTPUT,
            "grand_totals": {"type": "object", "description": "Per currency, if several."},
            "timezone": TIMEZONE_OUTPUT, "datetime_fields": DATETIME_FIELDS_OUTPUT, "notice": NOTICE_OUTPUT},
         "required": ["model", "columns", "rows"]},
        operation="read", view="chart")
    def _tool_pivot(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        rows = analytics.check_groupby(model, args["rows"])
        column = analytics.check_groupby(model, [args["columns"]])[0]
        measure = analytics.check_measures(model, [args.get("measure") or "__count"])[0]
        groups = analytics.grouped(model, domain, [*rows, column], [measure], split_currency=True)
        currency = analytics.currency_of(model, [measure], groups)
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
        result = self._group_facts({
            "model": model._name, "measure": measure, "columns": columns, "rows": list(table.values()),
            "currency": currency, "timezone": user_tz(model.env).zone}, model, [*rows, column], groups)
        if split:
            return dict(result, column_totals=totals, grand_total=None,
                        grand_totals={code: sum(values.values()) for code, values in totals.items()})
        column_totals = totals.get(None, {})
        return dict(result, column_totals=column_totals, grand_total=sum(column_totals.values()))

    @mcp_tool(
        "funnel", "Funnel",
        "Counts per stage of a selection or many2one field (e.g. CRM stage), how many reached each stage or "
        "later, and the conversion.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "stage_field": {"type": "string", "description": "e.g. 'stage_id' or 'state'."},
            "stages": {"type": "array", "items": Lenient({"type": "string"}, ("string", "integer")),
                       "description": "Keys or ids in funnel order (default: the field's order)."},
            "context": CONTEXT},
         "required": ["model", "stage_field"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "stages": {"type": "array"},
            "overall_conversion_pct": {"type": ["number", "null"]}, "notice": NOTICE_OUTPUT},
         "required": ["model", "stages"]},
        operation="read", view="chart")
    def _tool_funnel(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        name = args["stage_field"]
        groupby = analytics.check_groupby(model, [name])
        field = model._fields[name]
        if field.type not in ("selection", "many2one"):
            raise ToolError(_("The stage field must be a selection or many2one field; %s is a %s.", name, field.type))
        groups = analytics.grouped(model, domain, groupby, ["__count"])
        counts = {group_key(g[name]): g["__count"] for g in groups}
        labels = {group_key(g[name]): g[name] for g in groups}
        if args.get("stages"):
            # Ids of a many2one stage may come as text (the schema declares strings).
            order = [int(key) if field.type == "many2one" and isinstance(key, str) and key.isdigit() else key
                     for key in args["stages"]]
        elif field.type == "selection":
            order = [key for key, _label in field._description_selection(model.env)]
        elif analytics.hides_comodel(model, name):
            # Stages sorted by names (or sequences) the key may not read would reveal them: sort by id.
            order = sorted(counts, key=lambda key: (key is None, key or 0))
        else:
            order = [group_key(g[name]) for g in analytics.grouped(model, domain, groupby, ["__count"],
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
        return self._group_facts({"model": model._name, "stages": stages, "overall_conversion_pct": overall},
                                 model, groupby, groups)
