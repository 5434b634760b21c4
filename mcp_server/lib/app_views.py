"""MCP Apps (extension ``io.modelcontextprotocol/ui``, specification 2026-01-26): the ``ui://`` views.

A view is one self-contained HTML5 document (``text/html;profile=mcp-app``): its style sheet and scripts
are inlined (Odoo's bundled Chart.js included, minified as Odoo's asset bundles are), it loads nothing
from the network and says so twice: in ``_meta.ui.csp`` for the host (no domain declared) and in its
own ``Content-Security-Policy``. Its script talks to the host over ``postMessage`` (``app_bridge.js``).
The documents are built once per worker from the files below; the texts they show come in the user's
language (``app_view_strings``) in a JSON data block, which runs no code and needs no hash.
"""
import base64
import functools
import hashlib

from rjsmin import jsmin

from odoo.tools import file_open
from odoo.tools.translate import LazyTranslate

from .app_view_strings import data_block

_lt = LazyTranslate(__name__)

EXTENSION_ID = "io.modelcontextprotocol/ui"
MIME_TYPE = "text/html;profile=mcp-app"
URI_PREFIX = "ui://odoo/"
# No external origin at all: no fetch, no script, style, image or font from elsewhere, no nested frame.
CSP = {"connectDomains": [], "resourceDomains": [], "frameDomains": [], "baseUriDomains": []}
RESOURCE_META = {"ui": {"csp": CSP, "prefersBorder": True}}
# The same rule enforced by the document itself, whatever the host does. Only the document's own scripts run
# (named by their hash): markup that would slip into the page could not run an inline handler.
DOCUMENT_CSP = ("default-src 'none'; script-src %s; style-src 'unsafe-inline'; img-src data:; "
                "font-src data:; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; "
                "form-action 'none'")
STATIC = "mcp_server/static/src/"
COMMON_SCRIPTS = (STATIC + "apps/app_bridge.js", STATIC + "apps/view_common.js")
CHART_SCRIPTS = ("web/static/lib/Chart/Chart.js", STATIC + "js/mcp_chart.js", STATIC + "apps/chart_data.js")
STYLE = STATIC + "apps/view.css"


class View:
    """One ``ui://odoo/<name>`` view: what ``resources/list`` says of it and the scripts it inlines."""

    def __init__(self, name, title, description, scripts):
        self.name = name
        self.uri = URI_PREFIX + name
        self.title = title
        self.description = description
        self.scripts = COMMON_SCRIPTS + tuple(scripts)

    def resource(self):
        """The ``resources/list`` entry, in the user's language."""
        return {"uri": self.uri, "name": "view-%s" % self.name, "title": str(self.title),
                "description": str(self.description), "mimeType": MIME_TYPE, "_meta": RESOURCE_META}

    def contents(self, lang=""):
        """The ``resources/read`` content item, its texts in ``lang`` (an Odoo language code, e.g. fr_FR)."""
        html = document(self.name).replace("%(lang)s", (lang or "en").split("_")[0], 1).replace(
            "%(strings)s", data_block(lang), 1)
        return {"uri": self.uri, "mimeType": MIME_TYPE, "text": html, "_meta": RESOURCE_META}


VIEWS = {view.name: view for view in (
    View("chart", _lt("Chart"),
         _lt("A chart of an analytics result (time series, groups, pivot, periods compared, funnel, cohorts); "
             "a click on a bar or point lists its records."),
         (*CHART_SCRIPTS, STATIC + "apps/record_views.js", STATIC + "apps/chart_view.js")),
    View("table", _lt("Record table"), _lt("Records of a search as a table sorted by a click on a column."),
         (STATIC + "apps/record_views.js", STATIC + "apps/table_view.js")),
    View("record", _lt("Record card"), _lt("The records read by id, one card each."),
         (STATIC + "apps/record_views.js", STATIC + "apps/record_view.js")),
    View("changes", _lt("Changes"),
         _lt("The changes of a write: what a dry run would change (before and after) or what was created, "
             "updated or deleted."),
         (STATIC + "apps/changes_view.js",)),
)}


def view_by_uri(uri):
    """The view at ``uri``, or None."""
    if not isinstance(uri, str) or not uri.startswith(URI_PREFIX):
        return None
    return VIEWS.get(uri[len(URI_PREFIX):])


def declares_ui(capabilities):
    """Whether a client's capabilities declare the extension with our MIME type (``mimeTypes`` is required)."""
    extensions = capabilities.get("extensions") if isinstance(capabilities, dict) else None
    settings = extensions.get(EXTENSION_ID) if isinstance(extensions, dict) else None
    mime_types = settings.get("mimeTypes") if isinstance(settings, dict) else None
    return isinstance(mime_types, list) and MIME_TYPE in mime_types


def tool_meta(view_name):
    """``_meta`` of a tool shown by a view: ``ui.resourceUri``, and the flat key older hosts still read (the
    extension's own server helper sets both)."""
    uri = VIEWS[view_name].uri
    return {"ui": {"resourceUri": uri}, "ui/resourceUri": uri}


def _read(path):
    with file_open(path, "r") as handle:
        return handle.read()


def _inline_script(path):
    source = _read(path)
    # Already minified libraries keep their licence banner; our files are small.
    code = jsmin(source, keep_bang_comments=True)
    # A script element ends at the first "</script": never let the code end it early.
    return code.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@functools.lru_cache(maxsize=len(VIEWS))
def document(name):
    """The whole HTML document of view ``name`` (cached per worker), with the placeholders ``%(lang)s`` (in the
    ``<html>`` element) and ``%(strings)s`` (before the scripts) that ``View.contents`` fills in."""
    view = VIEWS[name]
    codes = [_inline_script(path) for path in view.scripts]
    scripts = "\n".join("<script>%s</script>" % code for code in codes)
    hashes = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
                      for code in codes)
    return (
        '<!DOCTYPE html>\n<html lang="%%(lang)s"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="%(csp)s">'
        "<title>%(title)s</title><style>%(style)s</style></head>"
        '<body data-view="%(name)s"><main id="app"><p class="mcp-status"></p></main>\n'
        "%%(strings)s\n%(scripts)s\n</body></html>\n"
    ) % {"csp": DOCUMENT_CSP % hashes, "title": view.name, "style": _read(STYLE), "name": name,
         "scripts": scripts}
