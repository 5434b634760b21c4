"""Odoo's own error texts, cleaned of what a key may not read before they reach a client."""
import re

# For users of debug-mode groups, Odoo lists the records a record rule refused as
# "- Contact, Acme Corp (res.partner: 12, company=Acme)": keep the model, drop the record.
RECORD_LINE = re.compile(r"^(\s*- ).*\(([a-z0-9_.]+): \d+(?:, company=.*)?\)\s*$")
# MissingError: "(Record: res.partner(12,), User: 7)", in any language.
RECORD_REFERENCE = re.compile(r"\([^()\n]*: [a-z0-9_.]+\([\d, ]*\)[^()\n]*\)")
# "... by switching to the company: Acme." names a company.
COMPANY_HINT = re.compile(r"(: )[^\n:]+\.$", re.M)


def safe_odoo_message(message):
    """``message`` without record names or ids: only the operation, the models and the groups stay."""
    lines = []
    for line in (message or "").splitlines():
        match = RECORD_LINE.match(line)
        if match:
            line = "%s%s" % (match.group(1), match.group(2))
            if line in lines:
                continue
        lines.append(line)
    text = RECORD_REFERENCE.sub("", "\n".join(lines))
    if "company" in text:
        text = COMPANY_HINT.sub(r"\1…", text)
    return text.strip()
