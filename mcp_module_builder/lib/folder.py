"""Where generated modules may be written: a folder on Odoo's addons path, writable, and apart from
Odoo's own addons and from every installed module."""
import os

import odoo
from odoo.modules.module import get_module_path


def _inside(path, parent):
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def odoo_addons_roots():
    """Folders of Odoo's own addons (the ``odoo`` package and the community ``addons`` next to it)."""
    package = os.path.realpath(os.path.dirname(odoo.__file__))
    return [package, os.path.realpath(os.path.join(package, os.pardir, "addons"))]


def folder_problem(folder, installed_modules, generated_names=()):
    """``None`` when ``folder`` may hold generated modules, else why not (a sentence for an administrator).

    ``installed_modules``: names of installed modules; ``generated_names``: those this builder made
    (they may live in the folder).
    """
    if not folder:
        return "No folder for generated modules is set (Settings > MCP Server > Module builder)."
    if not os.path.isabs(folder):
        return "The generated modules folder must be an absolute path: %s" % folder
    real = os.path.realpath(folder)
    if not os.path.isdir(real):
        return "The generated modules folder does not exist: %s" % folder
    if not os.access(real, os.W_OK | os.X_OK):
        return "Odoo cannot write in the generated modules folder: %s" % folder
    if any(_inside(real, root) for root in odoo_addons_roots()):
        return "The folder %s is inside Odoo's own addons: use a folder of its own." % folder
    for name in installed_modules:
        path = get_module_path(name, display_warning=False)
        if not path:
            continue
        module_path = os.path.realpath(path)
        if _inside(real, module_path):
            return "The folder %s is inside the installed module %s: use a folder of its own." % (folder, name)
        if name not in generated_names and os.path.dirname(module_path) == real:
            return "The folder %s holds the installed module %s: use a folder of its own." % (folder, name)
    if real not in {os.path.realpath(path) for path in odoo.addons.__path__}:
        return ("The folder %s is not on Odoo's addons path: add it to addons_path in the server's configuration "
                "and restart Odoo." % folder)
    return None
