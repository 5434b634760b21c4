"""Validation of page definitions: every error names the section (or filter) and the field at fault.

A definition is checked against the access policy of the credential the page is bound to, as that
credential's user: a page can only be built from what the key itself may read.
"""
import re
import unicodedata
from contextlib import contextmanager

from jsonschema import Draft202012Validator

from odoo import _, api, models
from odoo.addons.mcp_server.lib.domain_parser import DomainError, check_structure, parse_domain
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.lib.tool_schema import validation_schema
from odoo.addons.mcp_server.services import Analytics, RecordAccess
from odoo.addons.mcp_server.services.periods import PERIODS
from odoo.exceptions import ValidationError

from ..lib import colors
from ..lib.html import sanitize_body
from ..lib.schema import FILTER_NAME_PATTERN, MAX_SECTIONS, SECTION, SECTION_TYPES, SLUG_PATTERN

DATA_KEYS = {"model", "domain", "date_field", "period", "format", "labels"}
COMMON_KEYS = {"type", "title", "description", "width"}
TYPE_KEYS = {
    "kpi": DATA_KEYS | {"measure", "compare", "lower_is_better"},
    "chart": DATA_KEYS | {"chart_type", "groupby", "measure", "measures", "limit", "order", "stacked"},
    "table": DATA_KEYS | {"fields", "groupby", "measure", "measures", "limit", "order"},
    "progress": DATA_KEYS | {"measure", "target"},
    "comparison": DATA_KEYS | {"measure", "measures", "groupby", "compare_period", "compare_values",
                               "lower_is_better"},
    "timeline": DATA_KEYS | {"title_field", "description_field", "limit", "order"},
    "metric_grid": DATA_KEYS | {"metrics", "groupby", "measure", "limit"},
    "heatmap": DATA_KEYS | {"measure"},
    "rich_text": {"body"},
}
DEFAULT_WIDTHS = {"kpi": "third", "progress": "third", "chart": "half", "comparison": "half",
                  "metric_grid": "half"}
# (default, maximum) number of rows, groups or events.
LIMITS = {"chart": (50, 200), "table": (20, 200), "timeline": (20, 100), "metric_grid": (12, 24)}
TABLE_FIELD_TYPES = {"char", "text", "selection", "date", "datetime", "integer", "float", "monetary", "boolean",
                     "many2one"}
FILTER_FIELD_TYPES = {"many2one", "selection", "boolean", "integer", "char"}
RESERVED_FILTER_NAMES = {"token", "embed_token"}
DEFAULT_PERIOD_CHOICES = ("today", "last_7_days", "last_30_days", "last_90_days", "this_month", "last_month",
                          "this_quarter", "this_year", "last_year", "all")
LOGO_URL = re.compile(r"^(https://[^\s\"'<>]+|/(?!/)[^\s\"'<>]*)$")


@contextmanager
def located(where):
    """Prefix the message of any tool error raised inside with ``where`` (keeping its audit status)."""
    try:
        yield
    except ToolError as exc:
        if not exc.message.startswith(where):
            exc.message = "%s: %s" % (where, exc.message)
            exc.args = (exc.message,)
        raise


def slugify(text):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return slug if len(slug) >= 2 else "page-%s" % slug if slug else "page"


class EvaluationScope:
    """Whose data a page shows: the environment as the credential's user, its policy, and the MCP server's
    public services (``RecordAccess``, ``Analytics``) acting under them."""

    def __init__(self, env, policy, credential):
        self.env = env
        self.policy = policy
        self.credential = credential
        self.records = RecordAccess(env, policy)
        self.analytics = Analytics(env, policy)


