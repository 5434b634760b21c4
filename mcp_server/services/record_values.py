"""Agent JSON values to Odoo values for create and write, checked against the policy (mixed into RecordAccess)."""
import base64
import datetime
import json

import pytz

from odoo import _, _lt
from odoo.exceptions import AccessError

from ..lib.answer_format import quote_input
from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError

# Models that render their texts as templates (``mail.render.mixin``: e-mail and SMS templates, mailings, ...)
# evaluate placeholders and QWeb when a person later sends them; these field types hold such texts.
RENDERED_TEXT_TYPES = ("char", "text", "html")
SCALAR_TYPES = {"integer": _lt("an integer"), "float": _lt("a number"), "monetary": _lt("an amount (a number)")}


class ValueConversion:
    """Needs ``self.env`` and ``self.policy`` (see ``RecordAccess``)."""

    def convert_values(self, model, values):
        """``{field: Odoo value}`` for ``create`` (``model`` empty) or ``write`` (``model``: the records written).

        ``values``: ``{field: JSON value}``; many2one takes an id, ``{"id": n}`` or a name; dates
        ``YYYY-MM-DD``; datetimes ISO 8601 (UTC unless an offset is given); x2many see ``convert_x2many``.
        Raises ``AccessDeniedByPolicy`` for a field the key may not write, ``ToolError`` for a bad value.
        """
        if not values:
            raise ToolError(_("'values' is empty: give at least one field to set."))
        self.policy.check_field_names(model, list(values), "write")
        self._check_no_template_text(model, values)
        converted = {}
        for name, value in values.items():
            field = model._fields[name]
            if name == "id":
                raise ToolError(_("'id' cannot be set."))
            converted[name] = self._convert_value(model, field, value)
        return converted

    def _check_no_template_text(self, model, values):
        """Refuse the text fields of a model that renders them as templates: placeholders there would run when
        a person sends the e-mail, past the key's field rules. Only ``draft_email_template`` writes such texts,
        checking each placeholder against the policy."""
        if not hasattr(model, "_render_field"):
            return
        texts = sorted(name for name in values if model._fields[name].type in RENDERED_TEXT_TYPES)
        if texts:
            raise AccessDeniedByPolicy(_(
                "Field(s) %(fields)s of %(model)s are rendered as templates when sent, so the generic tools do not "
                "write them; use draft_email_template, which checks each placeholder against this key's access.",
                fields=", ".join(texts), model=model._name))

    def _convert_value(self, model, field, value):
        if field.type in ("one2many", "many2many"):
            # null empties the relation, checked like any other change
            return self.convert_x2many(model, field, [] if value is None else value)
        if value is None:
            return False
        if field.type == "many2one":
            return self.resolve_ids(model, field, [value])[0]
        if field.type == "datetime":
            return _parse_datetime(field, value)
        if field.type == "date":
            return _parse_date(field, value)
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
        if field.type in SCALAR_TYPES:
            try:
                field.convert_to_cache(value, model.browse())
            except (ValueError, TypeError):
                raise ToolError(_("Field %(field)s takes %(kind)s, not %(value)s.", field=field.name,
                                  kind=SCALAR_TYPES[field.type],
                                  value=quote_input(json.dumps(value, ensure_ascii=False), 80))) from None
        return value

    def resolve_ids(self, model, field, values):
        """Ids of ``field``'s comodel for ``values`` (ids, ``{"id": n}`` or names), each one the key may reach.

        Raises ``AccessDeniedByPolicy`` for an id outside the policy's record domain, ``ToolError`` for a
        missing id or a name matching no record or several.
        """
        comodel = self.env[field.comodel_name].with_context(model.env.context)
        ids = []
        for value in values:
            if isinstance(value, dict) and isinstance(value.get("id"), int):
                value = value["id"]
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ToolError(_("Field %s takes ids or names.", field.name))
            if isinstance(value, str):
                value = self._resolve_name(comodel, field, value)
            ids.append(value)
        if self.policy.allows(comodel._name, "read"):
            self.policy.check_ids_in_scope(comodel, ids)
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

    def _resolve_name(self, comodel, field, name):
        if not self.policy.allows(comodel._name, "read") or not self.policy.name_search_field(comodel):
            raise ToolError(_("Field %(field)s: give the id; names can only be resolved for models whose names this "
                              "key may read (%(model)s is not one of them).", field=field.name, model=comodel._name))
        matches = self.name_search(comodel, name, [], "=ilike", 6, literal=True) or \
            self.name_search(comodel, name, [], "ilike", 6, literal=True)
        if len(matches) == 1:
            return matches[0][0]
        if not matches:
            archived = self.archived_matches(comodel, name, [], "ilike")
            raise ToolError(_("Field %(field)s: no %(model)s named '%(name)s' among the records this key may read."
                              "%(archived)s", field=field.name, model=comodel._name, name=quote_input(name, 80),
                              archived=_(" Only archived records match (%s): name_search with include_archived: "
                                         "true lists them; give the id to use one.", archived) if archived else ""))
        raise ToolError(_("Field %(field)s: '%(name)s' matches several %(model)s records, give the id: %(matches)s",
                          field=field.name, name=name, model=comodel._name,
                          matches=", ".join("%s (id %s)" % (label, rid) for rid, label in matches[:5])))


def _parse_date(field, value):
    if not isinstance(value, str) or len(value) < 10:
        raise ToolError(_("Field %s takes a date as YYYY-MM-DD.", field.name))
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ToolError(_("Field %(field)s: %(value)s is not a date (YYYY-MM-DD).",
                          field=field.name, value=value)) from None


def _parse_datetime(field, value):
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
