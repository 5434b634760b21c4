"""The texts the ``ui://`` views show, translated on the server: each view document carries them in the user's
language as a JSON data block (``<script type="application/json" id="mcp-strings">``, never executed, so the
document's script hashes are unchanged), keyed by the English text; ``McpView.t`` in ``view_common.js`` reads
it and falls back to English. ``%(name)s`` placeholders are filled in by the view.
"""
import json

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

STRINGS = (
    # view_common.js
    _lt("Waiting for the result…"), _lt("Count"), _lt("The tool failed."), _lt("The tool was cancelled."),
    _lt("The tool was cancelled: %(reason)s"),
    # chart_view.js, chart_data.js
    _lt("Click a bar or point to list its records."), _lt("No records."),
    _lt("Loading the records of %(label)s…"), _lt("%(label)s: %(count)s records"),
    _lt("%(measure)s by %(groups)s"), _lt("%(measure)s by %(rows)s and %(column)s"), _lt("Total"),
    _lt("Previous period"), _lt("%(measure)s: two periods"), _lt("Period A"), _lt("Period B"),
    _lt("Funnel"), _lt("Funnel: %(percent)s overall"), _lt("Reached"), _lt("In stage"),
    _lt("Retention by cohort"), _lt("period"),
    # table_view.js
    _lt("1 record"), _lt("%(count)s records"),
    _lt("More records match: ask for the next page (offset %(offset)s)."),
    # changes_view.js
    _lt("Field"), _lt("Before"), _lt("After"), _lt("Change %(model)s #%(id)s"),
    _lt("Create a %(model)s record"), _lt("Delete %(model)s #%(id)s"), _lt("This change would fail"),
    _lt("1 change to confirm"), _lt("%(count)s changes to confirm"), _lt("Done"),
    _lt("Deleted %(count)s %(model)s record(s): %(ids)s"), _lt("Updated %(count)s %(model)s record(s): %(ids)s"),
    _lt("Created %(model)s #%(id)s"),
)


def translated(lang):
    """``{English text: text in lang}`` of the texts ``lang`` translates (English when it is empty)."""
    texts = {}
    for term in STRINGS:
        text = term._translate(lang) if lang else term._source
        if text != term._source:
            texts[term._source] = text
    return texts


def data_block(lang):
    """The ``<script type="application/json" id="mcp-strings">`` element of ``lang``'s texts (nothing in it can
    end the element: ``<`` is escaped)."""
    payload = json.dumps(translated(lang), ensure_ascii=False, sort_keys=True)
    return '<script type="application/json" id="mcp-strings">%s</script>' % payload.replace("<", "\\u003c")
