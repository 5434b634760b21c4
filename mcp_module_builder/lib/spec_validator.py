"""Checks a module specification and returns it normalised, or every error with its JSON path.

Two passes: the JSON Schema (:data:`VALIDATION_SCHEMA`), then the semantic checks that need the
database (:class:`Catalog`): unknown dependencies, clashes with existing modules, models or fields,
reserved names and relations whose other side does not exist or does not match.
"""
import copy
import keyword
import re

from jsonschema import Draft202012Validator

from odoo import models

from .spec_schema import OPERATIONS, VALIDATION_SCHEMA

MAX_MESSAGE = 200
RELATIONAL = ("many2one", "one2many", "many2many")
# Fields every generated model gets, and names the ORM or the generated code itself relies on.
AUTOMATIC_FIELDS = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date", "active",
                    "company_id", "currency_id"}
MAIL_PREFIXES = ("message_", "activity_", "website_message", "has_message", "rating_")
RESERVED_NAMES = {"fields", "models", "api", "env", "ids", "pool", "self", "cls", "super", "record", "records"}
RESERVED_MODULES = {"base", "web", "mail", "odoo", "test", "tests", "models", "fields", "api", "tools", "addons"}
ORDER_TERM = re.compile(r"^\s*([a-z][a-z0-9_]*)(\s+(asc|desc))?\s*$")
ORDER_FIELDS = {"id", "create_date", "write_date"}
DEFAULT_TYPES = {"char": str, "text": str, "html": str, "selection": str, "integer": int, "float": (int, float),
                 "monetary": (int, float), "boolean": bool, "date": str, "datetime": str}
DATE_DEFAULTS = {"date": "today", "datetime": "now"}


def json_path(parts):
    """``$.models[0].fields[2].name`` of a sequence of keys and indexes."""
    return "$" + "".join("[%d]" % part if isinstance(part, int) else ".%s" % part for part in parts)


def relation_table(model_name, comodel, catalog):
    """Odoo's default table of a Many2many field between these models."""
    model = catalog.env.registry.get(comodel)
    cotable = model._table if model is not None else comodel.replace(".", "_")
    return "%s_%s_rel" % tuple(sorted([model_name.replace(".", "_"), cotable]))


def default_label(name):
    """``borrower_id`` → ``Borrower``, ``tag_ids`` → ``Tags``, ``date_start`` → ``Date start``."""
    base = re.sub(r"_ids$", "s", re.sub(r"_id$", "", name))
    return base.replace("_", " ").capitalize()


def _reserved_field(name):
    return (keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED_NAMES
            or name in AUTOMATIC_FIELDS or name.startswith(MAIL_PREFIXES) or hasattr(models.Model, name))


class Catalog:
    """What exists in the database, as the validator needs it.

    ``own_module``: the builder-made module being upgraded; its own models and name are not clashes.
    """

    def __init__(self, env, own_module=None):
        self.env = env
        self.own_module = own_module
        self.modules = {row["name"]: row["state"] for row in env["ir.module.module"].sudo().search_read(
            [], ["name", "state"])}
        owned = env["ir.model.data"].sudo().search([("module", "=", own_module or ""), ("model", "=", "ir.model")])
        self.own_models = set(env["ir.model"].sudo().browse(owned.mapped("res_id")).mapped("model"))

    def module_exists(self, name):
        from odoo.modules.module import get_module_path
        return name in self.modules or bool(get_module_path(name, display_warning=False))

    def model_clash(self, name):
        """Whether ``name`` or its table is taken by a model outside the module being upgraded."""
        if name in self.own_models:
            return False
        table = name.replace(".", "_")
        return name in self.env.registry or any(
            model._table == table for model in self.env.registry.models.values() if not model._abstract)

    def concrete_model(self, name):
        model = self.env.registry.get(name)
        return model is not None and not model._abstract and not model._transient


