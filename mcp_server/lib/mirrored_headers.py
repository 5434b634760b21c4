"""Request headers that mirror the body in the 2026-07-28 Streamable HTTP transport (SEP-2243).

``Mcp-Name`` mirrors ``params.name``/``params.uri``; ``Mcp-Param-{Name}`` mirrors each tool argument whose
schema carries ``x-mcp-header: Name`` (transports/streamable-http, "Custom Headers from Tool Parameters").
A value that is not plain header-safe ASCII travels as ``=?base64?{Base64 of its UTF-8}?=``.
"""
import base64
import binascii
import re
from decimal import Decimal, InvalidOperation

KEYWORD = "x-mcp-header"
PARAM_PREFIX = "Mcp-Param-"
SENTINEL_PREFIX, SENTINEL_SUFFIX = "=?base64?", "?="
# RFC 9110 §5.1 field-name token (1*tchar).
TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# RFC 9110 §5.5: visible ASCII, space and horizontal tab.
FIELD_VALUE = re.compile(r"^[\t\x20-\x7e]*$")
MIRRORED_TYPES = ("string", "integer", "boolean")

# Outcomes of one parameter's check (``check_parameters``).
MISSING, UNEXPECTED, INVALID, DIFFERENT = "missing", "unexpected", "invalid", "different"


def decode_value(value):
    """A header value with the Base64 sentinel decoded, others as they are; None when the value has characters
    a header may not carry, or its Base64 is not canonical padded Base64 of UTF-8 text."""
    if value is None or not FIELD_VALUE.match(value):
        return None
    if not (value.startswith(SENTINEL_PREFIX) and value.endswith(SENTINEL_SUFFIX)
            and len(value) >= len(SENTINEL_PREFIX) + len(SENTINEL_SUFFIX)):
        return value
    try:
        return base64.b64decode(value[len(SENTINEL_PREFIX):-len(SENTINEL_SUFFIX)], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def mirrored_parameters(schema):
    """The ``(header name, property path)`` pairs an input schema declares with ``x-mcp-header``.

    Raises ``ValueError`` naming the first annotation clients must refuse (empty or not a token, a duplicate
    ignoring case, on a type other than string/integer/boolean, or not reachable through ``properties`` only):
    such a tool would be dropped by every conforming client.
    """
    found = []
    _collect(schema, (), True, found)
    seen = set()
    for name, _path, _node in found:
        if name.lower() in seen:
            raise ValueError("x-mcp-header %r is declared twice (header names ignore case)" % name)
        seen.add(name.lower())
    return tuple((name, path) for name, path, _node in found)


def _collect(node, path, reachable, found):
    """Annotations below ``node``; a step other than a ``properties`` key (items, anyOf, if, $defs...) makes
    what lies below unreachable."""
    if not isinstance(node, dict):
        if isinstance(node, list):
            for item in node:
                _collect(item, path, False, found)
        return
    if KEYWORD in node:
        _check_annotation(node, path, reachable)
        found.append((node[KEYWORD], path, node))
    for key, child in node.items():
        if key == "properties" and isinstance(child, dict):
            for name, sub in child.items():
                _collect(sub, (*path, name), reachable, found)
        elif isinstance(child, (dict, list)):
            _collect(child, path, False, found)


def _check_annotation(node, path, reachable):
    name, where = node[KEYWORD], ".".join(path) or "(root)"
    if not reachable or not path:
        raise ValueError("x-mcp-header on %s is not reachable through properties alone" % where)
    if not isinstance(name, str) or not TOKEN.match(name):
        raise ValueError("x-mcp-header %r on %s is not an HTTP field-name token" % (name, where))
    if node.get("type") not in MIRRORED_TYPES:
        raise ValueError("x-mcp-header on %s needs type string, integer or boolean" % where)


def _argument(arguments, path):
    value = arguments
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _same(decoded, value):
    """Whether a decoded header value stands for the body value (integers compared as numbers)."""
    if isinstance(value, bool):
        return decoded == ("true" if value else "false")
    if isinstance(value, (int, float)):
        try:
            return Decimal(decoded.strip()) == Decimal(repr(value))
        except (InvalidOperation, ValueError):
            return False
    return isinstance(value, str) and decoded == value


def check_parameters(parameters, header, arguments):
    """The first mirrored parameter whose header disagrees with the arguments, as
    ``(header name, outcome, header value, body value)``, or None when all agree.

    ``parameters``: from :func:`mirrored_parameters`; ``header(name)``: the request's header value (white space
    around it removed) or None; ``arguments``: the call's arguments. A null or absent argument expects no header.
    """
    for name, path in parameters:
        field = PARAM_PREFIX + name
        given, value = header(field), _argument(arguments, path)
        if value is None:
            if given is not None:
                return field, UNEXPECTED, given, None
            continue
        if given is None:
            return field, MISSING, None, value
        decoded = decode_value(given)
        if decoded is None:
            return field, INVALID, given, value
        if not _same(decoded, value):
            return field, DIFFERENT, given, value
    return None
