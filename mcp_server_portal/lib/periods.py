"""Named periods ('last_30_days', 'this_month'...) as date ranges, and their previous period.

Pure functions: ``today`` is the day in the page owner's timezone.
"""
import datetime

from dateutil.relativedelta import relativedelta

PERIODS = (
    "today", "yesterday", "last_7_days", "last_30_days", "last_90_days", "last_365_days",
    "this_week", "last_week", "this_month", "last_month", "month_to_date",
    "this_quarter", "last_quarter", "quarter_to_date", "this_year", "last_year", "year_to_date", "all",
)
GRANULARITIES = ("year", "quarter", "month", "week", "day")
MAX_BUCKETS = 800
ONE_DAY = datetime.timedelta(days=1)


def unit_start(day, unit):
    """The first day of the week (Monday), month, quarter or year containing ``day``."""
    if unit == "day":
        return day
    if unit == "week":
        return day - datetime.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def unit_step(unit):
    return {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1),
            "quarter": relativedelta(months=3), "year": relativedelta(years=1)}[unit]


def period_range(name, today):
    """``(first day, last day)`` of a named period, both included; None for 'all'."""
    if name == "all":
        return None
    if name == "today":
        return today, today
    if name == "yesterday":
        return today - ONE_DAY, today - ONE_DAY
    if name.startswith("last_") and name.endswith("_days"):
        days = int(name[len("last_"):-len("_days")])
        return today - datetime.timedelta(days=days - 1), today
    kind, _sep, unit = name.partition("_")
    if name.endswith("_to_date"):
        unit = name[:-len("_to_date")]
        return unit_start(today, unit), today
    start = unit_start(today, unit)
    if kind == "last":
        start -= unit_step(unit)
    return start, start + unit_step(unit) - ONE_DAY


def previous_range(name, today):
    """The period a named period is compared with: the one just before it, of the same kind and length."""
    current = period_range(name, today)
    if current is None:
        return None
    start, end = current
    if name.endswith("_to_date"):
        unit = name[:-len("_to_date")]
        previous_start = start - unit_step(unit)
        return previous_start, min(previous_start + (end - start), start - ONE_DAY)
    if name.startswith(("this_", "last_")) and not name.endswith("_days"):
        unit = name.partition("_")[2]
        return start - unit_step(unit), start - ONE_DAY
    length = end - start + ONE_DAY
    return start - length, start - ONE_DAY


def coarsest_granularity(ranges):
    """The coarsest unit whose boundaries all the given (first, last) day ranges fall on.

    Grouping by that unit lets one query answer several ranges at once: every group lies entirely
    inside one range.
    """
    for unit in GRANULARITIES:
        if all(unit_start(start, unit) == start and unit_start(end + ONE_DAY, unit) == end + ONE_DAY
               for start, end in ranges):
            return unit
    return "day"


def unit_starts(start, end, unit):
    """The first day of every ``unit`` between two days (for gap filling), at most MAX_BUCKETS."""
    current, result = unit_start(start, unit), []
    while current <= end and len(result) < MAX_BUCKETS:
        result.append(current)
        current += unit_step(unit)
    return result


def day_range_domain(field, start, end, tz):
    """A domain on a date or datetime field for the days ``start``..``end`` in timezone ``tz``."""
    if field.type == "date":
        return [(field.name, ">=", start), (field.name, "<=", end)]
    return [(field.name, ">=", _utc(start, tz)), (field.name, "<", _utc(end + ONE_DAY, tz))]


def _utc(day, tz):
    """Midnight of ``day`` in ``tz`` as a naive UTC datetime (how Odoo stores datetimes)."""
    local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
