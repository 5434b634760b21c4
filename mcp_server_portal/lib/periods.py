"""Named periods ('last_30_days', 'this_month'...) as date ranges, and their previous period.

Pure functions: ``today`` is the day in the page owner's time zone and ``week_start`` the first day of a
week in their language (0 = Monday). Units, buckets and range filters come from the MCP server's shared
helpers, so pages and the analytics tools count the same records in the same periods.
"""
import datetime

from odoo.addons.mcp_server.lib.periods import ONE_DAY, UNITS, is_aligned, unit_start, unit_step

PERIODS = (
    "today", "yesterday", "last_7_days", "last_30_days", "last_90_days", "last_365_days",
    "this_week", "last_week", "this_month", "last_month", "month_to_date",
    "this_quarter", "last_quarter", "quarter_to_date", "this_year", "last_year", "year_to_date", "all",
)


def period_range(name, today, week_start=0):
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
        return unit_start(today, unit, week_start), today
    start = unit_start(today, unit, week_start)
    if kind == "last":
        start -= unit_step(unit)
    return start, start + unit_step(unit) - ONE_DAY


def previous_range(name, today, week_start=0):
    """The period a named period is compared with: the one just before it, of the same kind and length."""
    current = period_range(name, today, week_start)
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


def coarsest_granularity(ranges, week_start=0):
    """The coarsest unit whose boundaries all the given (first, last) day ranges fall on.

    Grouping by that unit lets one query answer several ranges at once: every group lies entirely
    inside one range.
    """
    for unit in UNITS:
        if all(is_aligned(start, end, unit, week_start) for start, end in ranges):
            return unit
    return "day"
