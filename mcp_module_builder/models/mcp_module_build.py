"""One build: a validated spec, its hash, the generated module as a ZIP, and what became of it."""
import ast
import base64
import io
import json
import os
import shutil
import tempfile
import zipfile

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib.builder import module_files, spec_hash, zip_module
from ..lib.render_python import AUTHOR


def made_by_builder(folder):
    """Whether the module in ``folder`` was written by this builder (its manifest says so)."""
    try:
        with open(os.path.join(folder, "__manifest__.py"), encoding="utf-8") as manifest:
            return ast.literal_eval(manifest.read()).get("author") == AUTHOR
    except (OSError, ValueError, SyntaxError, AttributeError):
        return False


STATES = [("built", "Built"), ("installed", "Installed"), ("upgraded", "Upgraded"), ("failed", "Failed")]


class McpModuleBuild(models.Model):
    _name = "mcp.module.build"
    _description = "MCP Module Build"
    _order = "id desc"

    name = fields.Char(string="Module", required=True, readonly=True, index=True)
    title = fields.Char(readonly=True)
    generated_module_id = fields.Many2one("mcp.generated.module", readonly=True, ondelete="cascade", index=True)
    spec_json = fields.Text(string="Specification", required=True, readonly=True)
    spec_hash = fields.Char(string="Specification SHA-256", required=True, readonly=True, index=True)
    zip_file = fields.Binary(string="ZIP", attachment=True, readonly=True)
    zip_name = fields.Char(readonly=True)
    file_list = fields.Text(string="Files", readonly=True)
    is_upgrade = fields.Boolean(string="Upgrade", readonly=True,
                                help="Built as a new version of a module this builder already installed.")
    state = fields.Selection(STATES, default="built", required=True, readonly=True)
    error = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Built by", readonly=True, default=lambda self: self.env.user)

    def _create_from_spec(self, spec, is_upgrade):
        """A build of a normalised spec (the module's files rendered and zipped)."""
        files = module_files(spec)
        generated = self.env["mcp.generated.module"]._for_name(spec["name"]) or \
            self.env["mcp.generated.module"].create({"name": spec["name"], "title": spec["title"]})
        return self.create({
            "name": spec["name"],
            "title": spec["title"],
            "generated_module_id": generated.id,
            "spec_json": json.dumps(spec, indent=1, sort_keys=True),
            "spec_hash": spec_hash(spec),
            "zip_file": base64.b64encode(zip_module(spec["name"], files)),
            "zip_name": "%s.zip" % spec["name"],
            "file_list": "\n".join("%s\t%s" % (path, len(text.encode())) for path, text in files.items()),
            "is_upgrade": is_upgrade,
        })

    def _files(self):
        """``[{path, size}]`` of the module's files."""
        return [{"path": path, "size": int(size)} for path, size in
                (line.split("\t") for line in (self.file_list or "").splitlines())]

    def _zip_bytes(self):
        return base64.b64decode(self.zip_file)

    def _write_to(self, folder):
        """Put the build's module folder under ``folder``, replacing a previous version whole.

        The files written are rendered again from the build's specification (which the installer has just
        validated), never taken from the stored ZIP: what is installed is only ever what a spec renders.
        """
        self.ensure_one()
        spec = json.loads(self.spec_json)
        if spec.get("name") != self.name:
            raise UserError(_("The build's specification names %(spec)s, not %(name)s: build it again.",
                              spec=str(spec.get("name"))[:60], name=self.name))
        target = os.path.join(folder, self.name)
        if os.path.exists(target) and not made_by_builder(target):
            raise UserError(_("%s already exists in the generated modules folder and was not installed by the "
                              "module builder: remove it or choose another name.", target))
        staging = tempfile.mkdtemp(prefix=".%s-" % self.name, dir=folder)
        try:
            with zipfile.ZipFile(io.BytesIO(zip_module(self.name, module_files(spec)))) as archive:
                for info in archive.infolist():
                    parts = info.filename.split("/")
                    if parts[0] != self.name or ".." in parts or info.filename.startswith("/"):
                        raise UserError(_("Unexpected path in the build's ZIP: %s", info.filename[:100]))
                archive.extractall(staging)
            if os.path.exists(target):
                os.rename(target, os.path.join(staging, "previous"))
            os.rename(os.path.join(staging, self.name), target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target
