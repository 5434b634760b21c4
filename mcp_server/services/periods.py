"""Calendar periods in the user's time zone, shared by the analytics tools and the portal pages.

One convention everywhere: a day is a day in the user's time zone (``tz`` of the context), both for range
filters and for buckets. ``_read_group`` already buckets datetimes in the context's time zone and starts
weeks on the language's first day; the helpers below build ranges and gap-filled buckets the same way, so
every record in a range falls in exactly one bucket and totals equal the sum of the buckets.
"""
import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo.tools import date_utils
from odoo.tools.misc import get_lang

UNITS = ("year", "quarter", "month", "week", "day")
ONE_DAY = datetime.timedelta(days=1)
MAX_BUCKETS = 800


def first_weekday(env):
    """The first day of a week (0 = Monday … 6 = Sunday) for the environment's language, as ``_read_group``."""
    return int(get_lang(env).week_start) - 1


def user_tz(env):
    """The time zone of the environment's context (the user's own unless a tool call chose another)."""
    name = env.context.get("tz")
    return pytz.timezone(name) if name in pytz.all_timezones_set else pytz.UTC


def unit_start(day, unit, week_start=0):
    """The first day of the ``unit`` (day, week, month, quarter, year) containing ``day``."""
    if unit == "week" and week_start:
        shift = datetime.timedelta(days=week_start)
        return date_utils.start_of(day - shift, "week") + shift
    return date_utils.start_of(day, unit)


def unit_step(unit):
    return {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1),
            "quarter": relativedelta(months=3), "year": relativedelta(years=1)}[unit]


def unit_starts(start, end, unit, week_start=0, limit=MAX_BUCKETS):
    """The first day of every ``unit`` overlapping ``start``..``end`` (for gap filling), at most ``limit``."""
    current, result = unit_start(start, unit, week_start), []
    while current <= end and len(result) < limit:
        result.append(current)
        current += unit_step(unit)
    return result


def is_aligned(start, end, unit, week_start=0):
    """Whether the days ``start``..``end`` are made of whole ``unit``s."""
    return unit_start(start, unit, week_start) == start and \
        unit_start(end + ONE_DAY, unit, week_start) == end + ONE_DAY


def utc_midnight(day, tz):
    """Midnight at the start of ``day`` in ``tz``, as a naive UTC datetime (how Odoo stores datetimes)."""
    local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(pytz.UTC).replace(tzinfo=None)


def day_range_domain(field, start, end, tz):
    """A domain on a date or datetime field for the days ``start``..``end`` (included) in time zone ``tz``."""
    if field.type == "date":
        return [(field.name, ">=", start), (field.name, "<=", end)]
    return [(field.name, ">=", utc_midnight(start, tz)), (field.name, "<", utc_midnight(end + ONE_DAY, tz))]
