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
    user_tz,
)
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.osv import expression

from ..lib.html import sanitize_body
from ..lib.measures import additive_parts, combine_parts, merge_part, or_zero

_logger = logging.getLogger(__name__)

EXPECTED_FAILURES = (ToolError, AccessError, MissingError, UserError, ValidationError)


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
            ctx.policy.check_field_names(model, [field.name], "filter")
            domain = expression.AND([domain, expression.OR([
                day_range_domain(field, start, end, ctx.tz) for start, end in day_ranges])])
        return domain

    @api.model
    def _current_range(self, ctx, config):
        name = self._period_name(ctx, config)
        return name, (period_range(name, ctx.today, ctx.week_start) if name else None)

    @api.model
    def _current_domain(self, ctx, model, config, current):
        """The section's domain within the ``current`` (start, end) days, or over all time when None."""
        return self._domain(ctx, model, config, [current] if current else [])

    @api.model
    def _with_period(self, ctx, result, name, current):
        """``result`` (a section's figures) with the period it covers under ``period``, if it has one."""
        if name:
            result["period"] = ctx.format._period_info(name, current)
        return result

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
        return or_zero(measure, self._grouped(ctx, model, domain, [], [measure])[0][measure])

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
        parts = list(dict.fromkeys(p for m in measures for p in additive_parts(m)))
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
                        bucket[part] = merge_part(part, bucket.get(part), group[part])
        return [{key: {m: combine_parts(m, parts_) for m in measures} for key, parts_ in found.items()}
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
