"""The only names a prompt template sees: the record, the user, the company and formatting helpers."""
import datetime

from odoo import fields
from odoo.tools import format_amount, format_date, format_datetime, formatLang, html2plaintext

from .record_proxy import FormattedValue, RecordProxy


def _raw(value):
    return value.raw if isinstance(value, FormattedValue) else value


def template_values(record):
    """Values for rendering a prompt about ``record``, read with the rights of ``record.env.user``."""
    env = record.env
    tz = env.user.tz or "UTC"

    def as_date(value, kind):
        value = _raw(value)
        if isinstance(value, str):
            value = fields.Datetime.to_datetime(value) if kind == "datetime" else fields.Date.to_date(value)
        return value

    def helper_format_date(value, pattern=False):
        """A date (or ISO text) in the user's language; ``pattern`` is a Babel pattern like 'dd MMM y'."""
        return format_date(env, as_date(value, "date"), date_format=pattern) if _raw(value) else ""

    def helper_format_datetime(value, pattern=False):
        """A UTC datetime (or ISO text) in the user's time zone and language."""
        return format_datetime(env, as_date(value, "datetime"), tz=tz, dt_format=pattern) if _raw(value) else ""

    def helper_format_amount(value, currency_code=None):
        """An amount with a currency symbol: the company's currency unless a code like 'EUR' is given."""
        currency = env.company.currency_id
        if currency_code:
            currency = env["res.currency"].with_context(active_test=False).search(
                [("name", "=", str(currency_code).upper())], limit=1) or currency
        return format_amount(env, float(_raw(value) or 0.0), currency)

    def helper_format_number(value, digits=2):
        """A number with the user's language separators."""
        return formatLang(env, float(_raw(value) or 0.0), digits=int(digits))

    def helper_html_to_text(value):
        return html2plaintext(str(_raw(value) or ""))

    today = fields.Date.context_today(record.with_context(tz=tz))
    now = fields.Datetime.now()
    return {
        "record": RecordProxy(record),
        "user": RecordProxy(env.user),
        "company": RecordProxy(env.company),
        "today": FormattedValue(format_date(env, today), today),
        "now": FormattedValue(format_datetime(env, now, tz=tz), now),
        "format_date": helper_format_date,
        "format_datetime": helper_format_datetime,
        "format_amount": helper_format_amount,
        "format_number": helper_format_number,
        "html_to_text": helper_html_to_text,
        "timedelta": datetime.timedelta,
    }
