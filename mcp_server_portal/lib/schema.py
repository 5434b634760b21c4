"""JSON Schemas of the portal page tools: one flat object per section, each type documented."""
from odoo.addons.mcp_server.lib.tool_schema import Lenient, domain_schema
from odoo.addons.mcp_server.services.periods import PERIODS

SECTION_TYPES = ("kpi", "chart", "table", "progress", "comparison", "timeline", "metric_grid", "heatmap",
                 "rich_text")
CHART_TYPES = ("bar", "line", "area", "pie", "doughnut")
WIDTHS = ("full", "half", "third")
FORMATS = ("auto", "number", "integer", "money", "percent")
VISIBILITIES = ("public", "users", "token")
THEME_MODES = ("light", "dark", "auto")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
FILTER_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
MAX_SECTIONS = 30
# A filter value: declared as text (as it comes in a URL); ids and booleans are taken too.
SCALAR = Lenient({"type": "string"}, ("string", "integer", "boolean"))

SECTION_TYPES_DOC = (
    "Section types and what each needs (every data section takes model, domain, and date_field + period "
    "to restrict it to a period):\n"
    "- kpi: one big number. measure (default '__count'); with a period it also shows the previous period "
    "and the change (compare: false to hide it; lower_is_better: true when a drop is good).\n"
    "- chart: chart_type (bar, line, area, pie, doughnut), groupby (1 field, or 2 for one series per value of "
    "the second; dates take a granularity such as 'date_order:month'), measures (up to 3; pie/doughnut: 1), "
    "limit, order, stacked.\n"
    "- table: either fields (a list of records, e.g. ['name', 'date_order', 'amount_total']) or groupby + "
    "measures (grouped totals); limit, order. Money and dates are formatted; columns are sortable.\n"
    "- progress: measure and target (a number): the value against the target.\n"
    "- comparison: measures side by side either for two periods (date_field, period = the current one, "
    "compare_period = the other, default the previous one; optional groupby with 1 field) or for two groups "
    "(groupby with 1 field and compare_values with its 2 values, e.g. two salespeople ids).\n"
    "- timeline: dated events, newest first: date_field, title_field (default the record name), "
    "description_field, limit.\n"
    "- metric_grid: several small numbers from one query: metrics ([{measure, label, format}]), or groupby "
    "(1 field) + measure for one tile per group.\n"
    "- heatmap: a 7 x 24 grid of weekday x hour: date_field (a datetime field), measure (default '__count').\n"
    "- rich_text: body, HTML (sanitised: no scripts, styles or event handlers)."
)

SECTION = {
    "type": "object",
    "description": "One block of the page.",
    "properties": {
        "type": {"type": "string", "enum": list(SECTION_TYPES), "description": SECTION_TYPES_DOC},
        "title": {"type": "string", "maxLength": 120, "description": "Heading of the section."},
        "description": {"type": "string", "maxLength": 500, "description": "A short line under the title."},
        "width": {"type": "string", "enum": list(WIDTHS),
                  "description": "Share of the row on wide screens (default: third for kpi and progress, "
                                 "half for chart, comparison and metric_grid, full otherwise)."},
        "model": {"type": "string", "description": "Data sections: technical model name, e.g. 'sale.order'."},
        "domain": domain_schema("Data sections: filter as text, e.g. [[\"state\", \"=\", \"sale\"]] (a JSON array "
                                "is taken too). The key's own record domain always applies."),
        "date_field": {"type": "string", "description": "Date or datetime field the period applies to."},
        "period": {"type": "string", "enum": list(PERIODS),
                   "description": "Period of date_field to show (default 'all', or the page's period filter)."},
        "measure": {"type": "string",
                    "description": "'field:aggregate' (sum, avg, min, max, count, count_distinct) or '__count' "
                                   "for the number of records, e.g. 'amount_total:sum'."},
        "measures": {"type": "array", "items": {"type": "string"}, "maxItems": 6,
                     "description": "Several measures (chart, table, comparison)."},
        "groupby": {"type": "array", "items": {"type": "string"}, "maxItems": 3,
                    "description": "Fields to group by; dates take a granularity: 'date_order:month' "
                                   "(day, week, month, quarter, year)."},
        "limit": {"type": "integer", "minimum": 1, "maximum": 500,
                  "description": "Maximum rows, groups or events."},
        "order": {"type": "string",
                  "description": "Sort order: 'field desc' for records, 'amount_total:sum desc' for groups."},
        "format": {"type": "string", "enum": list(FORMATS),
                   "description": "How values are shown; auto: money for monetary fields, whole numbers for "
                                  "counts."},
        "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 80},
                   "description": "Display names of measures, groupby fields or table fields, e.g. "
                                  "{\"amount_total:sum\": \"Revenue\"}."},
        "chart_type": {"type": "string", "enum": list(CHART_TYPES), "description": "chart: the kind of chart."},
        "stacked": {"type": "boolean", "description": "chart: stack the series (bar, area)."},
        "fields": {"type": "array", "items": {"type": "string"}, "maxItems": 12,
                   "description": "table: the record fields to show as columns."},
        "target": {"type": "number", "description": "progress: the value to reach."},
        "compare": {"type": "boolean", "description": "kpi: show the previous period and the change (default "
                                                      "true when a period is set)."},
        "lower_is_better": {"type": "boolean", "description": "kpi, comparison: a decrease is shown as good."},
        "compare_period": {"type": "string", "enum": list(PERIODS),
                           "description": "comparison: the period to compare with (default the previous one)."},
        "compare_values": {"type": "array", "items": SCALAR,
                           "minItems": 2, "maxItems": 2,
                           "description": "comparison: the two values of the groupby field to compare."},
        "title_field": {"type": "string", "description": "timeline: field used as the event title."},
        "description_field": {"type": "string", "description": "timeline: field shown under the title."},
        "metrics": {
            "type": "array", "maxItems": 12, "description": "metric_grid: the tiles.",
            "items": {"type": "object", "properties": {
                "measure": {"type": "string"}, "label": {"type": "string", "maxLength": 80},
                "format": {"type": "string", "enum": list(FORMATS)}},
                "required": ["measure"], "additionalProperties": False},
        },
        "body": {"type": "string", "maxLength": 50000, "description": "rich_text: the HTML content."},
    },
    "required": ["type"],
    "additionalProperties": False,
}

