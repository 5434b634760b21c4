"""Masking of personal data in logged payloads: payment card numbers, IBANs and national ids.

Card numbers count only when their Luhn check digit is right and IBANs only when their mod-97 check is
right (``python-stdnum``, an Odoo dependency), so order numbers and amounts stay readable. National ids are
matched by the administrator's own regular expressions (one per line in Settings). A masked value keeps
its last four characters: ``****1234``.
"""
import functools
import logging
import re

from stdnum import iban, luhn

# Digit group separators: a space, a dash, or the no-break spaces numbers formatted for a language use.
SEPARATORS = " \u00a0\u202f-"
# 13 to 19 digits, optionally grouped by single separators, not inside a longer run of digits.
CARD = re.compile(r"(?<![\d-])\d(?:[%s]?\d){12,18}(?![\d-])" % SEPARATORS)
# Two letters, two check digits, then 11 to 30 letters and digits, optionally grouped by spaces; in any case,
# as account numbers are kept as typed.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]){11,30}\b", re.IGNORECASE)
# A US social security number; administrators add their own countries' formats.
DEFAULT_NATIONAL_ID_PATTERNS = r"\b\d{3}-\d{2}-\d{4}\b"
_logger = logging.getLogger(__name__)


class PiiPatternError(ValueError):
    """A national id pattern that is not a valid regular expression (its message names it)."""


def mask(text):
    """``****`` followed by the last four characters of ``text`` (digits and letters only)."""
    kept = re.sub(r"[^0-9A-Za-z]", "", text)[-4:]
    return "****" + kept


def parse_patterns(text):
    """Compiled regular expressions from ``text``, one per non-empty line; raises :class:`PiiPatternError`."""
    patterns = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            patterns.append(re.compile(line))
        except re.error as exc:
            raise PiiPatternError("'%s' is not a valid regular expression: %s" % (line[:100], exc)) from None
    return tuple(patterns)


@functools.lru_cache(maxsize=8)
def masker_for(patterns_text):
    """The masker of the Settings' pattern list (cached by its text); an invalid list masks cards and IBANs
    only, and is logged."""
    try:
        return PiiMasker(parse_patterns(patterns_text))
    except PiiPatternError as exc:
        _logger.error("MCP: ignoring invalid national id patterns in Settings: %s", exc)
        return PiiMasker()


class PiiMasker:
    """Masks card numbers (Luhn), IBANs (mod 97) and the given national id patterns in strings."""

    def __init__(self, national_id_patterns=()):
        self.national_id_patterns = tuple(national_id_patterns)

    def __call__(self, text):
        """``text`` with every recognised value replaced by its mask."""
        text = CARD.sub(_mask_if(lambda value: luhn.is_valid(re.sub("[%s]" % SEPARATORS, "", value))), text)
        text = IBAN.sub(_mask_if(iban.is_valid), text)
        for pattern in self.national_id_patterns:
            text = pattern.sub(lambda match: mask(match.group(0)), text)
        return text


def _mask_if(is_valid):
    def replace(match):
        value = match.group(0)
        return mask(value) if is_valid(value) else value
    return replace
