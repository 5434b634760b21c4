"""Section types of a page: each ``_section_<type>(ctx, model, config)`` answers one section's figures.

Shared query building (domain, grouped queries, ranges, deltas) is in ``mcp_portal_evaluator.py``.
"""
from odoo import _, api, models
from odoo.addons.mcp_server.services.analytics import group_key
from odoo.addons.mcp_server.services.periods import period_range, previous_range, unit_starts
from odoo.osv import expression

from ..lib.measures import or_zero, sort_value
from .mcp_portal_evaluator import SectionNotice

HEAT_LEVELS = 5


class McpPortalSections(models.AbstractModel):
    _inherit = "mcp.portal.evaluator"

    @api.model
    def _section_kpi(self, ctx, model, config):
        measure = config["measure"]
        kind = ctx.format._value_format(model, measure, config.get("format"))
        name, current = self._current_range(ctx, config)
        result = {"label": ctx.format._measure_label(model, measure, config.get("labels") or {}), "format": kind}
        self._with_period(ctx, result, name, current)
        previous = previous_range(name, ctx.today, ctx.week_start) if config.get("compare") and current else None
        if previous:
            values, _labels = self._per_range(ctx, model, config, [measure], [current, previous])
            value, before = (or_zero(measure, v.get((), {}).get(measure)) for v in values)
            result.update(self._delta(ctx, value, before, kind, config.get("lower_is_better")))
            result.update(previous=before, previous_text=ctx.format._format_value(before or 0, kind, ctx.currency),
                          previous_period=ctx.format._period_info("previous", previous))
        else:
            value = self._total(ctx, model, self._current_domain(ctx, model, config, current), measure)
        result.update(value=value, text=ctx.format._format_value(value or 0, kind, ctx.currency))
        return result

    @api.model
    def _section_progress(self, ctx, model, config):
        measure, target = config["measure"], config["target"]
        kind = ctx.format._value_format(model, measure, config.get("format"))
        name, current = self._current_range(ctx, config)
        value = self._total(ctx, model, self._current_domain(ctx, model, config, current), measure)
        percent = round((value or 0) * 100.0 / target, 1)
        result = {"label": ctx.format._measure_label(model, measure, config.get("labels") or {}), "format": kind,
                  "value": value, "text": ctx.format._format_value(value or 0, kind, ctx.currency),
                  "target": target, "target_text": ctx.format._format_value(target, kind, ctx.currency),
                  "percent": percent, "percent_text": ctx.format._format_value(percent, "percent", ctx.currency),
                  "bar": max(0.0, min(percent, 100.0))}
        return self._with_period(ctx, result, name, current)

    @api.model
    def _section_chart(self, ctx, model, config):
        groupby, measures = config["groupby"], config["measures"]
        name, current = self._current_range(ctx, config)
        domain = self._current_domain(ctx, model, config, current)
        labels = config.get("labels") or {}
        kind = ctx.format._value_format(model, measures[0], config.get("format"))
        x_spec = groupby[0]
        granularity = x_spec.partition(":")[2]
        time_axis = (len(groupby) == 1 and current and not config.get("order")
                     and granularity in ("day", "week", "month", "quarter", "year"))
        if time_axis:
            # A time axis shows every period of the range, the empty ones as 0.
            x_keys = [day.isoformat() for day in unit_starts(current[0], current[1], granularity, ctx.week_start)]
            groups = self._grouped(ctx, model, domain, groupby, measures, limit=len(x_keys))
            groups = [dict(g, **{x_spec: g[x_spec][:10]}) for g in groups if g[x_spec]]
            x_values = {key: key for key in x_keys}
        else:
            groups = self._grouped(ctx, model, domain, groupby, measures, order=config.get("order"),
                                   limit=config.get("limit"))
            x_keys = list(dict.fromkeys(group_key(g[x_spec]) for g in groups))
            x_values = {group_key(g[x_spec]): g[x_spec] for g in groups}
        if len(groupby) == 2:
            series_spec, measure = groupby[1], measures[0]
            series = list(dict.fromkeys(group_key(g[series_spec]) for g in groups))
            series_values = {group_key(g[series_spec]): g[series_spec] for g in groups}
            table = {(group_key(g[x_spec]), group_key(g[series_spec])): g[measure] for g in groups}
            datasets = [{"label": ctx.format._group_label(model, series_spec, series_values[s]),
                         "data": [table.get((x, s)) or 0 for x in x_keys]} for s in series]
        else:
            table = {group_key(g[x_spec]): g for g in groups}
            datasets = [{"label": ctx.format._measure_label(model, m, labels),
                         "data": [(table.get(x) or {}).get(m) or 0 for x in x_keys]} for m in measures]
        for dataset in datasets:
            dataset["texts"] = [ctx.format._format_value(v, kind, ctx.currency) for v in dataset["data"]]
        result = {"chart_type": config["chart_type"], "stacked": bool(config.get("stacked")), "format": kind,
                  "x_label": ctx.format._field_label(model, x_spec, labels),
                  "labels": [ctx.format._group_label(model, x_spec, x_values[x]) for x in x_keys],
                  "datasets": datasets}
        return self._with_period(ctx, result, name, current)

    @api.model
    def _section_table(self, ctx, model, config):
        name, current = self._current_range(ctx, config)
        domain = self._current_domain(ctx, model, config, current)
        labels = config.get("labels") or {}
        if config.get("groupby"):
            groupby, measures = config["groupby"], config["measures"]
            groups = self._grouped(ctx, model, domain, groupby, measures, order=config.get("order"),
                                   limit=config["limit"])
            kinds = {m: ctx.format._value_format(model, m, config.get("format")) for m in measures}
            columns = [{"key": s, "label": ctx.format._field_label(model, s, labels), "numeric": False}
                       for s in groupby]
            columns += [{"key": m, "label": ctx.format._measure_label(model, m, labels), "numeric": True}
                        for m in measures]
            rows = [[{"value": sort_value(g[s]), "text": ctx.format._group_label(model, s, g[s])} for s in groupby]
                    + [{"value": g[m], "text": ctx.format._format_value(g[m], kinds[m], ctx.currency)}
                       for m in measures] for g in groups]
        else:
            fields_ = config["fields"]
            ctx.policy.check_field_names(model, fields_, "read")
            order = ctx.policy.check_order(model, config.get("order")) or None
            records = model.search(domain, limit=config["limit"], order=order)
            records_data, _failed = ctx.scope.records.read(records, ["id", *fields_])
            columns = [{"key": f, "label": ctx.format._field_label(model, f, labels),
                        "numeric": model._fields[f].type in ("integer", "float", "monetary")} for f in fields_]
            rows = [[ctx.format._cell(model, f, row.get(f), ctx.currency, ctx.tz.zone) for f in fields_]
                    for row in records_data]
        result = {"columns": columns, "rows": rows}
        return self._with_period(ctx, result, name, current)

    @api.model
    def _section_comparison(self, ctx, model, config):
        measures, labels = config["measures"], config.get("labels") or {}
        groupby = config.get("groupby") or []
        kinds = {m: ctx.format._value_format(model, m, config.get("format")) for m in measures}
        name, current = self._current_range(ctx, config)
        if config.get("compare_values"):
            spec = groupby[0]
            field_name = spec.split(":")[0]
            domain = expression.AND([self._current_domain(ctx, model, config, current),
                                     [(field_name, "in", config["compare_values"])]])
            groups = {group_key(g[spec]): g for g in self._grouped(ctx, model, domain, groupby, measures)}
            pair = [groups.get(value, {}) for value in config["compare_values"]]
            many2one = model._fields[field_name].type == "many2one"
            names = [ctx.format._group_label(model, spec, g[spec] if g else {"id": value} if many2one else value)
                     for g, value in zip(pair, config["compare_values"], strict=True)]
            values = [{(): {m: g.get(m) for m in measures}} for g in pair]
            rows_keys, group_labels, ranges = [()], {}, [None, None]
        else:
            other_name = config.get("compare_period")
            other = period_range(other_name, ctx.today, ctx.week_start) if other_name else \
                previous_range(name, ctx.today, ctx.week_start)
            if not current or not other:
                raise SectionNotice(_("Choose a period to compare."))
            values, group_labels = self._per_range(ctx, model, config, measures, [other, current], groupby)
            period_labels = ctx.format._period_labels()
            names = [period_labels[other_name or "previous"], period_labels[name]]
            ranges = [ctx.format._range_text(other), ctx.format._range_text(current)]
            rows_keys = sorted(set(values[0]) | set(values[1]), key=lambda k: str(k)) or [()]
        rows = []
        for key in rows_keys:
            group_label = ctx.format._group_label(model, groupby[0], group_labels[key][groupby[0]]) \
                if key and key in group_labels else ""
            for measure in measures:
                a = or_zero(measure, values[0].get(key, {}).get(measure))
                b = or_zero(measure, values[1].get(key, {}).get(measure))
                label = ctx.format._measure_label(model, measure, labels)
                row = {"label": " \u00b7 ".join(filter(None, [group_label, label if len(measures) > 1 or not group_label
                                                                else ""])) or label,
                       "a": a, "b": b, "a_text": ctx.format._format_value(a or 0, kinds[measure], ctx.currency),
                       "b_text": ctx.format._format_value(b or 0, kinds[measure], ctx.currency)}
                row.update(self._delta(ctx, b, a, kinds[measure], config.get("lower_is_better")))
                rows.append(row)
        return {"a_label": names[0], "b_label": names[1], "a_range": ranges[0], "b_range": ranges[1], "rows": rows}

    @api.model
    def _section_timeline(self, ctx, model, config):
        name, current = self._current_range(ctx, config)
        domain = self._current_domain(ctx, model, config, current)
        date_field, title_field = config["date_field"], config["title_field"]
        names = [date_field, title_field] + ([config["description_field"]] if config.get("description_field")
                                             else [])
        ctx.policy.check_field_names(model, names, "read")
        order = ctx.policy.check_order(model, config.get("order") or "%s desc" % date_field)
        records = model.search(expression.AND([domain, [(date_field, "!=", False)]]), limit=config["limit"],
                               order=order)
        rows, _failed = ctx.scope.records.read(records, ["id", *names])
        events = []
        for row in rows:
            when = ctx.format._cell(model, date_field, row.get(date_field), ctx.currency, ctx.tz.zone)
            event = {"date": when["value"], "date_text": when["text"],
                     "title": ctx.format._cell(model, title_field, row.get(title_field), ctx.currency,
                                               ctx.tz.zone)["text"]}
            if config.get("description_field"):
                event["description"] = ctx.format._cell(model, config["description_field"],
                                                        row.get(config["description_field"]), ctx.currency,
                                                        ctx.tz.zone)["text"]
            events.append(event)
        result = {"events": events}
        return self._with_period(ctx, result, name, current)

    @api.model
    def _section_metric_grid(self, ctx, model, config):
        name, current = self._current_range(ctx, config)
        domain = self._current_domain(ctx, model, config, current)
        labels = config.get("labels") or {}
        if config.get("metrics"):
            metrics = config["metrics"]
            row = self._grouped(ctx, model, domain, [], [m["measure"] for m in metrics])[0]
            tiles = []
            for metric in metrics:
                measure = metric["measure"]
                kind = ctx.format._value_format(model, measure, metric.get("format"))
                value = or_zero(measure, row[measure])
                tiles.append({"label": metric.get("label") or ctx.format._measure_label(model, measure, labels),
                              "value": value, "text": ctx.format._format_value(value, kind, ctx.currency)})
        else:
            spec, measure = config["groupby"][0], config["measure"]
            kind = ctx.format._value_format(model, measure, config.get("format"))
            groups = self._grouped(ctx, model, domain, [spec], [measure], order="%s desc" % measure,
                                   limit=config.get("limit"))
            tiles = [{"label": ctx.format._group_label(model, spec, g[spec]), "value": g[measure],
                      "text": ctx.format._format_value(g[measure] or 0, kind, ctx.currency)} for g in groups]
        result = {"metrics": tiles}
        return self._with_period(ctx, result, name, current)

    @api.model
    def _section_heatmap(self, ctx, model, config):
        date_field, measure = config["date_field"], config["measure"]
        name, current = self._current_range(ctx, config)
        domain = self._current_domain(ctx, model, config, current)
        day_spec, hour_spec = "%s:day_of_week" % date_field, "%s:hour_number" % date_field
        groups = self._grouped(ctx, model, domain, [day_spec, hour_spec], [measure])
        grid = [[0] * 24 for _day in range(7)]
        for group in groups:
            if group[day_spec] is not None and group[hour_spec] is not None:
                # PostgreSQL numbers days from Sunday (0); rows start on Monday.
                grid[(int(group[day_spec]) + 6) % 7][int(group[hour_spec])] += group[measure] or 0
        top = max(max(row) for row in grid)
        kind = ctx.format._value_format(model, measure, config.get("format"))
        days = [ctx.format._granularity_label((index + 1) % 7, "day_of_week") for index in range(7)]
        rows = [{"day": days[index], "cells": [
            {"value": value, "text": ctx.format._format_value(value, kind, ctx.currency),
             "level": 0 if not value or not top else min(HEAT_LEVELS, 1 + int(value * HEAT_LEVELS / (top * 1.0001)))}
            for value in grid[index]]} for index in range(7)]
        result = {"label": ctx.format._measure_label(model, measure, config.get("labels") or {}),
                  "hours": ["%02d" % hour for hour in range(24)], "rows": rows, "max": top,
                  "max_text": ctx.format._format_value(top, kind, ctx.currency), "timezone": ctx.tz.zone}
        return self._with_period(ctx, result, name, current)
