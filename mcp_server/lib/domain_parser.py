"""Parse search domains given as JSON lists or in Odoo's string syntax.

The string syntax is parsed with :mod:`ast` and only literals are accepted
(lists, tuples, strings, numbers, booleans, None): nothing is ever evaluated.
"""
import ast
import json

from .answer_format import quote_input

OPERATORS = {
    "=", "!=", ">", ">=", "<", "<=", "=?", "=like", "=ilike", "like", "not like",
    "ilike", "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any",
}
LOGICAL = {"&", "|", "!"}
MAX_NESTING = 32  # lists inside lists, sub-domains of 'any' included


class DomainError(ValueError):
    """The domain is malformed; the message says where."""


def _too_deep():
    return DomainError("the domain nests lists more than %d levels deep" % MAX_NESTING)


def _literal(node, depth=0):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        if depth >= MAX_NESTING:
            raise _too_deep()
        return [_literal(elt, depth + 1) for elt in node.elts]
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, (int, float))):
        return -node.operand.value
    if isinstance(node, ast.Name) and node.id in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.id]
    raise DomainError(
        "only literal values are allowed in a domain (strings, numbers, booleans, lists); "
        "found an expression at column %s" % getattr(node, "col_offset", "?")
    )


def parse_domain(value, depth=0):
    """Return a normalized domain (list of lists/operators) from ``value``.

    ``value`` may be None/empty, a list, or a string such as
    ``"[('is_company', '=', True)]"``. ``depth`` counts the enclosing sub-domains.
    """
    if value in (None, "", []):
        return []
    if depth >= MAX_NESTING:
        raise _too_deep()
    if isinstance(value, str):
        value = _parse_text(value.strip())
    if not isinstance(value, (list, tuple)):
        raise DomainError("a domain must be a list of conditions such as [[\"name\", \"ilike\", \"acme\"]]")
    return [_normalize_item(item, index, depth) for index, item in enumerate(value)]


def _parse_text(text):
    """Odoo's syntax (``[('active', '=', True)]``), or the same domain written as JSON text."""
    try:
        return _literal(ast.parse(text, mode="eval").body)
    except (SyntaxError, DomainError, RecursionError, MemoryError) as exc:
        try:
            return json.loads(text)
        except (RecursionError, MemoryError):
            # Deeper than the JSON decoder goes: far beyond any real domain.
            raise _too_deep() from None
        except ValueError:
            if isinstance(exc, DomainError):
                raise exc from None
            raise DomainError("the domain is not valid syntax (%s); write it as JSON, [[\"city\", \"=\", \"Paris\"]], "
                              "or in Odoo's syntax, [('city', '=', 'Paris')]" % getattr(exc, "msg", exc)) from None


def _normalize_item(item, index, depth):
    if isinstance(item, str):
        if item not in LOGICAL:
            raise DomainError("item %d: '%s' is not an operator; use '&', '|' or '!'" % (index, quote_input(item, 60)))
        return item
    if not isinstance(item, (list, tuple)) or len(item) != 3:
        raise DomainError("item %d: each condition must be [field, operator, value]" % index)
    field, operator, value = item
    if not isinstance(field, str) or not field:
        raise DomainError("item %d: the field name must be a string" % index)
    if not isinstance(operator, str) or operator.lower() not in OPERATORS:
        raise DomainError(
            "item %d: unknown operator %s; use one of %s" % (index, quote_input(operator, 60),
                                                             ", ".join(sorted(OPERATORS)))
        )
    operator = operator.lower()
    if operator in ("any", "not any"):
        value = parse_domain(value, depth + 1)
    elif isinstance(value, tuple):
        value = list(value)
    if operator not in ("any", "not any") and not _is_scalar(value) and not (
            isinstance(value, list) and all(_is_scalar(v) for v in value)):
        raise DomainError("item %d: the value must be a string, number, boolean, null or a flat list of those"
                          % index)
    return [field, operator, value]


def _is_scalar(value):
    return value is None or isinstance(value, (str, int, float, bool))


def check_structure(domain):
    """Raise DomainError when the prefix operators do not match the conditions."""
    expected = 1
    for item in domain:
        if expected <= 0:
            expected = 1  # implicit '&' between consecutive terms
        if item in ("&", "|"):
            expected += 1
        elif item == "!":
            pass
        else:
            expected -= 1
    if expected > 0 and domain:
        raise DomainError("the domain has more '&'/'|' operators than conditions")
