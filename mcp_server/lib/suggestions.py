"""Closest-name suggestions for names an agent got slightly wrong."""
import difflib


def closest(name, candidates, limit=5):
    """Return up to ``limit`` candidates that look like ``name``."""
    name = (name or "").lower()
    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(name, list(lowered), n=limit, cutoff=0.55)
    found = [lowered[m] for m in matches]
    if len(found) < limit:
        for candidate in candidates:
            if candidate not in found and name and (name in candidate.lower()):
                found.append(candidate)
                if len(found) >= limit:
                    break
    return found


def did_you_mean(name, candidates):
    """A sentence suggesting close names, or an empty string."""
    found = closest(name, candidates)
    if not found:
        return ""
    return " Did you mean: %s?" % ", ".join(found)
