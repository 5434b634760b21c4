"""Every class of spec error is reported with its JSON path; a valid spec comes back normalised."""
from odoo.tests import TransactionCase, tagged

from ..lib.spec_validator import Catalog, SpecValidator
from .common import two_model_spec


@tagged("post_install", "-at_install")
class TestSpecValidation(TransactionCase):

    def validate(self, spec, own_module=None):
        return SpecValidator(Catalog(self.env, own_module)).validate(spec)

    def assertSpecError(self, spec, path, fragment):
        normalised, errors = self.validate(spec)
        self.assertIsNone(normalised)
        matching = [error for error in errors if error["path"] == path]
        self.assertTrue(matching, "no error at %s in %s" % (path, errors))
        self.assertIn(fragment, " ".join(error["message"] for error in matching))

    def field(self, spec, model_index, field_index):
        return spec["models"][model_index]["fields"][field_index]

    def test_valid_spec_is_normalised(self):
        normalised, errors = self.validate(two_model_spec())
        self.assertEqual(errors, [])
        self.assertEqual(normalised["depends"], ["base", "mail"])
        self.assertEqual(normalised["version"], "1.0.0")
        item, loan = normalised["models"]
        self.assertEqual(item["views"], ["list", "form", "search"])
        self.assertEqual(item["rec_name"], "name")
        self.assertEqual(loan["user_access"], ["read", "write", "create"])
        self.assertEqual(self.field(normalised, 1, 1)["string"], "Item")
        self.assertEqual(self.field(normalised, 1, 7)["string"], "Tags")

    def test_schema_errors(self):
        spec = two_model_spec()
        del spec["models"]
        self.assertSpecError(spec, "$", "'models' is a required property")
        spec = two_model_spec()
        self.field(spec, 0, 1)["name"] = "Serial Number"
        self.assertSpecError(spec, "$.models[0].fields[1].name", "does not match")
        spec = two_model_spec()
        self.field(spec, 0, 1)["type"] = "reference"
        self.assertSpecError(spec, "$.models[0].fields[1].type", "is not one of")

    def test_unknown_depends(self):
        self.assertSpecError(two_model_spec(depends=["mail", "no_such_module"]), "$.depends[1]",
                             "Unknown module no_such_module")

    def test_name_clashes(self):
        self.assertSpecError(two_model_spec(name="base_setup"), "$.name", "already exists")
        self.assertSpecError(two_model_spec(name="mcp_tools"), "$.name", "reserved module name")
        spec = two_model_spec()
        spec["models"][0]["name"] = "discuss.channel"
        self.assertSpecError(spec, "$.models[0].name", "already exists")
        spec = two_model_spec()
        spec["models"][0]["name"] = "res.equipment"
        self.assertSpecError(spec, "$.models[0].name", "reserved for Odoo")
        spec = two_model_spec()
        spec["models"][0]["name"] = "equipment.loan"
        self.assertSpecError(spec, "$.models[1].name", "declared twice")
        spec = two_model_spec()
        spec["models"][0]["fields"].append({"name": "serial", "type": "char"})
        self.assertSpecError(spec, "$.models[0].fields[4].name", "declared twice")

    def test_reserved_words(self):
        for name in ("class", "write", "company_id", "message_ids", "fields", "env", "create_uid"):
            spec = two_model_spec()
            self.field(spec, 0, 1)["name"] = name
            self.assertSpecError(spec, "$.models[0].fields[1].name", "reserved")

    def test_bad_relations(self):
        spec = two_model_spec()
        self.field(spec, 1, 2)["comodel"] = "no.such.model"
        self.assertSpecError(spec, "$.models[1].fields[2].comodel", "Unknown model no.such.model")
        spec = two_model_spec()
        self.field(spec, 0, 3)["inverse"] = "borrower_id"
        self.assertSpecError(spec, "$.models[0].fields[3].inverse", "must be a Many2one field to equipment.item")
        spec = two_model_spec()
        del self.field(spec, 0, 3)["inverse"]
        self.assertSpecError(spec, "$.models[0].fields[3].inverse", "needs inverse")
        spec = two_model_spec()
        self.field(spec, 0, 3)["comodel"] = "res.partner"
        self.assertSpecError(spec, "$.models[0].fields[3].comodel", "must be a model of this spec")
        spec = two_model_spec()
        self.field(spec, 1, 2)["name"] = "borrower"
        self.assertSpecError(spec, "$.models[1].fields[2].name", "ends in _id")
        spec = two_model_spec()
        del self.field(spec, 1, 1)["comodel"]
        self.assertSpecError(spec, "$.models[1].fields[1].comodel", "needs a comodel")

    def test_required_cycles_and_long_tables(self):
        spec = two_model_spec()
        spec["models"][0]["fields"].append({"name": "last_loan_id", "type": "many2one",
                                            "comodel": "equipment.loan", "required": True})
        self.assertSpecError(spec, "$.models[0].fields[4].required", "form a cycle")
        spec = two_model_spec()
        spec["models"][0]["name"] = "equipment.%s" % ("x" * 50)
        spec["models"][1]["fields"][1]["comodel"] = spec["models"][0]["name"]
        spec["models"][0]["fields"][3]["comodel"] = "equipment.loan"
        spec["models"][0]["fields"].append({"name": "user_ids", "type": "many2many", "comodel": "res.users"})
        self.assertSpecError(spec, "$.models[0].fields[4].comodel", "63 characters")

    def test_defaults_and_options(self):
        spec = two_model_spec()
        self.field(spec, 1, 5)["default"] = "seven"
        self.assertSpecError(spec, "$.models[1].fields[5].default", "must be a integer")
        spec = two_model_spec()
        self.field(spec, 1, 4)["default"] = "lost"
        self.assertSpecError(spec, "$.models[1].fields[4].default", "one of the selection's values")
        spec = two_model_spec()
        self.field(spec, 1, 3)["default"] = "2026-01-01"
        self.assertSpecError(spec, "$.models[1].fields[3].default", "can only be 'today'")
        spec = two_model_spec()
        self.field(spec, 0, 1)["tracking"] = True
        self.assertSpecError(spec, "$.models[0].fields[1].tracking", "needs mail_thread")
        spec = two_model_spec()
        self.field(spec, 0, 1)["selection"] = [{"value": "a", "label": "A"}]
        self.assertSpecError(spec, "$.models[0].fields[1].selection", "only for, selection fields")

    def test_views_order_and_access(self):
        spec = two_model_spec()
        spec["models"][1]["kanban_group_by"] = "name"
        self.assertSpecError(spec, "$.models[1].kanban_group_by", "a selection field")
        spec = two_model_spec()
        del spec["models"][1]["calendar_date"]
        self.assertSpecError(spec, "$.models[1].calendar_date", "date or datetime")
        spec = two_model_spec()
        spec["models"][1]["order"] = "note desc"
        self.assertSpecError(spec, "$.models[1].order", "Order term")
        spec = two_model_spec()
        spec["models"][1]["order"] = "id; DROP TABLE res_users"
        self.assertSpecError(spec, "$.models[1].order", "Order term")
        spec = two_model_spec()
        spec["models"][0]["rec_name"] = "value"
        self.assertSpecError(spec, "$.models[0].rec_name", "Char or Text")
        spec = two_model_spec()
        spec["models"][0]["user_access"] = ["write"]
        self.assertSpecError(spec, "$.models[0].user_access", "add read")
