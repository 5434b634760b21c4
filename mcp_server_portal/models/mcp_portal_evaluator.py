"""The figures of a page, read as its credential's user within its access profile.

Each section is checked again against the current policy (a profile may have been narrowed since the
page was made), then answered by one grouped query (``_read_group``) or one search. Visitors only ever
receive what this produces: numbers, labels and formatted text.
"""
import datetime
import logging

import psycopg2

from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.services.analytics import MAX_GROUPS, group_key
from odoo.addons.mcp_server.services.periods import (
    coarsest_granularity,
    day_range_domain,
    first_weekday,
    period_range,
    previous_range,
    unit_starts,
    user_tz,
)
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.osv import expression

from ..lib.html import sanitize_body

_logger = logging.getLogger(__name__)

EXPECTED_FAILURES = (ToolError, AccessError, MissingError, UserError, ValidationError)
HEAT_LEVELS = 5


class SectionNotice(Exception):
    """A section cannot show its figures for a reason the visitor may read (e.g. the chosen period)."""


class PageContext:
    """What every section of one evaluation shares: whose data, which day, which filters."""

    def __init__(self, scope, filter_values, filters):
        self.scope = scope
        self.policy = scope.policy
        env = scope.env
        self.tz = user_tz(env)  # ranges and buckets: days in this time zone, weeks from the language's first day
        self.week_start = first_weekday(env)
        self.today = datetime.datetime.now(self.tz).date()
        self.company_currency = self.currency = env.company.currency_id  # currency: of the section's amounts
        self.format = env["mcp.portal.format"]
        self.period = next((filter_values[f["name"]] for f in filters
                            if f["type"] == "period" and filter_values.get(f["name"])), None)
        self.field_filters = [(f["field"], filter_values[f["name"]]) for f in filters
                              if f["type"] == "field" and filter_values.get(f["name"]) is not None]


