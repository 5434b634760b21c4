"""Measures of page sections added up from grouped buckets: sums and counts add, averages come from both."""

def sort_value(value):
    if isinstance(value, dict):
        return value.get("name") or value.get("id")
    return value


def or_zero(measure, value):
    """No record counts and sums to 0; an average, minimum or maximum of nothing stays unknown (None)."""
    if value is None and (measure == "__count" or measure.rsplit(":", 1)[-1] in ("sum", "count", "count_distinct")):
        return 0
    return value


def additive_parts(measure):
    """The additive aggregates a measure is rebuilt from when buckets are added up."""
    if measure.endswith(":avg"):
        name = measure[:-len(":avg")]
        return ["%s:sum" % name, "%s:count" % name]
    return [measure]


def merge_part(part, first, second):
    if first is None:
        return second
    if second is None:
        return first
    if part.endswith(":min"):
        return min(first, second)
    if part.endswith(":max"):
        return max(first, second)
    return first + second


def combine_parts(measure, parts):
    if measure.endswith(":avg"):
        name = measure[:-len(":avg")]
        total, count = parts.get("%s:sum" % name), parts.get("%s:count" % name)
        return round(total / count, 6) if count else None
    return parts.get(measure)
