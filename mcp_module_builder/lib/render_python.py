"""Python files of a generated module, from fixed templates.

Every value placed in the code is either an identifier the validator checked (``^[a-z][a-z0-9_]*$``,
not reserved) or a Python literal written with ``repr()``; no text of the spec is ever code.
"""
import re
from string import Template

MODEL_TEMPLATE = Template('''from odoo import fields, models


class ${class_name}(models.Model):
    _name = ${model_name}
    _description = ${description}
${class_attributes}
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
${fields}''')

TEST_TEMPLATE = Template('''from odoo.tests import TransactionCase, tagged

from .common import create_record


@tagged("post_install", "-at_install")
class ${class_name}(TransactionCase):
    def test_create_and_read(self):
        """A record is created with the company of the user, then found and read back."""
        record, values = create_record(self.env, ${model_name})
        found = self.env[${model_name}].search_read(
            [("id", "=", record.id)], list(values) + ["company_id", "active"]
        )
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["company_id"][0], self.env.company.id)
        self.assertTrue(found[0]["active"])
        for name, value in values.items():
            field = record._fields[name]
            expected = field.convert_to_record(field.convert_to_cache(value, record), record)
            self.assertEqual(record[name], expected, name)
''')

COMMON_TEST_TEMPLATE = Template('''"""Minimal records of the generated models, for the tests."""

# Per model: scalar values to create a record with, and required Many2one fields to fill.
VALUES = ${values}
REQUIRED_LINKS = ${links}


def create_record(env, model_name, depth=0):
    """A new record of ``model_name`` and the scalar values it was created with."""
    values = dict(VALUES[model_name])
    for field_name, comodel in REQUIRED_LINKS[model_name].items():
        if comodel in VALUES and depth < 3:
            values[field_name] = create_record(env, comodel, depth + 1)[0].id
        else:
            records = env[comodel]
            linked = records.search([], limit=1)
            values[field_name] = (linked or records.create({records._rec_name: "Test"})).id
    record = env[model_name].create(values)
    return record, {k: v for k, v in values.items() if k not in REQUIRED_LINKS[model_name]}
''')

AUTHOR = "Generated with the MCP module builder"
SAMPLE_VALUES = {"char": "Test value", "text": "Test text", "integer": 7, "float": 2.5, "monetary": 12.5,
                 "boolean": True, "date": "2026-01-15", "datetime": "2026-01-15 10:00:00"}
FIELD_CLASSES = {"char": "Char", "integer": "Integer", "float": "Float", "monetary": "Monetary",
                 "boolean": "Boolean", "date": "Date", "datetime": "Datetime", "text": "Text", "html": "Html",
                 "binary": "Binary", "selection": "Selection", "many2one": "Many2one", "one2many": "One2many",
                 "many2many": "Many2many"}
DATE_DEFAULTS = {"today": "fields.Date.context_today", "now": "fields.Datetime.now"}


def literal(value):
    """A Python literal of a string, number or boolean (``repr`` escapes every character that matters)."""
    if not isinstance(value, (str, int, float, bool)) or value is None:
        raise TypeError("not a literal: %r" % type(value))
    return repr(value)


def class_name(model_name):
    return "".join(part.capitalize() for part in re.split(r"[._]", model_name))


def table_name(model_name):
    return model_name.replace(".", "_")


def import_lines(modules):
    """``from . import ...`` of ``modules``, sorted, in the layout ruff's isort rule asks for."""
    modules = sorted(modules)
    if len(modules) == 1:
        return "from . import %s  # noqa: F401\n" % modules[0]
    return "from . import (\n%s)\n" % "".join("    %s,  # noqa: F401\n" % module for module in modules)


def field_arguments(field, model, spec_models):
    """The arguments of ``fields.X(...)`` as source lines."""
    kind = field["type"]
    positional = []
    if kind in ("many2one", "one2many", "many2many"):
        positional.append(literal(field["comodel"]))
    if kind == "one2many":
        positional.append(literal(field["inverse"]))
    if kind == "selection":
        choices = ", ".join("(%s, %s)" % (literal(c["value"]), literal(c["label"])) for c in field["selection"])
        positional.append("[%s]" % choices)
    keywords = [("string", literal(field["string"]))]
    if field["required"]:
        keywords.append(("required", "True"))
    if field.get("help"):
        keywords.append(("help", literal(field["help"])))
    if field["tracking"]:
        keywords.append(("tracking", "True"))
    if "default" in field:
        default = field["default"]
        keywords.append(("default", DATE_DEFAULTS[default] if kind in ("date", "datetime") else literal(default)))
    if kind == "many2one":
        ondelete = field.get("ondelete") or ("restrict" if field["required"] else "set null")
        keywords.append(("ondelete", literal(ondelete)))
        keywords.append(("index", "True"))
        if field["comodel"] in spec_models:
            keywords.append(("check_company", "True"))
    if kind == "monetary":
        keywords.append(("currency_field", literal("currency_id")))
    if kind == "selection" and field["name"] == model.get("kanban_group_by"):
        keywords.append(("group_expand", "True"))
    return positional + ["%s=%s" % pair for pair in keywords]


