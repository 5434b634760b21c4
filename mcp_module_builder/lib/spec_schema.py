"""The JSON Schema of a module specification: what an agent fills in to describe a small Odoo app.

It is written so an LLM can fill it in one go: every node typed, no combinators, a description on
every choice. The same schema is the ``spec`` argument of the builder tools (it stays within the
subset of ``mcp_server.lib.tool_schema.lint``) and the resource ``odoo://module-builder/spec-schema``.
"""
from odoo.addons.mcp_server.lib.tool_schema import Lenient, validation_schema

FIELD_TYPES = ("char", "integer", "float", "monetary", "boolean", "date", "datetime", "text", "html", "binary",
               "selection", "many2one", "one2many", "many2many")
VIEW_TYPES = ("list", "form", "search", "kanban", "calendar")
OPERATIONS = ("read", "write", "create", "unlink")
IDENTIFIER = "^[a-z][a-z0-9_]*$"
MODEL_NAME = "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$"
TEXT = {"type": "string", "maxLength": 200}

FIELD_SCHEMA = {
    "type": "object",
    "description": "One field. Many2one names end in _id, One2many and Many2many names in _ids.",
    "properties": {
        "name": {"type": "string", "pattern": IDENTIFIER, "maxLength": 50, "description": "Technical name."},
        "type": {"type": "string", "enum": list(FIELD_TYPES)},
        "string": dict(TEXT, description="Label shown to users."),
        "help": {"type": "string", "maxLength": 1000, "description": "Tooltip."},
        "required": {"type": "boolean"},
        "tracking": {"type": "boolean", "description": "Log changes in the chatter (model with mail_thread)."},
        "default": Lenient({"type": "string", "description": (
            "Default value of the field's type (a number or true/false are given as JSON values); "
            "'today' for a date, 'now' for a datetime; a selection's value.")},
            ("string", "number", "integer", "boolean")),
        "selection": {"type": "array", "minItems": 1, "maxItems": 50, "description": "Selection choices.",
                      "items": {"type": "object", "properties": {
                          "value": {"type": "string", "pattern": IDENTIFIER, "maxLength": 50},
                          "label": TEXT}, "required": ["value", "label"], "additionalProperties": False}},
        "comodel": {"type": "string", "pattern": MODEL_NAME, "maxLength": 60, "description": (
            "Related model (relational fields): one of this spec or an existing one, e.g. res.partner.")},
        "inverse": {"type": "string", "pattern": IDENTIFIER, "maxLength": 50, "description": (
            "One2many only: the Many2one field of the comodel (a model of this spec) pointing back here.")},
        "ondelete": {"type": "string", "enum": ["set null", "restrict", "cascade"],
                     "description": "Many2one only (default set null; required fields default to restrict)."},
    },
    "required": ["name", "type"],
    "additionalProperties": False,
}

MODEL_SCHEMA = {
    "type": "object",
    "description": "One model. Every model also gets active and company_id (with a multi-company rule).",
    "properties": {
        "name": {"type": "string", "pattern": MODEL_NAME, "maxLength": 60,
                 "description": "Technical name, e.g. equipment.loan."},
        "description": dict(TEXT, description="Human name, e.g. Equipment Loan."),
        "mail_thread": {"type": "boolean", "description": "Chatter and activities (adds the mail dependency)."},
        "rec_name": {"type": "string", "pattern": IDENTIFIER, "description": "Field naming a record (default name)."},
        "order": {"type": "string", "maxLength": 200, "description": "Default order, e.g. 'date_start desc, id'."},
        "fields": {"type": "array", "minItems": 1, "maxItems": 60, "items": FIELD_SCHEMA},
        "views": {"type": "array", "description": "Views to generate (default list, form, search).",
                  "items": {"type": "string", "enum": list(VIEW_TYPES)}},
        "kanban_group_by": {"type": "string", "pattern": IDENTIFIER,
                            "description": "Selection field the kanban view is grouped by (required for kanban)."},
        "calendar_date": {"type": "string", "pattern": IDENTIFIER,
                          "description": "Date or datetime field of the calendar view (required for calendar)."},
        "menu": dict(TEXT, description="Menu label (default: the description)."),
        "user_access": {"type": "array", "items": {"type": "string", "enum": list(OPERATIONS)},
                        "description": "Operations of the user group (default read, write, create)."},
        "manager_access": {"type": "array", "items": {"type": "string", "enum": list(OPERATIONS)},
                           "description": "Operations of the manager group (default all)."},
    },
    "required": ["name", "description", "fields"],
    "additionalProperties": False,
}

SPEC_SCHEMA = {
    "type": "object",
    "description": "A small Odoo 18 app: models, fields, views, menus and two groups (user, manager).",
    "properties": {
        "name": {"type": "string", "pattern": IDENTIFIER, "minLength": 3, "maxLength": 50,
                 "description": "Technical module name, e.g. equipment_loans (a new name)."},
        "title": dict(TEXT, description="Module title, also the app menu."),
        "summary": dict(TEXT, description="One sentence."),
        "version": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$",
                    "description": "x.y.z (the manifest says 18.0.x.y.z; default 1.0.0). Raise it to upgrade."},
        "category": {"type": "string", "maxLength": 60, "pattern": "^[A-Za-z][A-Za-z /_-]*$"},
        "depends": {"type": "array", "maxItems": 20, "items": {"type": "string", "pattern": IDENTIFIER},
                    "description": "Existing modules (base is always a dependency)."},
        "user_group": dict(TEXT, description="Label of the user group (default 'User')."),
        "manager_group": dict(TEXT, description="Label of the manager group (default 'Manager')."),
        "models": {"type": "array", "minItems": 1, "maxItems": 20, "items": MODEL_SCHEMA},
    },
    "required": ["name", "title", "models"],
    "additionalProperties": False,
}

# What the validator checks the spec against (the lenient default accepts its every type).
VALIDATION_SCHEMA = validation_schema(SPEC_SCHEMA)