FILTER = {
    "type": "object",
    "description": "A URL parameter visitors may use to narrow the page, e.g. ?period=last_30_days&company=2. "
                   "Nothing else in the URL changes the data.",
    "properties": {
        "name": {"type": "string", "pattern": FILTER_NAME_PATTERN, "description": "URL parameter name."},
        "label": {"type": "string", "maxLength": 60},
        "type": {"type": "string", "enum": ["period", "field"],
                 "description": "period: replaces the period of every section that has a date_field. "
                                "field: keeps records whose field equals the value, in every section whose "
                                "model has that field."},
        "field": {"type": "string", "description": "field filters: the field, e.g. 'company_id'."},
        "choices": {"type": "array", "items": SCALAR, "maxItems": 50,
                    "description": "Allowed values (periods for a period filter; ids, selection keys or "
                                   "booleans for a field filter); shown as a drop-down. Required for text "
                                   "fields."},
        "default": Lenient({"type": "string", "description": "Value used when the URL has none."}, SCALAR.accepts),
    },
    "required": ["name", "type"],
    "additionalProperties": False,
}

THEME = {
    "type": "object",
    "description": "Look of the page.",
    "properties": {
        "mode": {"type": "string", "enum": list(THEME_MODES), "description": "auto follows the visitor's system."},
        "accent_color": {"type": "string", "description": "Main colour, hex like '#1f6feb'."},
        "secondary_color": {"type": "string", "description": "Second chart colour, hex."},
        "logo_url": {"type": "string", "maxLength": 500,
                     "description": "https:// address of a logo image, or a path on this server."},
    },
    "additionalProperties": False,
}

PAGE_PROPERTIES = {
    "title": {"type": "string", "minLength": 1, "maxLength": 120},
    "description": {"type": "string", "maxLength": 1000, "description": "Plain text under the title."},
    "visibility": {"type": "string", "enum": list(VISIBILITIES),
                   "description": "public: anyone with the link; users: logged-in portal or internal users; "
                                  "token: only with the secret link returned here. Default public."},
    "theme": THEME,
    "cache_seconds": {"type": "integer", "minimum": 0, "maximum": 86400,
                      "description": "How long computed figures are reused (default 300)."},
    "filters": {"type": "array", "items": FILTER, "maxItems": 8},
    "sections": {"type": "array", "items": SECTION, "maxItems": MAX_SECTIONS,
                 "description": "The blocks of the page, in order."},
}
PAGE_REF = {"type": "string", "description": "The page's slug (or its id as a string)."}

PAGE_OUTPUT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "title": {"type": "string"},
        "description": {"type": "string"}, "visibility": {"type": "string"}, "published": {"type": "boolean"},
        "url": {"type": "string"}, "data_url": {"type": "string"}, "embed_url": {"type": "string"},
        "backend_url": {"type": "string"}, "cache_seconds": {"type": "integer"}, "theme": {"type": "object"},
        "filters": {"type": "array"}, "sections": {"type": "array"}, "data": {"type": "object"},
        "message": {"type": "string"},
    },
    "required": ["id", "slug", "title", "published", "url"],
}