class McpPortalEvaluator(models.AbstractModel):
    _name = "mcp.portal.evaluator"
    _description = "MCP portal page evaluation"

    @api.model
    def _evaluate(self, page, filter_values):
        """``{"sections": [...], "filters": [...]}`` for the given (already validated) filter values."""
        filters = page.filters or []
        scope = page._evaluation_scope()
        if scope is None:
            unavailable = _("The data of this page is not available.")
            return {"sections": [dict(self._section_base(s), error=unavailable) if s.section_type != "rich_text"
                                 else self._evaluate_section(None, s) for s in page.section_ids],
                    "filters": []}
        ctx = PageContext(scope, filter_values, filters)
        return {"sections": [self._evaluate_section(ctx, section) for section in page.section_ids],
                "filters": [self._filter_info(ctx, page, f, filter_values.get(f["name"])) for f in filters]}

    @api.model
    def _section_base(self, section):
        config = section.config or {}
        return {"id": section.id, "type": section.section_type, "title": section.title or "",
                "description": config.get("description") or "", "width": section.width}

    @api.model
    def _evaluate_section(self, ctx, section):
        result = self._section_base(section)
        config = section.config or {}
        if section.section_type == "rich_text":
            result["html"] = str(sanitize_body(config.get("body")))
            return result
        try:
            with self.env.cr.savepoint():
                ctx.currency = ctx.company_currency
                model = ctx.policy.check_model(ctx.scope.env, config["model"], "read")
                result.update(getattr(self, "_section_%s" % section.section_type)(ctx, model, config))
        except SectionNotice as exc:
            result["error"] = str(exc)
        except EXPECTED_FAILURES as exc:
            # e.g. the profile was narrowed since the page was made: visitors only learn that there is no data.
            _logger.info("MCP portal: section %s of page %s unavailable: %s", section.id, section.page_id.slug, exc)
            result["error"] = _("This section's data is not available.")
        except (psycopg2.Error, KeyError, ValueError, TypeError):
            _logger.warning("MCP portal: section %s of page %s failed", section.id, section.page_id.slug,
                            exc_info=True)
            result["error"] = _("This section's data is not available.")
        return result

    # ------------------------------------------------------------------
    # Shared query building
    # ------------------------------------------------------------------
    @api.model
    def _period_name(self, ctx, config):
        if not config.get("date_field"):
            return None
        return ctx.period or config.get("period") or "all"

    @api.model
    def _domain(self, ctx, model, config, day_ranges=()):
        """The section's domain with the visitor's field filters, inside the policy, within the given days."""
        domain = list(config.get("domain") or [])
        for field_name, value in ctx.field_filters:
            if field_name in model._fields:
                domain = expression.AND([domain, [(field_name, "=", value)]])
        domain = ctx.policy.secure_domain(model, domain)
        if day_ranges:
            field = model._fields[config["date_field"]]
            ctx.policy.check_field_names(model, [field.name], _("filter"))
            domain = expression.AND([domain, expression.OR([
                day_range_domain(field, start, end, ctx.tz) for start, end in day_ranges])])
        return domain

    @api.model
    def _current_range(self, ctx, config):
        name = self._period_name(ctx, config)
        return name, (period_range(name, ctx.today, ctx.week_start) if name else None)

    @api.model
    def _grouped(self, ctx, model, domain, groupby, measures, order=None, limit=None):
        analytics = ctx.scope.analytics
        groupby = analytics.check_groupby(model, groupby)
        measures = analytics.check_measures(model, measures)
        groups = analytics.grouped(model, domain, groupby, measures, order=order, limit=limit, split_currency=True)
        codes = {group.pop("currency") for group in groups if "currency" in group} - {None}
        if len(codes) > 1:  # amounts are never added up across currencies
            raise SectionNotice(_("These amounts are in several currencies (%s): filter the section by currency.",
                                  ", ".join(sorted(codes))))
        if codes:
            ctx.currency = ctx.scope.env["res.currency"].with_context(active_test=False).search(
                [("name", "=", codes.pop())], limit=1) or ctx.currency
        return groups

    @api.model
    def _total(self, ctx, model, domain, measure):
        return _or_zero(measure, self._grouped(ctx, model, domain, [], [measure])[0][measure])

    @api.model
    def _per_range(self, ctx, model, config, measures, day_ranges, groupby=()):
        """``[{group key: {measure: value}}]``, one dict per day range, in a single grouped query.

        The query groups by the coarsest date unit the ranges are aligned on, and adds the buckets of each
        range up (averages from sums and counts). Distinct counts cannot be added up: they take one query
        per range.
        """
        if any(m.endswith(":count_distinct") for m in measures):
            results = []
            for day_range in day_ranges:
                groups = self._grouped(ctx, model, self._domain(ctx, model, config, [day_range]), list(groupby),
                                       measures)
                results.append({tuple(group_key(g[s]) for s in groupby): {m: g[m] for m in measures} for g in groups})
            return results, {}
        date_spec = "%s:%s" % (config["date_field"], coarsest_granularity(day_ranges, ctx.week_start))
        parts = list(dict.fromkeys(p for m in measures for p in _parts(m)))
        groups = self._grouped(ctx, model, self._domain(ctx, model, config, day_ranges), [*groupby, date_spec],
                               parts, limit=MAX_GROUPS)
        if len(groups) >= MAX_GROUPS:
            raise ValidationError(_("Too many groups: narrow the periods or the groupby."))
        sums = [{} for _range in day_ranges]
        labels = {}
        for group in groups:
            if not group[date_spec]:
                continue
            day = datetime.date.fromisoformat(group[date_spec][:10])
            key = tuple(group_key(group[s]) for s in groupby)
            labels[key] = {s: group[s] for s in groupby}
            for index, (start, end) in enumerate(day_ranges):
                if start <= day <= end:
                    bucket = sums[index].setdefault(key, {})
                    for part in parts:
                        bucket[part] = _merge(part, bucket.get(part), group[part])
        return [{key: {m: _combine(m, parts_) for m in measures} for key, parts_ in found.items()}
                for found in sums], labels

    @api.model
    def _delta(self, ctx, current, previous, kind, lower_is_better=False):
        """Change from ``previous`` to ``current``, its direction, and whether that is good news."""
        current, previous = current or 0, previous or 0
        delta = current - previous
        trend = "up" if delta > 0 else "down" if delta < 0 else "flat"
        percent = round(delta * 100.0 / abs(previous), 1) if previous else None
        return {"delta": delta, "delta_pct": percent, "trend": trend,
                "good": None if trend == "flat" else (trend == "down") == bool(lower_is_better),
                "delta_text": ctx.format._format_value(abs(delta), kind, ctx.currency),
                "delta_pct_text": "" if percent is None else ctx.format._format_value(abs(percent), "percent",
                                                                                      ctx.currency)}

    # ------------------------------------------------------------------
    # Section types
    # ------------------------------------------------------------------
    @api.model
    def _section_kpi(self, ctx, model, config):
        measure = config["measure"]
        kind = ctx.format._value_format(model, measure, config.get("format"))
        name, current = self._current_range(ctx, config)
        result = {"label": ctx.format._measure_label(model, measure, config.get("labels") or {}), "format": kind}
        if name:
            result["period"] = ctx.format._period_info(name, current)
        previous = previous_range(name, ctx.today, ctx.week_start) if config.get("compare") and current else None
        if previous:
            values, _labels = self._per_range(ctx, model, config, [measure], [current, previous])
            value, before = (_or_zero(measure, v.get((), {}).get(measure)) for v in values)
            result.update(self._delta(ctx, value, before, kind, config.get("lower_is_better")))
            result.update(previous=before, previous_text=ctx.format._format_value(before or 0, kind, ctx.currency),
                          previous_period=ctx.format._period_info("previous", previous))
        else:
            value = self._total(ctx, model, self._domain(ctx, model, config, [current] if current else []),
                                measure)
        result.update(value=value, text=ctx.format._format_value(value or 0, kind, ctx.currency))
        return result

    @api.model
    def _section_progress(self, ctx, model, config):
        measure, target = config["measure"], config["target"]
        kind = ctx.format._value_format(model, measure, config.get("format"))
        name, current = self._current_range(ctx, config)
        value = self._total(ctx, model, self._domain(ctx, model, config, [current] if current else []), measure)
        percent = round((value or 0) * 100.0 / target, 1)
        result = {"label": ctx.format._measure_label(model, measure, config.get("labels") or {}), "format": kind,
                  "value": value, "text": ctx.format._format_value(value or 0, kind, ctx.currency),
                  "target": target, "target_text": ctx.format._format_value(target, kind, ctx.currency),
                  "percent": percent, "percent_text": ctx.format._format_value(percent, "percent", ctx.currency),
                  "bar": max(0.0, min(percent, 100.0))}
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

    @api.model
    def _section_chart(self, ctx, model, config):
        groupby, measures = config["groupby"], config["measures"]
        name, current = self._current_range(ctx, config)
        domain = self._domain(ctx, model, config, [current] if current else [])
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
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

    @api.model
    def _section_table(self, ctx, model, config):
        name, current = self._current_range(ctx, config)
        domain = self._domain(ctx, model, config, [current] if current else [])
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
            rows = [[{"value": _sort_value(g[s]), "text": ctx.format._group_label(model, s, g[s])} for s in groupby]
                    + [{"value": g[m], "text": ctx.format._format_value(g[m], kinds[m], ctx.currency)}
                       for m in measures] for g in groups]
        else:
            fields_ = config["fields"]
            ctx.policy.check_field_names(model, fields_, _("read"))
            order = ctx.policy.check_order(model, config.get("order")) or None
            records = model.search(domain, limit=config["limit"], order=order)
            records_data, _failed = ctx.scope.records.read(records, ["id", *fields_])
            columns = [{"key": f, "label": ctx.format._field_label(model, f, labels),
                        "numeric": model._fields[f].type in ("integer", "float", "monetary")} for f in fields_]
            rows = [[ctx.format._cell(model, f, row.get(f), ctx.currency, ctx.tz.zone) for f in fields_]
                    for row in records_data]
        result = {"columns": columns, "rows": rows}
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

    @api.model
    def _section_comparison(self, ctx, model, config):
        measures, labels = config["measures"], config.get("labels") or {}
        groupby = config.get("groupby") or []
        kinds = {m: ctx.format._value_format(model, m, config.get("format")) for m in measures}
        name, current = self._current_range(ctx, config)
        if config.get("compare_values"):
            spec = groupby[0]
            field_name = spec.split(":")[0]
            domain = expression.AND([self._domain(ctx, model, config, [current] if current else []),
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
                a = _or_zero(measure, values[0].get(key, {}).get(measure))
                b = _or_zero(measure, values[1].get(key, {}).get(measure))
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
        domain = self._domain(ctx, model, config, [current] if current else [])
        date_field, title_field = config["date_field"], config["title_field"]
        names = [date_field, title_field] + ([config["description_field"]] if config.get("description_field")
                                             else [])
        ctx.policy.check_field_names(model, names, _("read"))
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
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

    @api.model
    def _section_metric_grid(self, ctx, model, config):
        name, current = self._current_range(ctx, config)
        domain = self._domain(ctx, model, config, [current] if current else [])
        labels = config.get("labels") or {}
        if config.get("metrics"):
            metrics = config["metrics"]
            row = self._grouped(ctx, model, domain, [], [m["measure"] for m in metrics])[0]
            tiles = []
            for metric in metrics:
                measure = metric["measure"]
                kind = ctx.format._value_format(model, measure, metric.get("format"))
                value = _or_zero(measure, row[measure])
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
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

    @api.model
    def _section_heatmap(self, ctx, model, config):
        date_field, measure = config["date_field"], config["measure"]
        name, current = self._current_range(ctx, config)
        domain = self._domain(ctx, model, config, [current] if current else [])
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
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

    # ------------------------------------------------------------------
    # Filters shown to visitors
    # ------------------------------------------------------------------
    @api.model
    def _filter_info(self, ctx, page, page_filter, value):
        """A declared filter with its current value and the choices a visitor can pick, labelled."""
        info = {"name": page_filter["name"], "type": page_filter["type"], "value": value,
                "label": page_filter.get("label") or ""}
        if page_filter["type"] == "period":
            period_labels = ctx.format._period_labels()
            info["label"] = info["label"] or _("Period")
            info["choices"] = [{"value": c, "label": period_labels[c]} for c in page_filter["choices"]]
            return info
        model = next((ctx.scope.env[m] for m in page.section_ids.mapped("model_name")
                      if m and page_filter["field"] in ctx.scope.env[m]._fields), None)
        if model is None:
            info["choices"] = []
            return info
        field = model._fields[page_filter["field"]]
        info["label"] = info["label"] or field._description_string(ctx.scope.env)
        choices = page_filter.get("choices") or []
        if not choices and field.type == "selection":
            choices = [key for key, _label in field._description_selection(ctx.scope.env)]
        if not choices and field.type == "boolean":
            choices = [True, False]
        names = {}
        if field.type == "many2one" and choices:
            names = ctx.scope.records.visible_names(ctx.scope.env[field.comodel_name], choices)
        info["choices"] = [{"value": c, "label": names.get(c) or ctx.format._group_label(
            model, field.name, {"id": c} if field.type == "many2one" else c)} for c in choices]
        return info


def _sort_value(value):
    if isinstance(value, dict):
        return value.get("name") or value.get("id")
    return value


def _or_zero(measure, value):
    """No record counts and sums to 0; an average, minimum or maximum of nothing stays unknown (None)."""
    if value is None and (measure == "__count" or measure.rsplit(":", 1)[-1] in ("sum", "count", "count_distinct")):
        return 0
    return value


def _parts(measure):
    """The additive aggregates a measure is rebuilt from when buckets are added up."""
    if measure.endswith(":avg"):
        name = measure[:-len(":avg")]
        return ["%s:sum" % name, "%s:count" % name]
    return [measure]


def _merge(part, first, second):
    if first is None:
        return second
    if second is None:
        return first
    if part.endswith(":min"):
        return min(first, second)
    if part.endswith(":max"):
        return max(first, second)
    return first + second


def _combine(measure, parts):
    if measure.endswith(":avg"):
        name = measure[:-len(":avg")]
        total, count = parts.get("%s:sum" % name), parts.get("%s:count" % name)
        return round(total / count, 6) if count else None
    return parts.get(measure)