class SpecValidator:
    """``SpecValidator(catalog).validate(spec)`` → ``(normalised spec, [])`` or ``(None, [{path, message}])``."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.errors = []

    def error(self, parts, message):
        self.errors.append({"path": json_path(parts), "message": message[:MAX_MESSAGE]})

    def validate(self, spec):
        validator = Draft202012Validator(VALIDATION_SCHEMA)
        for problem in sorted(validator.iter_errors(spec), key=lambda e: list(map(str, e.absolute_path))):
            self.error(list(problem.absolute_path), problem.message)
        if self.errors:
            return None, self.errors
        self.check_module(spec)
        spec = self.normalise(copy.deepcopy(spec))
        specs_by_name, tables = {}, set()
        for index, model in enumerate(spec["models"]):
            if model["name"] in specs_by_name or model["name"].replace(".", "_") in tables:
                self.error(["models", index, "name"], "Model %s (or its table) is declared twice." % model["name"])
            specs_by_name[model["name"]] = model
            tables.add(model["name"].replace(".", "_"))
        for index, model in enumerate(spec["models"]):
            ModelChecker(self, ["models", index], model, specs_by_name).check()
        self.check_required_cycles(spec)
        return (None, self.errors) if self.errors else (spec, [])

    def check_required_cycles(self, spec):
        """Required Many2one fields between the spec's models must leave one model to create first."""
        links = {model["name"]: [(index, f["comodel"]) for index, f in enumerate(model["fields"])
                                 if f["type"] == "many2one" and f["required"] and f.get("comodel")]
                 for model in spec["models"]}
        for model_index, model in enumerate(spec["models"]):
            for field_index, comodel in links[model["name"]]:
                seen, queue = set(), [comodel]
                while queue:
                    current = queue.pop()
                    if current == model["name"]:
                        self.error(["models", model_index, "fields", field_index, "required"],
                                   "Required Many2one fields form a cycle: no record could be created first.")
                        break
                    if current not in seen:
                        seen.add(current)
                        queue += [target for _index, target in links.get(current, [])]

    @staticmethod
    def normalise(spec):
        spec.setdefault("version", "1.0.0")
        spec.setdefault("summary", spec["title"])
        spec.setdefault("category", "Uncategorized")
        spec.setdefault("user_group", "User")
        spec.setdefault("manager_group", "Manager")
        depends = ["base"] + [name for name in spec.get("depends", []) if name != "base"]
        if any(model.get("mail_thread") for model in spec["models"]) and "mail" not in depends:
            depends.append("mail")
        spec["depends"] = list(dict.fromkeys(depends))
        for model in spec["models"]:
            model.setdefault("mail_thread", False)
            model.setdefault("views", ["list", "form", "search"])
            model["views"] = list(dict.fromkeys(model["views"]))
            model.setdefault("menu", model["description"])
            model.setdefault("user_access", ["read", "write", "create"])
            model.setdefault("manager_access", list(OPERATIONS))
            names = [field["name"] for field in model["fields"]]
            model.setdefault("rec_name", "name" if "name" in names else None)
            for field in model["fields"]:
                field.setdefault("string", default_label(field["name"]))
                field.setdefault("required", False)
                field.setdefault("tracking", False)
        return spec

    def check_module(self, spec):
        name = spec["name"]
        if keyword.iskeyword(name) or name in RESERVED_MODULES or name.startswith(("test_", "mcp_")):
            self.error(["name"], "%s is a reserved module name." % name)
        elif name != self.catalog.own_module and self.catalog.module_exists(name):
            self.error(["name"], "A module named %s already exists: choose another name." % name)
        for index, depend in enumerate(spec.get("depends", [])):
            if self.catalog.modules.get(depend, "uninstallable") == "uninstallable":
                self.error(["depends", index], "Unknown module %s (depends lists existing modules only)." % depend)


