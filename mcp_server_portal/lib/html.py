"""Safe HTML output: sanitised rich text and JSON embedded in a <script> element."""
import json

from markupsafe import Markup

from odoo.tools import html_sanitize

# Characters that could end a <script> element or start an HTML comment inside it, and the two
# line separators that JavaScript string literals do not accept.
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def sanitize_body(html):
    """Rich text as it may be shown to anyone: no scripts, event handlers, styles, frames or forms."""
    return html_sanitize(html or "", sanitize_attributes=True, strip_style=True) or Markup("")


def json_script(data):
    """JSON for ``<script type="application/json">``: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    for char, escaped in SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)
