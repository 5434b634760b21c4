"""Analytics tools over time: a time series, two periods compared, cohorts. Days are the user's (``periods``)."""
import datetime

from odoo import _, api, models
from odoo.osv import expression

from ..lib.jsonrpc import ToolError
from ..services.analytics import MAX_GROUPS, group_key
from ..services.periods import ONE_DAY, day_range_domain, first_weekday, unit_starts, units_between, user_tz
from .mcp_tool_registry import mcp_tool
from .mcp_tools_analytics import (
    CURRENCY_OUTPUT,
    DATETIME_FIELDS_OUTPUT,
    GROUPBY,
    MEASURE,
    MEASURES,
    NOTICE_OUTPUT,
    TIMEZONE_OUTPUT,
)
from .mcp_tools_records import CONTEXT, DOMAIN, MODEL

GRANULARITIES = ("day", "week", "month", "quarter", "year")
MAX_PERIODS = 400
PERIOD = {
    "type": "object",
    "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
    "required": ["from", "to"], "additionalProperties": False,
}


class McpToolsAnalyticsTime(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @mcp_tool(
        "timeseries", "Time series",
        "One measure per period from date_from to date_to (empty periods as 0), optionally beside the previous "
        "period.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "date_field": {"type": "string", "description": "e.g. 'date_order'."},
            "granularity": {"type": "string", "enum": list(GRANULARITIES)},
            "measure": MEASURE,
            "date_from": {"type": "string", "description": "YYYY-MM-DD"},
            "date_to": {"type": "string", "description": "YYYY-MM-DD, included"},
            "compare_previous": {"type": "boolean"}, "context": CONTEXT},
         "required": ["model", "date_field", "granularity", "date_from", "date_to"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "measure": {"type": "string"}, "granularity": {"type": "string"},
            "series": {"type": "array", "items": {"type": "object"}}, "total": {"type": ["number", "null"]},
            "previous_total": {"type": ["number", "null"]}, "currency": CURRENCY_OUTPUT,
            "totals_by_currency": {"type": "object"}, "timezone": TIMEZONE_OUTPUT,
            "datetime_fields": DATETIME_FIELDS_OUTPUT},
         "required": ["model", "series"]},
        operation="read", view="chart")
    def _tool_timeseries(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        date_field, granularity = args["date_field"], args["granularity"]
        groupby = analytics.check_groupby(model, ["%s:%s" % (date_field, granularity)])
        measure = analytics.check_measures(model, [args.get("measure") or "__count"])[0]
        start, end = _parse_day(args["date_from"], "date_from"), _parse_day(args["date_to"], "date_to")
        if end < start:
            raise ToolError(_("date_to is before date_from."))
        periods = self._period_starts(model, start, end, granularity)
        values, currency = self._period_values(analytics, model, domain, groupby[0], measure, start, end)
        series = [_series_point(period, values) for period in periods]
        result = {"model": model._name, "measure": measure, "granularity": granularity, "series": series,
                  "currency": currency, "timezone": user_tz(model.env).zone}
        result.update(_series_totals(values))
        self._group_facts(result, model, groupby, [])
        if args.get("compare_previous"):
            prev_start, prev_end = start - (end - start + ONE_DAY), start - ONE_DAY
            previous, _currency = self._period_values(analytics, model, domain, groupby[0], measure,
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
    def _period_values(self, analytics, model, domain, groupby, measure, start, end):
        """``({currency or None: {bucket day: value}}, currency)`` of the days ``start``..``end``, user's tz."""
        date_field = model._fields[groupby.split(":")[0]]
        period_domain = expression.AND([domain, day_range_domain(date_field, start, end, user_tz(model.env))])
        groups = analytics.grouped(model, period_domain, [groupby], [measure], limit=MAX_GROUPS,
                                   split_currency=True)
        values = {}
        for group in groups:
            if group[groupby]:
                day = datetime.date.fromisoformat(group[groupby][:10])
                values.setdefault(group.get("currency"), {})[day] = group[measure] or 0
        return values, analytics.currency_of(model, [measure], groups)

    @mcp_tool(
        "compare_periods", "Compare two periods",
        "Measures of two periods side by side, overall or per group, with the difference and the change in %. "
        "Periods: {from, to}, YYYY-MM-DD, both included.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "date_field": {"type": "string"}, "measures": MEASURES, "groupby": GROUPBY,
            "period_a": PERIOD, "period_b": PERIOD, "context": CONTEXT},
         "required": ["model", "date_field", "period_a", "period_b"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "rows": {"type": "array", "items": {"type": "object"}},
            "currency": CURRENCY_OUTPUT, "timezone": TIMEZONE_OUTPUT, "notice": NOTICE_OUTPUT},
         "required": ["model", "rows"]},
        operation="read", view="chart")
    def _tool_compare_periods(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        call.policy.check_field_names(model, [args["date_field"]], "filter")
        groupby = analytics.check_groupby(model, args.get("groupby"))
        measures = analytics.check_measures(model, args.get("measures"))
        results = []
        for key in ("period_a", "period_b"):
            start = _parse_day(args[key]["from"], "%s.from" % key)
            end = _parse_day(args[key]["to"], "%s.to" % key)
            period_domain = expression.AND([domain, day_range_domain(
                model._fields[args["date_field"]], start, end, user_tz(model.env))])
            results.append(analytics.grouped(model, period_domain, groupby, measures, split_currency=True))
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
        return self._group_facts({
            "model": model._name, "rows": list(rows.values()), "timezone": user_tz(model.env).zone,
            "currency": analytics.currency_of(model, measures, [*results[0], *results[1]])},
            model, groupby, [*results[0], *results[1]])

    @mcp_tool(
        "cohort", "Cohort analysis",
        "Retention: entities (e.g. customers) grouped by the period of their first activity, and how many "
        "come back in each later period.",
        {"properties": {
            "model": MODEL, "domain": DOMAIN,
            "entity_field": {"type": "string", "description": "Who is followed, e.g. 'partner_id'."},
            "date_field": {"type": "string", "description": "Activity date, e.g. 'date_order'."},
            "granularity": {"type": "string", "enum": ["week", "month", "quarter", "year"]},
            "periods": {"type": "integer", "minimum": 1, "maximum": 36, "description": "Periods after the first "
                                                                                       "(default 6)."},
            "context": CONTEXT},
         "required": ["model", "entity_field", "date_field"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "granularity": {"type": "string"}, "timezone": TIMEZONE_OUTPUT,
            "cohorts": {"type": "array", "items": {"type": "object"}}}, "required": ["model", "cohorts"]},
        operation="read", view="chart")
    def _tool_cohort(self, call, args):
        analytics, model, domain = self._analytics_model(call, args)
        granularity = args.get("granularity") or "month"
        periods = args.get("periods") or 6
        entity = analytics.check_groupby(model, [args["entity_field"]])[0]
        date_spec = analytics.check_groupby(model, ["%s:%s" % (args["date_field"], granularity)])[0]
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
                offset = units_between(first, day, granularity)
                if offset <= periods:
                    cohort["active"][offset] += 1
        return {"model": model._name, "granularity": granularity, "timezone": user_tz(model.env).zone, "cohorts": [
            {"cohort": start.isoformat(), "size": data["size"], "active": data["active"],
             "retention_pct": [round(n * 100.0 / data["size"], 2) for n in data["active"]]}
            for start, data in sorted(cohorts.items())]}


def _parse_day(value, name):
    try:
        return datetime.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        raise ToolError(_("%(name)s must be a date as YYYY-MM-DD, not %(value)r.", name=name, value=value)) from None


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
