"""French, German and Spanish: the translations load into Odoo and a user sees them in menus, field labels
and the messages the server raises."""
import pathlib
import re

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import code_translations

LANGUAGES = {"fr_FR": "fr", "de_DE": "de", "es_ES": "es"}


def _catalog(lang_code):
    path = pathlib.Path(get_module_path("mcp_server"), "i18n", "%s.po" % lang_code)
    return polib.pofile(str(path))


def _msgstr(catalog, msgid, occurrence=None):
    for entry in catalog:
        if entry.msgid == msgid and not entry.obsolete and (
                occurrence is None or any(occurrence in place for place, _line in entry.occurrences)):
            return entry.msgstr
    raise AssertionError("%r is not in the catalog" % msgid)


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGUAGES:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"].search([("name", "=", "mcp_server")])._update_translations(
            filter_lang=list(LANGUAGES), overwrite=True)

    def test_menus_show_in_the_users_language(self):
        menu = self.env.ref("mcp_server.menu_mcp_keys_root")
        for lang, code in LANGUAGES.items():
            expected = _msgstr(_catalog(code), "Keys", "ir.ui.menu")
            self.assertTrue(expected, "%s has no translation of the Keys menu" % code)
            self.assertNotEqual(expected, "Keys")
            self.assertEqual(menu.with_context(lang=lang).name, expected)

    def test_field_labels_show_in_the_users_language(self):
        for lang, code in LANGUAGES.items():
            label = self.env["mcp.api.key"].with_context(lang=lang).fields_get(["expires_at"])["expires_at"]["string"]
            english = self.env["mcp.api.key"]._fields["expires_at"].string
            self.assertEqual(label, _msgstr(_catalog(code), english, "mcp_api_key__expires_at"))
            self.assertNotEqual(label, english)

    def test_server_messages_are_translated(self):
        for lang, code in LANGUAGES.items():
            translations = code_translations.get_python_translations("mcp_server", lang)
            catalog = _catalog(code)
            python_entries = [entry for entry in catalog if "odoo-python" in (entry.comment or "")
                              and entry.msgstr]
            self.assertGreater(len(python_entries), 100, code)
            for entry in python_entries[:50]:
                self.assertEqual(translations.get(entry.msgid), entry.msgstr)


PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
OUR_ADDONS = ("mcp_server", "mcp_server_oauth", "mcp_server_portal", "mcp_ai_engine", "mcp_web_notify",
              "mcp_knowledge", "mcp_module_builder")


@tagged("post_install", "-at_install")
class TestTranslationFiles(TransactionCase):

    def test_every_addon_has_complete_french_german_spanish_catalogs(self):
        installed = self.env["ir.module.module"].search([("name", "in", OUR_ADDONS), ("state", "=", "installed")])
        for module in installed.mapped("name"):
            folder = pathlib.Path(get_module_path(module), "i18n")
            template = {entry.msgid for entry in polib.pofile(str(folder / ("%s.pot" % module)))}
            for code in LANGUAGES.values():
                with self.subTest(module=module, language=code):
                    catalog = polib.pofile(str(folder / ("%s.po" % code)))
                    entries = [entry for entry in catalog if not entry.obsolete]
                    self.assertEqual({entry.msgid for entry in entries}, template,
                                     "out of date: run scripts/update-translations")
                    translated = [entry for entry in entries if entry.msgstr and "fuzzy" not in entry.flags]
                    self.assertGreaterEqual(len(translated), 0.95 * len(entries))
                    for entry in translated:
                        self.assertEqual(sorted(PLACEHOLDER.findall(entry.msgstr)),
                                         sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid)