class McpPortalSpec(models.AbstractModel):
    _name = "mcp.portal.spec"
    _description = "MCP portal page definition checks"

    # ------------------------------------------------------------------
    # Backend edits: the same checks, as validation errors
    # ------------------------------------------------------------------
    @api.model
    def _run_checks(self, check, *args):
        try:
            return check(*args)
        except ToolError as exc:
            raise ValidationError(exc.message) from None

    @api.model
    def _schema_errors(self, schema, value, where):
        """The JSON Schema errors of ``value`` (a definition typed in by hand), located, or ''."""
        errors = sorted(Draft202012Validator(validation_schema(schema)).iter_errors(value), key=lambda e: list(e.path))
        return "; ".join("%s: %s" % (".".join([where, *map(str, error.path)]), error.message)
                         for error in errors[:5])

    @api.model
    def _check_section_definition(self, scope, index, definition):
        errors = self._schema_errors(SECTION, definition, "sections[%s]" % index)
        if errors:
            raise ToolError(errors)
        return self._check_section(scope, index, definition)

    # ------------------------------------------------------------------
    # Page
    # ------------------------------------------------------------------
    @api.model
    def _page_values(self, raw, page=None):
        """Page fields from a tool's arguments (only those given when ``page`` is updated)."""
        values = {}
        if "title" in raw:
            title = (raw["title"] or "").strip()
            if not title:
                raise ToolError(_("title: give the page a title."))
            values["name"] = title
        for key in ("description", "visibility", "cache_seconds"):
            if key in raw:
                values[key] = raw[key]
        if "slug" in raw or page is None:
            values["slug"] = self._check_slug(raw.get("slug"), raw.get("title"), page)
        if "theme" in raw:
            values.update(self._theme_values(raw["theme"] or {}))
        return values

    @api.model
    def _check_slug(self, slug, title, page=None):
        pages = self.env["mcp.portal.page"].sudo().with_context(active_test=False)
        if not slug:
            base = slugify(title)
            slug, counter = base, 1
            while pages.search_count([("slug", "=", slug), ("id", "!=", page.id if page else 0)]):
                counter += 1
                slug = "%s-%s" % (base, counter)
            return slug
        if not re.match(SLUG_PATTERN, slug) or not 2 <= len(slug) <= 64:
            raise ToolError(_("slug: %r is not URL-safe; use 2 to 64 lower-case letters, digits and single "
                              "hyphens, e.g. 'sales-dashboard'.", slug))
        if pages.search_count([("slug", "=", slug), ("id", "!=", page.id if page else 0)]):
            raise ToolError(_("slug: %(slug)r is already used by another page; choose another, e.g. %(other)r.",
                              slug=slug, other="%s-2" % slug))
        return slug

    @api.model
    def _theme_values(self, theme):
        values = {}
        if "mode" in theme:
            values["theme_mode"] = theme["mode"]
        for key in ("accent_color", "secondary_color"):
            if key in theme:
                color = colors.normalize(theme[key]) if theme[key] else False
                if theme[key] and not color:
                    raise ToolError(_("theme.%(key)s: %(value)r is not a colour; use hex such as '#1f6feb'.",
                                      key=key, value=theme[key]))
                values[key] = color
        if "logo_url" in theme:
            url = (theme["logo_url"] or "").strip()
            if url and not LOGO_URL.match(url):
                raise ToolError(_("theme.logo_url: use an https:// address or a path on this server "
                                  "(starting with /)."))
            values["logo_url"] = url or False
        return values

    # ------------------------------------------------------------------
    # Sections
    # ------------------------------------------------------------------
    @api.model
    def _check_sections(self, scope, sections):
        """Normalised sections (``type``, ``title``, ``width`` and the rest as ``config``)."""
        if len(sections) > MAX_SECTIONS:
            raise ToolError(_("sections: at most %s sections per page.", MAX_SECTIONS))
        return [self._check_section(scope, index, raw) for index, raw in enumerate(sections)]

    @api.model
    def _section_label(self, index, raw):
        title = raw.get("title") if isinstance(raw.get("title"), str) else ""
        kind = raw.get("type") or "?"
        return "sections[%s] (%s%s)" % (index, kind, ' "%s"' % title[:40] if title else "")

    @api.model
    def _check_section(self, scope, index, raw):
        where = self._section_label(index, raw)
        kind = raw.get("type")
        if kind not in SECTION_TYPES:
            raise ToolError(_("%(where)s: type must be one of %(types)s.", where=where,
                              types=", ".join(SECTION_TYPES)))
        extra = sorted(set(raw) - COMMON_KEYS - TYPE_KEYS[kind])
        if extra:
            raise ToolError(_("%(where)s: %(keys)s not used by %(kind)s sections, which take %(allowed)s.",
                              where=where, keys=", ".join(extra), kind=kind,
                              allowed=", ".join(sorted(COMMON_KEYS | TYPE_KEYS[kind]))))
        config = {}
        if raw.get("description"):
            config["description"] = raw["description"]
        with located(where):
            if kind == "rich_text":
                config.update(self._check_rich_text(raw))
            else:
                config.update(self._check_data(scope, raw))
                model = scope.env[config["model"]]
                config.update(getattr(self, "_check_%s" % kind)(scope, model, raw, config))
        return {"type": kind, "title": raw.get("title") or "", "width": raw.get("width") or DEFAULT_WIDTHS.get(
            kind, "full"), "config": config}

    @api.model
    def _check_rich_text(self, raw):
        body = sanitize_body(raw.get("body"))
        if not body.strip():
            raise ToolError(_("body: give the HTML content of a rich_text section."))
        return {"body": str(body)}

    @api.model
    def _check_data(self, scope, raw):
        """model, domain, date_field, period, format and labels, common to every data section."""
        if not raw.get("model"):
            raise ToolError(_("model is required, e.g. 'sale.order'."))
        with located("model"):
            model = scope.policy.check_model(scope.env, raw["model"], "read")
        with located("domain"):
            try:
                domain = parse_domain(raw.get("domain"))
                check_structure(domain)
            except DomainError as exc:
                raise ToolError(_("invalid domain: %s", exc)) from None
            scope.policy.secure_domain(model, domain)
        config = {"model": model._name, "domain": domain, "format": raw.get("format") or "auto"}
        if raw.get("date_field"):
            with located("date_field"):
                config["date_field"] = self._check_date_field(scope, model, raw["date_field"])
            config["period"] = raw.get("period") or "all"
        elif raw.get("period"):
            raise ToolError(_("period needs a date_field (the date the period applies to)."))
        if raw.get("labels"):
            config["labels"] = {str(k): str(v) for k, v in raw["labels"].items()}
        return config

    @api.model
    def _check_date_field(self, scope, model, name, types=("date", "datetime")):
        scope.policy.check_field_names(model, [name], "filter")
        field = model._fields[name]
        if field.type not in types or not field.store:
            raise ToolError(_("%(name)s must be a stored %(types)s field; it is a %(type)s.", name=name,
                              types=" or ".join(types), type=field.type))
        return name

    @api.model
    def _measures(self, scope, model, raw, maximum, key="measures"):
        measures = raw.get("measures") or ([raw["measure"]] if raw.get("measure") else ["__count"])
        if raw.get("measures") and raw.get("measure"):
            raise ToolError(_("give either measure or measures, not both."))
        if len(measures) > maximum:
            raise ToolError(_("%(key)s: at most %(max)s measures here.", key=key, max=maximum))
        with located(key):
            return scope.analytics.check_measures(model, measures)

    @api.model
    def _groupby(self, scope, model, raw, minimum, maximum):
        groupby = raw.get("groupby") or []
        if not minimum <= len(groupby) <= maximum:
            if minimum == maximum:
                raise ToolError(_("groupby: give exactly %s field(s).", minimum))
            raise ToolError(_("groupby: give %(min)s to %(max)s fields.", min=minimum, max=maximum))
        with located("groupby"):
            return scope.analytics.check_groupby(model, groupby)

    @api.model
    def _limit(self, kind, raw):
        default, maximum = LIMITS[kind]
        limit = raw.get("limit") or default
        if limit > maximum:
            raise ToolError(_("limit: at most %(max)s for %(kind)s sections.", max=maximum, kind=kind))
        return limit

    @api.model
    def _group_order(self, scope, raw, groupby, measures):
        if not raw.get("order"):
            return {}
        with located("order"):
            return {"order": scope.analytics.check_order(raw["order"], groupby, measures)}

    # ------------------------------------------------------------------
    # URL filters
    # ------------------------------------------------------------------
    @api.model
    def _check_filters(self, scope, filters, sections):
        """Normalised filters; each field filter must be usable on every section model that has the field."""
        result, names = [], set()
        models_used = {s["config"]["model"] for s in sections if s["config"].get("model")}
        for index, raw in enumerate(filters):
            where = "filters[%s] (%s)" % (index, raw.get("name"))
            with located(where):
                name = raw.get("name") or ""
                if not re.match(FILTER_NAME_PATTERN, name) or name in RESERVED_FILTER_NAMES:
                    raise ToolError(_("name: use a short lower-case identifier such as 'period' or 'company' "
                                      "(not 'token')."))
                if name in names:
                    raise ToolError(_("name: another filter already uses %r.", name))
                names.add(name)
                if raw["type"] == "period":
                    result.append(self._check_period_filter(raw))
                else:
                    result.append(self._check_field_filter(scope, raw, models_used))
        return result

    @api.model
    def _check_period_filter(self, raw):
        if raw.get("field"):
            raise ToolError(_("field: a period filter applies to each section's date_field; remove field."))
        choices = list(raw.get("choices") or DEFAULT_PERIOD_CHOICES)
        wrong = [c for c in choices if c not in PERIODS]
        if wrong:
            raise ToolError(_("choices: unknown period(s) %(wrong)s; use %(all)s.", wrong=", ".join(map(str, wrong)),
                              all=", ".join(PERIODS)))
        default = raw.get("default")
        if default is not None and default not in choices:
            raise ToolError(_("default must be one of the choices."))
        result = {"name": raw["name"], "type": "period", "label": raw.get("label") or "", "choices": choices}
        if default is not None:
            result["default"] = default
        return result

    @api.model
    def _check_field_filter(self, scope, raw, models_used):
        name = raw.get("field")
        if not name:
            raise ToolError(_("field is required for a field filter, e.g. 'company_id'."))
        targets = [scope.env[m] for m in sorted(models_used) if name in scope.env[m]._fields]
        if not targets:
            raise ToolError(_("no section's model has a field %s.", name))
        with located("field"):
            for model in targets:
                scope.policy.check_field_names(model, [name], "filter")
                field = model._fields[name]
                if field.type not in FILTER_FIELD_TYPES or not field.store:
                    raise ToolError(_("%(field)s of %(model)s cannot be a URL filter (use a stored many2one, "
                                      "selection, boolean, integer or char field).", field=name, model=model._name))
        field = targets[0]._fields[name]
        if field.type == "char" and not raw.get("choices"):
            raise ToolError(_("choices: a text field filter needs the list of allowed values."))
        with located("choices"):
            choices = [self._field_value(targets[0], field, v) for v in raw.get("choices") or []]
        result = {"name": raw["name"], "type": "field", "field": name, "label": raw.get("label") or "",
                  "choices": choices}
        if raw.get("default") is not None:
            with located("default"):
                default = self._field_value(targets[0], field, raw["default"])
            if choices and default not in choices:
                raise ToolError(_("default must be one of the choices."))
            result["default"] = default
        return result

    @api.model
    def _field_value(self, model, field, value):
        """A filter or comparison value checked against the field's type (ids for relations)."""
        parsed = self._parse_field_value(model, field, value)
        if parsed is None:
            raise ToolError(_("%(value)r is not a valid value of %(field)s (%(type)s).", value=value,
                              field=field.name, type=field.type))
        return parsed

    @api.model
    def _parse_field_value(self, model, field, value):
        """The value as the field's type, or None when it is not one (also used for visitors' URL values)."""
        if isinstance(value, str):
            value = value.strip()
        if field.type in ("many2one", "integer"):
            if isinstance(value, bool):
                return None
            if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d{1,12}", value)):
                number = int(value)
                return number if field.type == "integer" or number > 0 else None
            return None
        if field.type == "boolean":
            if isinstance(value, bool):
                return value
            return {"true": True, "1": True, "false": False, "0": False}.get(str(value).lower())
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(model.env)]
            return value if value in keys else None
        if field.type == "char" and isinstance(value, str) and 0 < len(value) <= 100:
            return value
        return None
