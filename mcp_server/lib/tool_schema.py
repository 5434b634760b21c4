"""Tool schemas that every LLM API accepts, and the checks that keep them so.

OpenAI and Gemini refuse a whole tool list when one schema node has a list-valued ``type``, an array
without ``items``, a combinator (``anyOf``/``oneOf``/``allOf``/``not``), a reference, a tuple or an
untyped property. Gemini's typed function ``parameters`` also refuse names outside its OpenAPI subset
("Unknown name ... Cannot find field"), such as the 2026-07-28 transport's ``x-mcp-header``: the server checks
the mirrored headers of tools that declare it (``lib/mirrored_headers.py``), but its own tools do not declare it.

Some arguments are still more lenient than one JSON type: a domain is a string in Odoo's syntax or a JSON list;
a user is an id or a login. :class:`Lenient` declares such a node with
one type (what clients see) and the types the server also takes (what the registry validates).
"""
import json

JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean")
REFUSED_KEYWORDS = ("anyOf", "oneOf", "allOf", "not", "$ref", "$defs", "definitions", "if", "then", "else",
                    "const", "prefixItems", "patternProperties", "dependentSchemas", "unevaluatedProperties",
                    "x-mcp-header")


class Lenient(dict):
    """A schema node declared with one ``type`` whose validation also accepts ``accepts`` types.

    ``digits_to_int``: a string of digits is taken as an integer (an id given as text).
    ``json_text``: a string holding a JSON array is taken as that array.
    """

    def __init__(self, schema, accepts, digits_to_int=False, json_text=False):
        super().__init__(schema)
        self.accepts = list(accepts)
        self.digits_to_int = digits_to_int
        self.json_text = json_text


def domain_schema(description):
    """A search filter: declared as a string (Odoo or JSON syntax); a JSON list is taken as well."""
    return Lenient({"type": "string", "description": description}, ("string", "array"))


def json_array_schema(description):
    """A list of values of mixed types: declared as JSON text, a JSON array is taken as well."""
    return Lenient({"type": "string", "description": description}, ("string", "array"), json_text=True)


def validation_schema(schema):
    """A copy of ``schema`` in which every :class:`Lenient` node accepts all of its types."""
    if isinstance(schema, Lenient):
        node = {key: validation_schema(value) for key, value in schema.items() if key != "items"}
        return dict(node, type=list(schema.accepts))
    if isinstance(schema, dict):
        return {key: validation_schema(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [validation_schema(value) for value in schema]
    return schema


def coerce_arguments(schema, value):
    """``value`` with ids given as digit strings and arrays given as JSON text converted, where the schema says."""
    if isinstance(schema, Lenient) and isinstance(value, str):
        if schema.digits_to_int and value.strip().isdigit():
            return int(value.strip())
        if schema.json_text and value.strip().startswith("["):
            try:
                return json.loads(value)
            except ValueError:
                return value
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        return {key: coerce_arguments(properties.get(key, extra if isinstance(extra, dict) else None), item)
                for key, item in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [coerce_arguments(schema["items"], item) for item in value]
    return value


def needs_coercion(schema):
    """Whether some :class:`Lenient` node of ``schema`` converts values (see :func:`coerce_arguments`)."""
    if isinstance(schema, Lenient) and (schema.digits_to_int or schema.json_text):
        return True
    if isinstance(schema, dict):
        return any(needs_coercion(value) for value in schema.values())
    return False


def lint(schema, path="inputSchema"):
    """The nodes of an input schema that an LLM API would refuse, as ``[(path, reason)]``."""
    problems = []
    _lint_node(schema, path, problems, top=True)
    return problems


def _lint_node(node, path, problems, top=False):
    if not isinstance(node, dict):
        problems.append((path, "is not a schema object"))
        return
    for keyword in REFUSED_KEYWORDS:
        if keyword in node:
            problems.append((path, "uses %s" % keyword))
    kind = node.get("type")
    if isinstance(kind, list):
        problems.append((path, "has a list-valued type %s" % kind))
    elif kind not in JSON_TYPES:
        problems.append((path, "has no type" if kind is None else "has the type %r" % kind))
    if top and kind != "object":
        problems.append((path, "must be of type object"))
    if kind == "array":
        items = node.get("items")
        if not isinstance(items, dict):
            problems.append((path, "is an array without one items schema"))
        else:
            _lint_node(items, path + "[]", problems)
    for name, child in (node.get("properties") or {}).items():
        _lint_node(child, "%s.%s" % (path, name), problems)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        _lint_node(extra, path + "{}", problems)
    required = node.get("required") or []
    missing = [name for name in required if name not in (node.get("properties") or {})]
    if missing:
        problems.append((path, "requires undeclared properties %s" % ", ".join(missing)))
