"""Checks of each section type's own keys (``_check_<type>(scope, model, raw, config)``), as ``mcp.portal.spec``.

Shared checks (model, domain, dates, measures, groupby, limits) and filters are in ``mcp_portal_spec.py``.
"""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError

from ..lib.schema import CHART_TYPES
from .mcp_portal_spec import TABLE_FIELD_TYPES, located


class McpPortalSpecSections(models.AbstractModel):
    _inherit = "mcp.portal.spec"

    @api.model
    def _check_kpi(self, scope, model, raw, config):
        measure = self._measures(scope, model, raw, 1, "measure")[0]
        has_period = config.get("period", "all") != "all"
        if raw.get("compare") and not config.get("date_field"):
            raise ToolError(_("compare needs a date_field and a period to compare with the previous one."))
        return {"measure": measure, "compare": raw.get("compare", has_period) and bool(config.get("date_field")),
                "lower_is_better": bool(raw.get("lower_is_better"))}

    @api.model
    def _check_chart(self, scope, model, raw, config):
        chart_type = raw.get("chart_type") or "bar"
        if chart_type not in CHART_TYPES:
            raise ToolError(_("chart_type must be one of %s.", ", ".join(CHART_TYPES)))
        round_chart = chart_type in ("pie", "doughnut")
        groupby = self._groupby(scope, model, raw, 1, 1 if round_chart else 2)
        measures = self._measures(scope, model, raw, 1 if round_chart or len(groupby) == 2 else 3)
        return {"chart_type": chart_type, "groupby": groupby, "measures": measures,
                "limit": self._limit("chart", raw), "stacked": bool(raw.get("stacked")),
                **self._group_order(scope, raw, groupby, measures)}

    @api.model
    def _check_table(self, scope, model, raw, config):
        if raw.get("fields") and raw.get("groupby"):
            raise ToolError(_("give either fields (a list of records) or groupby (grouped totals), not both."))
        if not raw.get("fields") and not raw.get("groupby"):
            raise ToolError(_("fields is required (the columns), e.g. ['name', 'create_date'] — or groupby with "
                              "measures for a table of totals."))
        limit = self._limit("table", raw)
        if raw.get("groupby"):
            groupby = self._groupby(scope, model, raw, 1, 3)
            measures = self._measures(scope, model, raw, 6)
            return {"groupby": groupby, "measures": measures, "limit": limit,
                    **self._group_order(scope, raw, groupby, measures)}
        if raw.get("measure") or raw.get("measures"):
            raise ToolError(_("measures only apply to grouped tables (with groupby)."))
        fields = list(dict.fromkeys(raw["fields"]))
        with located("fields"):
            scope.policy.check_field_names(model, fields, "read")
            wrong = [name for name in fields if model._fields[name].type not in TABLE_FIELD_TYPES]
            if wrong:
                raise ToolError(_("%(fields)s cannot be shown in a table (use text, number, date, selection, "
                                  "boolean or many2one fields).", fields=", ".join(wrong)))
        result = {"fields": fields, "limit": limit}
        if raw.get("order"):
            with located("order"):
                result["order"] = scope.policy.check_order(model, raw["order"])
        return result

    @api.model
    def _check_progress(self, scope, model, raw, config):
        target = raw.get("target")
        if not isinstance(target, (int, float)) or isinstance(target, bool) or target <= 0:
            raise ToolError(_("target: give the value to reach, a number above 0."))
        return {"measure": self._measures(scope, model, raw, 1, "measure")[0], "target": target}

    @api.model
    def _check_comparison(self, scope, model, raw, config):
        measures = self._measures(scope, model, raw, 4)
        result = {"measures": measures, "lower_is_better": bool(raw.get("lower_is_better"))}
        if raw.get("compare_values") is not None:
            if raw.get("compare_period"):
                raise ToolError(_("give either compare_values (two groups) or compare_period (two periods)."))
            groupby = self._groupby(scope, model, raw, 1, 1)
            field = model._fields[groupby[0].split(":")[0]]
            with located("compare_values"):
                values = [self._field_value(model, field, value) for value in raw["compare_values"]]
            if values[0] == values[1]:
                raise ToolError(_("compare_values: give two different values."))
            return dict(result, groupby=groupby, compare_values=values)
        if config.get("period", "all") == "all":
            raise ToolError(_("comparing two periods needs a date_field and a period other than 'all' "
                              "(or compare_values with a groupby field to compare two groups)."))
        if raw.get("compare_period") == "all":
            raise ToolError(_("compare_period cannot be 'all'."))
        result["groupby"] = self._groupby(scope, model, raw, 0, 1)
        if raw.get("compare_period"):
            result["compare_period"] = raw["compare_period"]
        return result

    @api.model
    def _check_timeline(self, scope, model, raw, config):
        if not config.get("date_field"):
            raise ToolError(_("date_field is required: the date of each event."))
        title_field = raw.get("title_field") or model._rec_name
        names = [title_field] + ([raw["description_field"]] if raw.get("description_field") else [])
        with located("title_field" if not raw.get("description_field") else "title_field/description_field"):
            if not title_field or title_field not in model._fields:
                raise ToolError(_("give title_field, the field used as the event title."))
            scope.policy.check_field_names(model, names, "read")
            wrong = [name for name in names if model._fields[name].type not in TABLE_FIELD_TYPES]
            if wrong:
                raise ToolError(_("%s cannot be shown as text.", ", ".join(wrong)))
        result = {"title_field": title_field, "limit": self._limit("timeline", raw)}
        if raw.get("description_field"):
            result["description_field"] = raw["description_field"]
        with located("order"):
            result["order"] = scope.policy.check_order(model, raw.get("order") or "%s desc" % config["date_field"])
        return result

    @api.model
    def _check_metric_grid(self, scope, model, raw, config):
        if raw.get("metrics") and (raw.get("groupby") or raw.get("measure")):
            raise ToolError(_("give either metrics, or groupby with a measure (one tile per group), not both."))
        if raw.get("metrics"):
            metrics = []
            for index, metric in enumerate(raw["metrics"]):
                with located("metrics[%s]" % index):
                    measure = scope.analytics.check_measures(model, [metric["measure"]])[0]
                metrics.append({"measure": measure, "label": metric.get("label") or "",
                                "format": metric.get("format") or config["format"]})
            if len({m["measure"] for m in metrics}) != len(metrics):
                raise ToolError(_("metrics: each measure may appear once (one query computes them all)."))
            return {"metrics": metrics}
        if not raw.get("groupby"):
            raise ToolError(_("give metrics (e.g. [{\"measure\": \"__count\", \"label\": \"Orders\"}]) or a "
                              "groupby field with a measure."))
        groupby = self._groupby(scope, model, raw, 1, 1)
        return {"groupby": groupby, "measure": self._measures(scope, model, raw, 1, "measure")[0],
                "limit": self._limit("metric_grid", raw)}

    @api.model
    def _check_heatmap(self, scope, model, raw, config):
        if not config.get("date_field"):
            raise ToolError(_("date_field is required: a datetime field whose weekday and hour are counted."))
        with located("date_field"):
            self._check_date_field(scope, model, config["date_field"], ("datetime",))
        return {"measure": self._measures(scope, model, raw, 1, "measure")[0]}
