"""Read-only views of records for prompt templates.

A template reads ``record.partner_id.name`` and gets text formatted as a person would read
it in the form (dates and numbers in the user's language, datetimes in the user's time zone,
amounts with their currency, selection labels, HTML as plain text). Everything is read as the
user who triggered the action: record rules, access rights and field groups apply, and nothing
else of the ORM (methods, ``env``, the cursor) is reachable.
"""
from jinja2.exceptions import SecurityError

from odoo.exceptions import AccessError
from odoo.tools import format_amount, format_date, format_datetime, formatLang, html2plaintext

from .prompt_template import PromptError, allow_attributes_of

MAX_RELATED_RECORDS = 50


@allow_attributes_of
class FormattedValue(str):
    """Text as a person reads it; ``.raw`` holds the underlying value (number, date...) for tests."""

    def __new__(cls, text, raw):
        value = super().__new__(cls, text)
        value.raw = raw
        return value


EMPTY = FormattedValue("", False)


@allow_attributes_of
class RecordProxy:
    """One record (or none), field by field: ``proxy.field`` or ``proxy['field']``."""

    __slots__ = ("_record",)

    def __init__(self, record):
        if len(record) > 1:
            raise ValueError("a RecordProxy shows one record")
        if record:
            try:
                record.check_access("read")
            except AccessError:
                raise PromptError(record.env._(
                    "You may not read %(model)s #%(id)s, which the prompt uses.",
                    model=record.env["ir.model"]._get(record._name).name, id=record.id)) from None
        self._record = record

    def __getattr__(self, name):
        return self._value(name)

    def __getitem__(self, name):
        return self._value(name)

    def __bool__(self):
        return bool(self._record)

    def __str__(self):
        return self._record.display_name if self._record else ""

    def __repr__(self):
        return str(self)

    def _value(self, name):
        if not isinstance(name, str) or name.startswith("_"):
            raise SecurityError("access to %r is not allowed" % (name,))
        record = self._record
        env = record.env
        field = record._fields.get(name)
        if field is None:
            raise PromptError(env._("%(model)s has no field %(field)s.", model=record._name, field=name))
        if not field.is_accessible(env):
            raise PromptError(env._("You may not read the field %(field)s of %(model)s.", field=name,
                                    model=record._name))
        if field.type == "binary":
            raise PromptError(env._("The field %s holds a file: files cannot go into a prompt.", name))
        if not record:
            return EMPTY
        return format_field(record, field, record[name])


def format_field(record, field, value):
    """The template value of one field of one record."""
    env = record.env
    kind = field.type
    if kind == "boolean":
        return bool(value)
    if kind == "many2one":
        return RecordProxy(value)
    if kind in ("one2many", "many2many"):
        return [RecordProxy(line) for line in value._filtered_access("read")[:MAX_RELATED_RECORDS]]
    if kind == "reference":
        return RecordProxy(value) if value else EMPTY
    if value is False or value is None:
        return EMPTY
    if kind == "selection":
        labels = dict(field._description_selection(env))
        return FormattedValue(labels.get(value, value), value)
    if kind == "html":
        return FormattedValue(html2plaintext(value), value)
    if kind == "monetary":
        currency_field = field.get_currency_field(record)
        currency = record[currency_field] if currency_field else None
        text = format_amount(env, value, currency) if currency else formatLang(env, value, digits=2)
        return FormattedValue(text, value)
    if kind == "float":
        digits = field.get_digits(env)
        return FormattedValue(formatLang(env, value, digits=digits[1] if digits else 2), value)
    if kind == "integer":
        return FormattedValue(formatLang(env, value, digits=0), value)
    if kind == "date":
        return FormattedValue(format_date(env, value), value)
    if kind == "datetime":
        return FormattedValue(format_datetime(env, value, tz=env.user.tz or "UTC"), value)
    return FormattedValue(str(value), value)
