"""Generated files: the expected layout, valid Python and XML, ruff clean, and inert spec text."""
import ast
import io
import os
import shutil
import subprocess
import tempfile
import zipfile

from lxml import etree

from odoo.tests import TransactionCase, tagged

from ..lib.builder import module_files, spec_hash, zip_module
from ..lib.spec_validator import Catalog, SpecValidator
from .common import two_model_spec

HOSTILE = "x'\"\"\" + __import__('os').system('id') # ]]></field><record id=\"evil\"/><!-- \n\\ {{1}} ${a}"


@tagged("post_install", "-at_install")
class TestRendering(TransactionCase):

    def build(self, spec):
        normalised, errors = SpecValidator(Catalog(self.env)).validate(spec)
        self.assertEqual(errors, [])
        return normalised, module_files(normalised)

    def test_layout_and_syntax(self):
        spec, files = self.build(two_model_spec())
        for path in ("__manifest__.py", "__init__.py", "models/equipment_item.py", "models/equipment_loan.py",
                     "views/equipment_loan_views.xml", "views/menus.xml", "security/ir.model.access.csv",
                     "security/security.xml", "tests/test_equipment_item.py", "tests/test_equipment_loan.py",
                     "README.rst"):
            self.assertIn(path, files)
        manifest = ast.literal_eval(files["__manifest__.py"].split("\n", 1)[1])
        self.assertEqual(manifest["version"], "18.0.1.0.0")
        self.assertEqual(manifest["depends"], ["base", "mail"])
        for path, text in files.items():
            if path.endswith(".py"):
                ast.parse(text, path)
            elif path.endswith(".xml"):
                etree.fromstring(text.encode())
        kanban = etree.fromstring(files["views/equipment_loan_views.xml"].encode()).xpath("//kanban")[0]
        self.assertEqual(kanban.get("default_group_by"), "state")
        self.assertIn("access_equipment_loan_manager,equipment_loan manager,model_equipment_loan,group_manager,"
                      "1,1,1,1", files["security/ir.model.access.csv"])
        self.assertIn(spec_hash(spec), files["README.rst"])
        archive = zipfile.ZipFile(io.BytesIO(zip_module(spec["name"], files)))
        self.assertEqual(sorted(archive.namelist()), sorted("equipment_loans/%s" % path for path in files))

    def test_generated_code_passes_ruff(self):
        ruff = shutil.which("ruff")
        self.assertTrue(ruff, "ruff must be installed to check generated modules")
        _spec, files = self.build(two_model_spec())
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(folder, path)), exist_ok=True)
            with open(os.path.join(folder, path), "w", encoding="utf-8") as handle:
                handle.write(text)
        result = subprocess.run([ruff, "check", "--isolated", "--no-cache", folder], capture_output=True, text=True,
                                check=False)
        self.assertEqual(result.returncode, 0, result.stdout[-3000:])

    def test_hostile_text_stays_text(self):
        spec = two_model_spec(title=HOSTILE, summary=HOSTILE, user_group=HOSTILE)
        item = spec["models"][0]
        item["description"] = HOSTILE
        item["fields"][1].update(string=HOSTILE, help=HOSTILE)
        spec["models"][1]["fields"][4]["selection"][0]["label"] = HOSTILE
        spec["models"][1]["menu"] = HOSTILE
        _spec, files = self.build(spec)
        module = ast.parse(files["models/equipment_item.py"])
        strings = [node.value for node in ast.walk(module) if isinstance(node, ast.Constant)]
        self.assertIn(HOSTILE, strings, "the label is one string literal, unchanged")
        calls = {node.func.id for node in ast.walk(module) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Name)}
        self.assertEqual(calls, set(), "no bare function call (such as __import__) appears in the model")
        loan = ast.parse(files["models/equipment_loan.py"])
        self.assertIn(HOSTILE, [node.value for node in ast.walk(loan) if isinstance(node, ast.Constant)])
        self.assertEqual(ast.literal_eval(files["__manifest__.py"].split("\n", 1)[1])["name"], HOSTILE)
        for path in ("views/equipment_item_views.xml", "views/menus.xml", "security/security.xml"):
            root = etree.fromstring(files[path].encode())
            self.assertFalse(root.xpath("//record[@id='evil']"), path)
            texts = root.xpath("//text()") + [value for node in root.iter() for value in node.attrib.values()]
            self.assertTrue(any(HOSTILE in text for text in texts), path)

    def test_hostile_names_are_refused(self):
        for path, value in ((("models", 0, "fields", 1, "name"), "x = 1\nimport os"),
                            (("models", 0, "name"), "a.b'); import os; ('"),
                            (("models", 1, "fields", 4, "selection", 0, "value"), "a'), ('b"),
                            (("name",), "x; rm -rf"),
                            (("category",), "Sales\" or 1 #")):
            spec = two_model_spec()
            node = spec
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
            normalised, errors = SpecValidator(Catalog(self.env)).validate(spec)
            self.assertIsNone(normalised)
            expected = "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in path)
            self.assertIn(expected, [error["path"] for error in errors])
