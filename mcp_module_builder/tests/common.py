"""Specs of the module builder's tests."""
import copy

TWO_MODEL_SPEC = {
    "name": "equipment_loans",
    "title": "Equipment Loans",
    "summary": "Track equipment loans",
    "depends": ["mail"],
    "user_group": "Loans User",
    "manager_group": "Loans Manager",
    "models": [
        {"name": "equipment.item", "description": "Equipment", "fields": [
            {"name": "name", "type": "char", "required": True},
            {"name": "serial", "type": "char", "help": "Serial number on the label"},
            {"name": "value", "type": "monetary"},
            {"name": "loan_ids", "type": "one2many", "comodel": "equipment.loan", "inverse": "item_id"},
        ]},
        {"name": "equipment.loan", "description": "Equipment Loan", "mail_thread": True,
         "order": "date_start desc, id", "views": ["list", "form", "search", "kanban", "calendar"],
         "kanban_group_by": "state", "calendar_date": "date_start",
         "fields": [
             {"name": "name", "type": "char", "required": True, "tracking": True},
             {"name": "item_id", "type": "many2one", "comodel": "equipment.item", "required": True},
             {"name": "borrower_id", "type": "many2one", "comodel": "res.partner"},
             {"name": "date_start", "type": "date", "default": "today"},
             {"name": "state", "type": "selection", "default": "draft", "tracking": True, "selection": [
                 {"value": "draft", "label": "Draft"}, {"value": "on_loan", "label": "On loan"},
                 {"value": "returned", "label": "Returned"}]},
             {"name": "days", "type": "integer", "default": 7},
             {"name": "note", "type": "html"},
             {"name": "tag_ids", "type": "many2many", "comodel": "res.partner.category"},
         ]},
    ],
}


def two_model_spec(**changes):
    """A deep copy of :data:`TWO_MODEL_SPEC` with top-level ``changes``."""
    return dict(copy.deepcopy(TWO_MODEL_SPEC), **changes)
