"""Calendar periods in the user's time zone: the one place of period arithmetic, for tools and sibling addons.

One convention everywhere: a day is a day in the user's time zone (``tz`` of the context), both for range
filters and for buckets. ``_read_group`` already buckets datetimes in the context's time zone and starts
weeks on the language's first day; the functions below build ranges and gap-filled buckets the same way, so
every record in a range falls in exactly one bucket and totals equal the sum of the buckets.

Units are ``day``, ``week``, ``month``, ``quarter`` and ``year``; ``week_start`` is the first day of a week,
0 = Monday … 6 = Sunday (``first_weekday``). Days are ``datetime.date``; ranges are ``(first, last)``, both
included. Calendar arithmetic is ``odoo.tools.date_utils`` (``start_of``, ``add``, ``subtract``,
``get_month``, ``get_quarter``).
"""
import datetime

import pytz

from odoo.tools import date_utils
from odoo.tools.misc import get_lang

UNITS = ("year", "quarter", "month", "week", "day")
ONE_DAY = datetime.timedelta(days=1)
MAX_BUCKETS = 800
PERIODS = (
    "today", "yesterday", "last_7_days", "last_30_days", "last_90_days", "last_365_days",
    "this_week", "last_week", "this_month", "last_month", "month_to_date",
    "this_quarter", "last_quarter", "quarter_to_date", "this_year", "last_year", "year_to_date", "all",
)


def first_weekday(env):
    """The first day of a week (0 = Monday … 6 = Sunday) for the environment's language, as ``_read_group``."""
    return int(get_lang(env).week_start) - 1


def user_tz(env):
    """The ``pytz`` time zone of the environment's context (the user's own unless a tool call chose another)."""
    name = env.context.get("tz")
    return pytz.timezone(name) if name in pytz.all_timezones_set else pytz.UTC


def unit_start(day, unit, week_start=0):
    """The first day of the ``unit`` containing ``day``."""
    if unit == "week" and week_start:
        shift = datetime.timedelta(days=week_start)
        return date_utils.start_of(day - shift, "week") + shift
    return date_utils.start_of(day, unit)


def shift(day, unit, count=1):
    """``day`` moved by ``count`` units (negative: back), e.g. ``shift(d, "quarter", -1)``."""
    if unit == "quarter":
        return date_utils.add(day, months=3 * count)
    return date_utils.add(day, **{unit + "s": count})


def unit_starts(start, end, unit, week_start=0, limit=MAX_BUCKETS):
    """The first day of every ``unit`` overlapping ``start``..``end`` (for gap filling), at most ``limit``."""
    current, result = unit_start(start, unit, week_start), []
    while current <= end and len(result) < limit:
        result.append(current)
        current = shift(current, unit)
    return result


def units_between(first, day, unit):
    """How many whole ``unit``s (week, month, quarter, year) lie between the starts of ``first`` and ``day``."""
    if unit == "week":
        return (day - first).days // 7
    months = (day.year - first.year) * 12 + day.month - first.month
    return {"month": months, "quarter": months // 3, "year": day.year - first.year}[unit]


def is_aligned(start, end, unit, week_start=0):
    """Whether the days ``start``..``end`` are made of whole ``unit``s."""
    return unit_start(start, unit, week_start) == start and \
        unit_start(end + ONE_DAY, unit, week_start) == end + ONE_DAY


def coarsest_granularity(ranges, week_start=0):
    """The coarsest unit whose boundaries all the given ``(first, last)`` day ranges fall on.

    Grouping by that unit lets one query answer several ranges at once: every group lies entirely
    inside one range.
    """
    for unit in UNITS:
        if all(is_aligned(start, end, unit, week_start) for start, end in ranges):
            return unit
    return "day"


def utc_midnight(day, tz):
    """Midnight at the start of ``day`` in ``tz``, as a naive UTC datetime (how Odoo stores datetimes)."""
    local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(pytz.UTC).replace(tzinfo=None)


def day_range_domain(field, start, end, tz):
    """A domain on a date or datetime field for the days ``start``..``end`` (included) in time zone ``tz``."""
    if field.type == "date":
        return [(field.name, ">=", start), (field.name, "<=", end)]
    return [(field.name, ">=", utc_midnight(start, tz)), (field.name, "<", utc_midnight(end + ONE_DAY, tz))]


def _unit_range(today, unit, week_start):
    """``(first, last)`` day of the ``unit`` holding ``today``."""
    if unit == "month":
        return date_utils.get_month(today)
    if unit == "quarter":
        return date_utils.get_quarter(today)
    start = unit_start(today, unit, week_start)
    return start, shift(start, unit) - ONE_DAY


def period_range(name, today, week_start=0):
    """``(first day, last day)`` of a named period (one of ``PERIODS``), both included; None for 'all'.

    ``today`` is the day in the user's time zone. Raises ``ValueError`` for an unknown name.
    """
    if name == "all":
        return None
    if name in ("today", "yesterday"):
        day = today if name == "today" else today - ONE_DAY
        return day, day
    if name.startswith("last_") and name.endswith("_days"):
        days = int(name[len("last_"):-len("_days")])
        return today - datetime.timedelta(days=days - 1), today
    if name.endswith("_to_date"):
        return unit_start(today, name[:-len("_to_date")], week_start), today
    kind, _sep, unit = name.partition("_")
    if kind not in ("this", "last") or unit not in UNITS:
        raise ValueError("unknown period %r" % name)
    return _unit_range(shift(today, unit, -1) if kind == "last" else today, unit, week_start)


def previous_range(name, today, week_start=0):
    """The period a named period is compared with: the one just before it, of the same kind and length."""
    current = period_range(name, today, week_start)
    if current is None:
        return None
    start, end = current
    if name.endswith("_to_date"):
        previous_start = shift(start, name[:-len("_to_date")], -1)
        return previous_start, min(previous_start + (end - start), start - ONE_DAY)
    if name.startswith(("this_", "last_")) and not name.endswith("_days"):
        return shift(start, name.partition("_")[2], -1), start - ONE_DAY
    length = end - start + ONE_DAY
    return start - length, start - ONE_DAY
