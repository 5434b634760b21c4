"""Records under an access policy: the public service tools, resources, prompts and sibling addons read with.

``RecordAccess(env, policy)`` acts as ``env``'s user (never sudo) within ``policy`` (an ``AccessPolicy``):
every model, field, domain, order and id goes through the policy before the ORM sees it. Denials raise
``AccessDeniedByPolicy`` (the policy's refusal, with a reason an agent can act on); bad input raises
``ToolError``. Both come from ``odoo.addons.mcp_server.lib.jsonrpc``.
"""
import datetime

import pytz

from odoo import _
from odoo.osv import expression
from odoo.tools import escape_psql

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.odoo_errors import safe_odoo_message
from .record_values import ValueConversion
from .users import UserLabels
from .x2many import X2manyConversion

DEFAULT_FIELD_HINTS = (
    "state", "email", "phone", "partner_id", "date", "date_order", "amount_total", "currency_id",
    "list_price", "default_code", "ref", "stage_id", "user_id", "city", "country_id", "company_id",
)
MAX_DEFAULT_FIELDS = 10
MAX_BINARY_BYTES = 1024 * 1024
HEAVY_TYPES = ("binary", "html", "properties", "properties_definition", "json")
MAGIC_FIELDS = ("create_uid", "create_date", "write_uid", "write_date", "__last_update")
CONTEXT_OPTIONS = ("lang", "tz", "company_id", "allowed_company_ids")


class RecordAccess(ValueConversion, X2manyConversion, UserLabels):
    """Search, read, label and convert values of records as ``env``'s user, within ``policy``."""

    def __init__(self, env, policy):
        self.env = env
        self.policy = policy

    # ------------------------------------------------------------------
    # Models and searches
    # ------------------------------------------------------------------
    def model(self, model_name, operation="read", options=None):
        """The model ``model_name`` for ``operation`` (read, create, write, unlink) after the policy check.

        ``options``: ``{lang, tz, company_id, allowed_company_ids}`` asked by the caller, applied to the
        context; any other key is refused. Raises ``AccessDeniedByPolicy`` (model or operation refused, a
        company not the user's) or ``ToolError`` (unknown model, option, language or time zone).
        """
        model = self.policy.check_model(self.env, model_name, operation)
        return self._with_options(model, options or {})

    def _with_options(self, model, options):
        unknown = sorted(set(options) - set(CONTEXT_OPTIONS))
        if unknown:
            raise ToolError(_("context takes only %(keys)s; not %(unknown)s.", keys=", ".join(CONTEXT_OPTIONS),
                              unknown=", ".join(name[:40] for name in unknown[:5])))
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

    def search(self, model, domain=None, limit=None, offset=0, order=None):
        """Records of ``model`` (a name or a recordset) matching ``domain`` inside the policy's record domain.

        ``domain``: an Odoo domain (list); its fields are checked against the field allowlist, and
        ``order`` against the fields the key may sort by. Raises ``AccessDeniedByPolicy`` when the model,
        a field of the domain or of the order is refused.
        """
        if isinstance(model, str):
            model = self.model(model, "read")
        else:
            self.policy.check_model(self.env, model._name, "read")
        secured = self.policy.secure_domain(model, domain or [])
        checked_order = self.policy.check_order(model, order) if order else None
        return model.search(secured, limit=limit, offset=offset, order=checked_order or None)

    # ------------------------------------------------------------------
    # Fields to read
    # ------------------------------------------------------------------
    def default_field_names(self, model):
        """``["id", "display_name", ...]``: a few light fields the key may read (at most 10, no binaries)."""
        readable = set(self.policy.readable_field_names(model))
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

    def fields_to_read(self, model, requested):
        """``requested`` (with ``id`` first) after the policy check, or the default fields when empty."""
        if not requested:
            return self.default_field_names(model)
        requested = list(dict.fromkeys(requested))
        self.policy.check_field_names(model, requested, "read")
        return requested if "id" in requested else ["id", *requested]

    # ------------------------------------------------------------------
    # Odoo values -> JSON
    # ------------------------------------------------------------------
    def read(self, records, field_names, fetched=False):
        """Read ``records`` as JSON values, field by field if needed so one failing field does not fail the read.

        Returns ``(rows, failed)``: ``rows`` a list of ``{"id": n, field: value}`` (many2one as ``{id, name}``,
        the name only when the key may see it; datetimes ISO 8601 UTC with ``Z``; dates ``YYYY-MM-DD``;
        binaries base64, over 1 MB replaced by ``{omitted, size}``), ``failed`` ``{field: reason}``.
        ``fetched``: the records come from ``search_fetch`` of these fields, which applied the access rules
        already, so the values are formatted from the cache. Check ``field_names`` first (``fields_to_read``).
        """
        # Computed fields whose sources the key may not read are left out, with the reason.
        failed = self.policy.withheld_fields(records, field_names)
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
        labels = self._relational_labels(records, rows, names)
        return [self._format_row(records, row, names, labels) for row in rows], failed

    def _relational_labels(self, records, rows, names):
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
            for record_id, label in self.visible_names(comodel, ids).items():
                labels[(comodel_name, record_id)] = label
        return labels

    def visible_names(self, comodel, ids):
        """``{id: label}`` of the records among ``ids`` the key may see: their display name when the key may
        read what it is computed from, else their own name (``_rec_name``). Ids out of scope are left out."""
        policy = self.policy
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

    def _format_row(self, records, row, names, labels):
        formatted = {"id": row["id"]}
        for name in names:
            if name in row:
                formatted[name] = format_value(records._fields[name], row[name], labels)
        return formatted

    # ------------------------------------------------------------------
    # Names
    # ------------------------------------------------------------------
    def name_search(self, model, name, domain, operator, limit, literal=False):
        """``[(id, label)]``: ``name_search`` within the policy, matched only on fields the key may read
        (Odoo's own name search also looks at fields such as a partner's email), labelled as it may see them.

        ``literal``: ``%`` and ``_`` in ``name`` are plain characters, not wildcards. Raises
        ``AccessDeniedByPolicy`` when the key may read no name of ``model``.
        """
        policy = self.policy
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
        labels = self.visible_names(model, [rid for rid, _label in matches])
        return [(rid, labels.get(rid)) for rid, _label in matches if rid in labels]

    def archived_matches(self, model, name, domain, operator):
        """How many archived records match a name lookup that found no active one (0 when not relevant)."""
        if "active" not in model._fields or not model.env.context.get("active_test", True):
            return 0
        return len(self.name_search(model.with_context(active_test=False), name, domain, operator, 20))


def format_value(field, value, labels):
    """The JSON value of ``field``'s raw ``value`` (as ``read(load=None)`` gives it); ``labels``:
    ``{(comodel, id): name}`` of the many2one names the key may see."""
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