class ModelChecker:
    """Semantic checks of one model of the spec."""

    def __init__(self, validator, path, model, specs_by_name):
        self.validator = validator
        self.path = path
        self.model = model
        self.specs = specs_by_name
        self.fields = {}

    def error(self, parts, message):
        self.validator.error([*self.path, *parts], message)

    def check(self):
        model = self.model
        if model["name"].split(".")[0] in ("ir", "res", "base", "mail", "mcp", "web", "bus"):
            self.error(["name"], "%s uses a namespace reserved for Odoo; pick another prefix." % model["name"])
        elif self.validator.catalog.model_clash(model["name"]):
            self.error(["name"], "A model named %s (or its table) already exists." % model["name"])
        for index, field in enumerate(model["fields"]):
            self.check_field(["fields", index], field)
        self.check_rec_name_and_order()
        self.check_views()
        for key in ("user_access", "manager_access"):
            if model[key] and "read" not in model[key]:
                self.error([key], "An access right without read is unusable: add read.")

    def check_field(self, path, field):
        name, kind = field["name"], field["type"]
        if name in self.fields:
            self.error([*path, "name"], "Field %s is declared twice." % name)
        elif _reserved_field(name):
            self.error([*path, "name"], "%s is a reserved name (Python keyword, ORM or automatic field)." % name)
        self.fields[name] = field
        if kind == "many2one" and not name.endswith("_id"):
            self.error([*path, "name"], "A Many2one field's name ends in _id.")
        if kind in ("one2many", "many2many") and not name.endswith("_ids"):
            self.error([*path, "name"], "A One2many or Many2many field's name ends in _ids.")
        if (kind == "selection") != ("selection" in field):
            self.error([*path, "selection"], "selection is required for, and only for, selection fields.")
        values = [choice["value"] for choice in field.get("selection", [])]
        if len(set(values)) != len(values):
            self.error([*path, "selection"], "Selection values must be unique.")
        if field["tracking"] and not self.model["mail_thread"]:
            self.error([*path, "tracking"], "tracking needs mail_thread on the model.")
        if "inverse" in field and kind != "one2many":
            self.error([*path, "inverse"], "inverse is only for One2many fields.")
        if "ondelete" in field and kind != "many2one":
            self.error([*path, "ondelete"], "ondelete is only for Many2one fields.")
        if "default" in field:
            self.check_default(path, field)
        if kind in RELATIONAL:
            self.check_relation(path, field)
        elif "comodel" in field:
            self.error([*path, "comodel"], "comodel is only for relational fields.")

    def check_default(self, path, field):
        kind, default = field["type"], field["default"]
        expected = DEFAULT_TYPES.get(kind)
        if expected is None:
            self.error([*path, "default"], "A %s field takes no default." % kind)
        elif kind in DATE_DEFAULTS:
            if default != DATE_DEFAULTS[kind]:
                self.error([*path, "default"], "A %s default can only be %r." % (kind, DATE_DEFAULTS[kind]))
        elif not isinstance(default, expected) or (isinstance(default, bool) and kind != "boolean"):
            self.error([*path, "default"], "The default of a %s field must be a %s." % (kind, kind))
        elif kind == "selection" and default not in [choice["value"] for choice in field["selection"]]:
            self.error([*path, "default"], "The default must be one of the selection's values.")

    def check_relation(self, path, field):
        kind, comodel = field["type"], field.get("comodel")
        if not comodel:
            self.error([*path, "comodel"], "A %s field needs a comodel." % kind)
            return
        catalog = self.validator.catalog
        if comodel not in self.specs and not catalog.concrete_model(comodel):
            self.error([*path, "comodel"], "Unknown model %s: use a model of this spec or an existing one." % comodel)
            return
        if kind == "many2many" and len(relation_table(self.model["name"], comodel, catalog)) > 63:
            self.error([*path, "comodel"], "The Many2many table's name would pass PostgreSQL's 63 characters: "
                                           "use shorter model names.")
        if kind == "many2many" and comodel == self.model["name"]:
            self.error([*path, "comodel"], "A Many2many field to its own model is not supported.")
        if kind == "many2many":
            twins = [f for f in self.model["fields"] if f["type"] == "many2many" and f.get("comodel") == comodel]
            if len(twins) > 1:
                self.error([*path, "comodel"], "Only one Many2many field per comodel (they would share a table).")
        if kind != "one2many":
            return
        inverse = field.get("inverse")
        if comodel not in self.specs:
            self.error([*path, "comodel"], "A One2many field's comodel must be a model of this spec.")
        elif not inverse:
            self.error([*path, "inverse"], "A One2many field needs inverse: the Many2one field of %s." % comodel)
        else:
            target = {f["name"]: f for f in self.specs[comodel]["fields"]}.get(inverse)
            if not target or target["type"] != "many2one" or target.get("comodel") != self.model["name"]:
                self.error([*path, "inverse"], "%s.%s must be a Many2one field to %s." % (
                    comodel, inverse, self.model["name"]))

    def check_rec_name_and_order(self):
        rec_name = self.model.get("rec_name")
        if rec_name and (rec_name not in self.fields or self.fields[rec_name]["type"] not in ("char", "text")):
            self.error(["rec_name"], "rec_name must name a Char or Text field of this model.")
        for term in (self.model.get("order") or "").split(",") if self.model.get("order") else ():
            match = ORDER_TERM.match(term)
            name = match and match.group(1)
            field = self.fields.get(name)
            if not match or not (name in ORDER_FIELDS or (field and field["type"] not in (
                    "one2many", "many2many", "binary", "html", "text"))):
                self.error(["order"], "Order term %r: use 'field [asc|desc]' with stored scalar fields." % term[:40])

    def check_views(self):
        model, views = self.model, self.model["views"]
        group_by, date = model.get("kanban_group_by"), model.get("calendar_date")
        if "kanban" in views and (not group_by or self.fields.get(group_by, {}).get("type") != "selection"):
            self.error(["kanban_group_by"], "A kanban view needs kanban_group_by: a selection field of this model.")
        if "calendar" in views and (not date or self.fields.get(date, {}).get("type") not in ("date", "datetime")):
            self.error(["calendar_date"], "A calendar view needs calendar_date: a date or datetime field.")
        if "form" not in views or "list" not in views:
            self.error(["views"], "Every model needs a list and a form view.")
