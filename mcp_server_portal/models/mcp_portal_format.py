"""How figures read for a page are shown: numbers, money, dates and group names in the page's language."""
import datetime

import babel.dates

from odoo import _, api, models
from odoo.tools.misc import babel_locale_parse, format_amount, format_date, format_datetime, formatLang

EMPTY = "\u2014"


class McpPortalFormat(models.AbstractModel):
    _name = "mcp.portal.format"
    _description = "MCP portal page value formatting"

    @api.model
    def _period_labels(self):
        return {
            "today": _("Today"), "yesterday": _("Yesterday"), "last_7_days": _("Last 7 days"),
            "last_30_days": _("Last 30 days"), "last_90_days": _("Last 90 days"),
            "last_365_days": _("Last 365 days"), "this_week": _("This week"), "last_week": _("Last week"),
            "this_month": _("This month"), "last_month": _("Last month"), "month_to_date": _("Month to date"),
            "this_quarter": _("This quarter"), "last_quarter": _("Last quarter"),
            "quarter_to_date": _("Quarter to date"), "this_year": _("This year"), "last_year": _("Last year"),
            "year_to_date": _("Year to date"), "all": _("All time"), "previous": _("Previous period"),
        }

    @api.model
    def _range_text(self, day_range):
        if not day_range:
            return _("All time")
        start, end = day_range
        if start == end:
            return format_date(self.env, start)
        return "%s \u2013 %s" % (format_date(self.env, start), format_date(self.env, end))

    @api.model
    def _period_info(self, name, day_range):
        return {"name": name, "label": self._period_labels().get(name, name),
                "from": day_range[0].isoformat() if day_range else None,
                "to": day_range[1].isoformat() if day_range else None, "text": self._range_text(day_range)}

    # ------------------------------------------------------------------
    # Measures
    # ------------------------------------------------------------------
    @api.model
    def _value_format(self, model, measure, requested="auto"):
        """money, integer or number: how a measure is best shown unless the section says otherwise."""
        if requested and requested != "auto":
            return requested
        if measure == "__count":
            return "integer"
        name, _sep, aggregate = measure.partition(":")
        field = model._fields[name]
        if aggregate in ("count", "count_distinct"):
            return "integer"
        if field.type == "monetary":
            return "money"
        if field.type == "integer" and aggregate != "avg":
            return "integer"
        return "number"

    @api.model
    def _format_value(self, value, kind, currency):
        if value is None or value is False:
            return EMPTY
        if kind == "money":
            return format_amount(self.env, value, currency)
        if kind == "integer":
            return formatLang(self.env, value, digits=0)
        if kind == "percent":
            return "%s\N{NO-BREAK SPACE}%%" % formatLang(self.env, value, digits=1)
        digits = 0 if float(value).is_integer() else 2
        return formatLang(self.env, value, digits=digits)

    @api.model
    def _measure_label(self, model, measure, labels):
        if labels.get(measure):
            return labels[measure]
        if measure == "__count":
            return _("Count")
        name, _sep, aggregate = measure.partition(":")
        string = model._fields[name]._description_string(self.env)
        names = {"sum": _("Total"), "avg": _("Average"), "min": _("Minimum"), "max": _("Maximum"),
                 "count": _("Count"), "count_distinct": _("Distinct")}
        return string if aggregate == "sum" else "%s (%s)" % (string, names.get(aggregate, aggregate))

    @api.model
    def _field_label(self, model, spec, labels):
        if labels.get(spec):
            return labels[spec]
        name = spec.split(":")[0]
        return labels.get(name) or model._fields[name]._description_string(self.env)

    # ------------------------------------------------------------------
    # Group values and record values
    # ------------------------------------------------------------------
    @api.model
    def _group_label(self, model, spec, value):
        """The visible name of a group value as returned by the analytics helper."""
        name, _sep, granularity = spec.partition(":")
        field = model._fields[name]
        if value is None or (value is False and field.type != "boolean"):
            return _("None")
        if field.type == "many2one":
            return value.get("name") or "#%s" % value["id"]
        if field.type == "boolean":
            return _("Yes") if value else _("No")
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, str(value))
        if field.type in ("date", "datetime") and granularity:
            return self._granularity_label(value, granularity)
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return str(value)

    @api.model
    def _granularity_label(self, value, granularity):
        locale = babel_locale_parse(self.env.context.get("lang") or "en_US")
        if granularity == "day_of_week":
            # PostgreSQL counts days from Sunday (0); babel from Monday (0).
            return babel.dates.get_day_names("abbreviated", locale=locale)[(int(value) + 6) % 7]
        if granularity == "hour_number":
            return "%02d:00" % int(value)
        if granularity == "month_number":
            return babel.dates.get_month_names("abbreviated", locale=locale)[int(value)]
        if not isinstance(value, str):
            return str(value)
        day = datetime.date.fromisoformat(value[:10])
        if granularity == "day":
            return format_date(self.env, day)
        if granularity == "week":
            return _("Week %(week)s, %(year)s", week=day.isocalendar()[1], year=day.isocalendar()[0])
        if granularity == "month":
            return format_date(self.env, day, date_format="MMM yyyy")
        if granularity == "quarter":
            return _("Q%(quarter)s %(year)s", quarter=(day.month - 1) // 3 + 1, year=day.year)
        return str(day.year)

    @api.model
    def _cell(self, model, name, value, currency, tz):
        """``{"value", "text"}`` of a record field value as the records helper returns it."""
        field = model._fields[name]
        if field.type == "boolean":
            return {"value": bool(value), "text": _("Yes") if value else _("No")}
        if value is None or value is False:
            return {"value": None, "text": ""}
        if field.type == "many2one":
            return {"value": value.get("name") or "", "text": value.get("name") or "#%s" % value["id"]}
        if field.type == "selection":
            return {"value": value, "text": dict(field._description_selection(self.env)).get(value, value)}
        if field.type == "date":
            return {"value": value, "text": format_date(self.env, datetime.date.fromisoformat(value))}
        if field.type == "datetime":
            moment = datetime.datetime.fromisoformat(value.rstrip("Z"))
            return {"value": value, "text": format_datetime(self.env, moment, tz=tz, dt_format="medium")}
        if field.type == "monetary":
            return {"value": value, "text": format_amount(self.env, value, currency)}
        if field.type in ("integer", "float"):
            return {"value": value, "text": self._format_value(value, "integer" if field.type == "integer"
                                                              else "number", currency)}
        text = str(value)
        return {"value": text, "text": text if len(text) <= 300 else text[:299] + "\u2026"}
