"""Icons (SEP-973) of the server, its tools, resources and prompts: one short URL each, on the public origin.

Icons exist from protocol revision 2025-11-25 on; older clients get none (their schemas have no such field).
An icon is an addon's ``static/description/icon.png``, which Odoo serves to anyone without a login.
"""
from odoo.modules.module import get_module_icon

ICONS_SINCE = "2025-11-25"
SERVER_ADDON = "mcp_server"
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def icons_supported(version):
    """Whether a client speaking protocol ``version`` (``YYYY-MM-DD``) knows the ``icons`` field."""
    return bool(version) and version >= ICONS_SINCE


def addon_icon_path(addon):
    """``/<addon>/static/description/icon.png`` when the addon has one, else the server's own icon."""
    path = get_module_icon(addon or SERVER_ADDON)
    if path.startswith("/base/") and addon != "base":
        return get_module_icon(SERVER_ADDON)
    return path


def icon_list(base_url, path, typed=True):
    """The ``icons`` value of one entity: ``[{src, mimeType}]`` with an absolute ``src``.

    ``typed=False`` leaves ``mimeType`` out (optional in the schema; the URL's suffix and the served
    Content-Type say it), as ``tools/list`` does to stay small.
    """
    icon = {"src": "%s%s" % (base_url, path)}
    if typed:
        icon["mimeType"] = MIME_TYPES.get(path.rpartition(".")[2].lower(), "image/png")
    return [icon]
