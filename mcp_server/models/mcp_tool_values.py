"""Conversions between agent-friendly JSON values and Odoo values, shared by tool families."""
import base64
import datetime

import pytz

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import escape_psql

from ..lib.answer_format import quote_input
from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.odoo_errors import safe_odoo_message

DEFAULT_FIELD_HINTS = (
    "state", "email", "phone", "partner_id", "date", "date_order", "amount_total", "currency_id",
    "list_price", "default_code", "ref", "stage_id", "user_id", "city", "country_id", "company_id",
)
MAX_DEFAULT_FIELDS = 10
MAX_BINARY_BYTES = 1024 * 1024
HEAVY_TYPES = ("binary", "html", "properties", "properties_definition", "json")
MAGIC_FIELDS = ("create_uid", "create_date", "write_uid", "write_date", "__last_update")


class McpToolValues(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    # ------------------------------------------------------------------
    # Environment: lang / tz / companies requested by the agent
    # ------------------------------------------------------------------
    @api.model
    def _model_env(self, call, model_name, operation, options):
        """The model as the caller, with the requested context, after the policy check."""
        model = call.policy.check_model(self.env, model_name, operation)
        return self._apply_context_options(model, options or {})

    @api.model
    def _apply_context_options(self, model, options):
        user = self.env.user
        context = {}
        if options.get("lang"):
            langs = {code for code, _name in self.env["res.lang"].get_installed()}
            if options["lang"] not in langs:
                raise ToolError(_("Language %(lang)s is not installed; installed: %(langs)s.",
                                  lang=options["lang"], langs=", ".join(sorted(langs))))
            context["lang"] = options["lang"]
        if options.get("tz"):
            if options["tz"] not in pytz.all_timezones_set:
                raise ToolError(_("Unknown timezone %s; use an IANA name such as Europe/Brussels.", options["tz"]))
            context["tz"] = options["tz"]
        company_ids = list(options.get("allowed_company_ids") or [])
        if options.get("company_id"):
            company_ids = [options["company_id"]] + [c for c in company_ids if c != options["company_id"]]
        if company_ids:
            foreign = [c for c in company_ids if c not in user.company_ids.ids]
            if foreign:
                raise AccessDeniedByPolicy(_("Company id(s) %(ids)s are not among this user's companies (%(own)s).",
                                             ids=foreign, own=user.company_ids.ids))
            context["allowed_company_ids"] = company_ids
        return model.with_context(**context) if context else model

    # ------------------------------------------------------------------
    # Fields to read
    # ------------------------------------------------------------------
    @api.model
    def _default_field_names(self, model, policy):
        readable = set(policy.readable_field_names(model))
        names = ["id"]
        if "display_name" in readable:
            names.append("display_name")
        candidates = [model._rec_name] + list(DEFAULT_FIELD_HINTS) + [
            name for name, field in model._fields.items() if field.required and field.store]
        for name in candidates:
            field = model._fields.get(name)
            if (name and name in readable and name not in names and name not in MAGIC_FIELDS
                    and field.type not in HEAVY_TYPES and not (field.type == "many2one" and name == "company_id"
                                                              and len(self.env.user.company_ids) < 2)):
                names.append(name)
            if len(names) >= MAX_DEFAULT_FIELDS:
                break
        return names

    @api.model
    def _fields_to_read(self, model, policy, requested):
        if not requested:
            return self._default_field_names(model, policy)
        requested = list(dict.fromkeys(requested))
        policy.check_field_names(model, requested, "read")
        return requested if "id" in requested else ["id", *requested]

    # ------------------------------------------------------------------
    # Odoo values -> JSON
    # ------------------------------------------------------------------
    @api.model
    def _read_records(self, records, field_names, policy, fetched=False):
        """Read records field by field if needed, so one failing field does not fail the read.

        ``fetched``: the records come from ``search_fetch`` of these fields, which applied the access
        rules already, so the values are formatted from the cache without checking access again.
        Returns ``(rows, failed)`` where ``failed`` maps a field name to the reason.
        """
        # Computed fields whose sources the key may not read are left out, with the reason.
        failed = policy.withheld_fields(records, field_names)
        names = [n for n in field_names if n != "id" and n not in failed]
        try:
            rows = records._read_format(fnames=names, load=None) if fetched else records.read(names, load=None)
        except Exception:  # noqa: BLE001 - isolate the failing field(s) below
            rows = [{"id": rid} for rid in records.ids]
            by_id = {row["id"]: row for row in rows}
            for name in names:
                try:
                    with self.env.cr.savepoint():
                        for value in records.read([name], load=None):
                            by_id[value["id"]][name] = value[name]
                except Exception as exc:  # noqa: BLE001 - report, do not fail the whole read
                    failed[name] = safe_odoo_message(str(exc.args[0]) if exc.args else type(exc).__name__)[:300]
            names = [n for n in names if n not in failed]
        labels = self._relational_labels(records, rows, names, policy)
        return [self._format_row(records, row, names, labels) for row in rows], failed

    @api.model
    def _relational_labels(self, records, rows, names, policy):
        """``{(comodel, id): name}`` for many2one values the policy lets the key see."""
        wanted = {}
        for name in names:
            field = records._fields[name]
            if field.type == "many2one":
                ids = {row[name] for row in rows if row.get(name)}
                if ids:
                    wanted.setdefault(field.comodel_name, set()).update(ids)
        labels = {}
        for comodel_name, ids in wanted.items():
            comodel = self.env[comodel_name].with_context(records.env.context)
            for record_id, label in self._visible_names(comodel, ids, policy).items():
                labels[(comodel_name, record_id)] = label
        return labels

    @api.model
    def _visible_names(self, comodel, ids, policy):
        """``{id: label}`` of the records among ``ids`` the key may see: their display name when the key may
        read what it is computed from, else their own name (``_rec_name``)."""
        label = policy.label_field(comodel) if policy.allows(comodel._name, "read") else None
        if not label:
            return {}
        names = {}
        for record in comodel.browse(sorted(policy.ids_in_scope(comodel, ids))):
            try:
                names[record.id] = record[label]
            except Exception:  # noqa: BLE001 - a label we may not read stays out
                continue
        return names

    @api.model
    def _format_row(self, records, row, names, labels):
        formatted = {"id": row["id"]}
        for name in names:
            if name in row:
                formatted[name] = self._format_value(records._fields[name], row[name], labels)
        return formatted

    @api.model
    def _format_value(self, field, value, labels):
        if field.type == "boolean":
            return bool(value)
        if value is False or value is None:
            return [] if field.type in ("one2many", "many2many") else None
        if field.type == "many2one":
            value_id = value[0] if isinstance(value, (list, tuple)) else value
            label = labels.get((field.comodel_name, value_id))
            return {"id": value_id, "name": label} if label is not None else {"id": value_id}
        if field.type in ("one2many", "many2many"):
            return list(value)
        if field.type == "datetime":
            return value.replace(microsecond=0).isoformat() + "Z" if isinstance(value, datetime.datetime) else value
        if field.type == "date":
            return value.isoformat() if isinstance(value, datetime.date) else value
        if field.type == "binary":
            data = value.decode() if isinstance(value, bytes) else value
            size = len(data) * 3 // 4
            if size > MAX_BINARY_BYTES:
                return {"omitted": _("binary content of %s bytes is over the 1 MB limit", size), "size": size}
            return data
        return value

    # ------------------------------------------------------------------
    # JSON -> Odoo values
    # ------------------------------------------------------------------
    @api.model
    def _convert_values(self, model, values, policy):
        """Validate and convert agent values for create (``model`` empty) or write (``model``: the records)."""
        if not values:
            raise ToolError(_("'values' is empty: give at least one field to set."))
        policy.check_field_names(model, list(values), "write")
        converted = {}
        for name, value in values.items():
            field = model._fields[name]
            if name == "id":
                raise ToolError(_("'id' cannot be set."))
            converted[name] = self._convert_value(model, field, value, policy)
        return converted

    @api.model
    def _convert_value(self, model, field, value, policy):
        if field.type in ("one2many", "many2many"):
            # see mcp_tool_x2many.py; null empties the relation, checked like any other change
            return self._convert_x2many(model, field, [] if value is None else value, policy)
        if value is None:
            return False
        if field.type == "many2one":
            return self._resolve_ids(model, field, [value], policy)[0]
        if field.type == "datetime":
            return self._parse_datetime(field, value)
        if field.type == "date":
            if not isinstance(value, str) or len(value) < 10:
                raise ToolError(_("Field %s takes a date as YYYY-MM-DD.", field.name))
            try:
                return datetime.date.fromisoformat(value[:10])
            except ValueError:
                raise ToolError(_("Field %(field)s: %(value)s is not a date (YYYY-MM-DD).",
                                  field=field.name, value=value)) from None
        if field.type == "binary" and isinstance(value, str):
            try:
                base64.b64decode(value, validate=True)
            except ValueError:
                raise ToolError(_("Field %s takes base64-encoded content.", field.name)) from None
        if field.type == "selection" and value is not False:
            allowed = [key for key, _label in field._description_selection(model.env)]
            if value not in allowed:
                raise ToolError(_("Field %(field)s takes one of: %(values)s.", field=field.name,
                                  values=", ".join(map(str, allowed))))
        return value

    @api.model
    def _parse_datetime(self, field, value):
        if not isinstance(value, str):
            raise ToolError(_("Field %s takes an ISO 8601 date and time, e.g. 2025-01-31T14:00:00Z.", field.name))
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ToolError(_("Field %(field)s: %(value)s is not an ISO 8601 date and time.",
                              field=field.name, value=value)) from None
        if parsed.tzinfo is None:
            # As the tools document it: UTC unless an offset is given (the same as the values they return).
            return parsed
        return parsed.astimezone(pytz.UTC).replace(tzinfo=None)

    @api.model
    def _resolve_ids(self, model, field, values, policy):
        """Turn ids, ``{"id": n}`` or names into ids of ``field``'s comodel."""
        comodel = self.env[field.comodel_name].with_context(model.env.context)
        ids = []
        for value in values:
            if isinstance(value, dict) and isinstance(value.get("id"), int):
                value = value["id"]
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ToolError(_("Field %s takes ids or names.", field.name))
            if isinstance(value, str):
                value = self._resolve_name(comodel, field, value, policy)
            ids.append(value)
        if policy.allows(comodel._name, "read"):
            policy.check_ids_in_scope(comodel, ids)
        else:
            # A search as the user, not exists(): ids hidden by record rules get the answer of missing ones.
            try:
                found = comodel.with_context(active_test=False).search([("id", "in", ids)]).ids
            except AccessError:
                found = ids  # Odoo's access rights decide at write time, without naming any record.
            missing = set(ids) - set(found)
            if missing:
                raise ToolError(_("Field %(field)s: no %(model)s with id(s) %(ids)s that this key's user may see.",
                                  field=field.name, model=comodel._name, ids=sorted(missing)))
        return ids

    @api.model
    def _name_search(self, model, policy, name, domain, operator, limit, literal=False):
        """``name_search`` within the policy: records in the key's domain, matched only on fields it may read
        (Odoo's own name search also looks at fields such as a partner's email), labelled as it may see them.

        ``literal``: ``%`` and ``_`` in ``name`` are plain characters, not wildcards.
        """
        domain = policy.secure_domain(model, domain)
        search_field = policy.name_search_field(model)
        if not search_field:
            raise AccessDeniedByPolicy(_("Names of %s may not be read with this key.", model._name))
        if literal and operator in ("=ilike", "ilike", "=like", "like"):
            name = escape_psql(name)
        if search_field == "display_name" and not literal:
            matches = model.name_search(name, domain, operator=operator, limit=limit)
        else:
            records = model.search(expression.AND([domain, [(search_field, operator, name)]]), limit=limit)
            matches = [(record.id, None) for record in records]
        labels = self._visible_names(model, [rid for rid, _label in matches], policy)
        return [(rid, labels.get(rid)) for rid, _label in matches if rid in labels]

    @api.model
    def _resolve_name(self, comodel, field, name, policy):
        if not policy.allows(comodel._name, "read") or not policy.name_search_field(comodel):
            raise ToolError(_("Field %(field)s: give the id; names can only be resolved for models whose names this "
                              "key may read (%(model)s is not one of them).", field=field.name, model=comodel._name))
        matches = self._name_search(comodel, policy, name, [], "=ilike", 6, literal=True) or \
            self._name_search(comodel, policy, name, [], "ilike", 6, literal=True)
        if len(matches) == 1:
            return matches[0][0]
        if not matches:
            archived = self._archived_name_matches(comodel, policy, name, [], "ilike")
            raise ToolError(_("Field %(field)s: no %(model)s named '%(name)s' among the records this key may read."
                              "%(archived)s", field=field.name, model=comodel._name, name=quote_input(name, 80),
                              archived=_(" Only archived records match (%s): name_search with include_archived: "
                                         "true lists them; give the id to use one.", archived) if archived else ""))
        raise ToolError(_("Field %(field)s: '%(name)s' matches several %(model)s records, give the id: %(matches)s",
                          field=field.name, name=name, model=comodel._name,
                          matches=", ".join("%s (id %s)" % (label, rid) for rid, label in matches[:5])))