def render_field(field, model, spec_models):
    arguments = "".join("        %s,\n" % argument for argument in field_arguments(field, model, spec_models))
    return "    %s = fields.%s(\n%s    )\n" % (field["name"], FIELD_CLASSES[field["type"]], arguments)


def render_model(model, spec_models):
    attributes = []
    if model["mail_thread"]:
        attributes.append('    _inherit = ("mail.thread", "mail.activity.mixin")')
    if model.get("rec_name"):
        attributes.append("    _rec_name = %s" % literal(model["rec_name"]))
    if model.get("order"):
        attributes.append("    _order = %s" % literal(", ".join(t.strip() for t in model["order"].split(","))))
    attributes.append("    _check_company_auto = True\n")
    fields_source = ""
    if any(field["type"] == "monetary" for field in model["fields"]):
        fields_source += ('    currency_id = fields.Many2one(\n        "res.currency",\n'
                          '        related="company_id.currency_id",\n    )\n')
    fields_source += "".join(render_field(field, model, spec_models) for field in model["fields"])
    return MODEL_TEMPLATE.substitute(
        class_name=class_name(model["name"]), model_name=literal(model["name"]),
        description=literal(model["description"]), class_attributes="\n".join(attributes), fields=fields_source)


def sample_values(model):
    """Scalar values of a model's fields for its test record."""
    values = {}
    for field in model["fields"]:
        if field["type"] in SAMPLE_VALUES:
            values[field["name"]] = SAMPLE_VALUES[field["type"]]
        elif field["type"] == "selection":
            values[field["name"]] = field["selection"][0]["value"]
        elif field["type"] == "html" and field["required"]:
            values[field["name"]] = "<p>Test</p>"
    return values


def render_tests(spec):
    """``{path: source}`` of the generated module's tests: one test per model."""
    values = {model["name"]: sample_values(model) for model in spec["models"]}
    links = {model["name"]: {f["name"]: f["comodel"] for f in model["fields"] if f["type"] == "many2one"
                             and f["required"]} for model in spec["models"]}
    files = {"tests/common.py": COMMON_TEST_TEMPLATE.substitute(values=pretty(values), links=pretty(links))}
    imports = []
    for model in spec["models"]:
        module = "test_%s" % table_name(model["name"])
        imports.append(module)
        files["tests/%s.py" % module] = TEST_TEMPLATE.substitute(
            class_name="Test%s" % class_name(model["name"]), model_name=literal(model["name"]))
    files["tests/__init__.py"] = import_lines(imports)
    return files


def pretty(value, indent=0):
    """A dict of literals as Python source, one key per line (``repr`` for every key and leaf)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = " " * (indent + 4)
        items = "".join("%s%s: %s,\n" % (pad, literal(k), pretty(v, indent + 4)) for k, v in value.items())
        return "{\n%s%s}" % (items, " " * indent)
    if isinstance(value, list):
        return "[%s]" % ", ".join(pretty(item, indent) for item in value)
    return literal(value)


def render_manifest(spec, data_files):
    manifest = {
        "name": spec["title"], "summary": spec["summary"], "version": "18.0.%s" % spec["version"],
        "category": spec["category"], "license": "LGPL-3", "author": AUTHOR,
        "depends": spec["depends"], "data": data_files, "installable": True, "application": True,
    }
    # A manifest is a bare expression: Odoo reads it with ast.literal_eval.
    return "# ruff: noqa: B018\n" + pretty(manifest) + "\n"


def render_python_files(spec):
    """``{path: source}`` of every Python file of the module."""
    spec_models = {model["name"] for model in spec["models"]}
    files = {"__init__.py": import_lines(["models"])}
    for model in spec["models"]:
        files["models/%s.py" % table_name(model["name"])] = render_model(model, spec_models)
    files["models/__init__.py"] = import_lines([table_name(model["name"]) for model in spec["models"]])
    files.update(render_tests(spec))
    return files
