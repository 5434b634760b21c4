"""Which PostgreSQL text-search configuration reads a document: its record's language, else Settings."""
from odoo import api, models

# Odoo language code prefix -> built-in PostgreSQL text-search configuration.
CONFIG_BY_LANGUAGE = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "nb": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
DEFAULT_CONFIG = "english"


class McpKnowledgeLanguage(models.AbstractModel):
    _name = "mcp.knowledge.language"
    _description = "MCP knowledge text-search languages"

    @api.model
    def _available_configs(self):
        """Names of the text-search configurations this PostgreSQL has."""
        self.env.cr.execute("SELECT cfgname FROM pg_ts_config")
        return {name for (name,) in self.env.cr.fetchall()}

    @api.model
    def _default_config(self):
        value = self.env["mcp.server"]._settings()["knowledge_language"] or DEFAULT_CONFIG
        return value if value in self._available_configs() else "simple"

    @api.model
    def _config_for_record(self, res_model, res_id, default):
        """The configuration of the language of the record (its ``lang`` field), else ``default``."""
        if not res_model or not res_id or res_model not in self.env or "lang" not in self.env[res_model]._fields:
            return default
        lang = self.env[res_model].sudo().browse(res_id).exists().lang
        if not isinstance(lang, str) or not lang:
            return default
        return CONFIG_BY_LANGUAGE.get(lang.split("_")[0], default)
