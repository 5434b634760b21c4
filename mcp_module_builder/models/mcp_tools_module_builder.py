"""MCP tools of the module builder: validate a spec, build a module, install or upgrade it, list them.

Off by default (Settings > MCP Server > Module builder). Only MCP Administrators whose key has the
full scope see these tools; install and upgrade are ``admin`` risk (approvals and confirmation in the
client apply), building is a write. Every build and install is audited with the spec's hash.
"""
from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.addons.mcp_server.models.mcp_tool_registry import mcp_tool
from odoo.exceptions import UserError

from ..lib.spec_schema import SPEC_SCHEMA

TOOL_NAMES = ("validate_module_spec", "build_module", "install_module", "upgrade_module", "list_generated_modules")
SPEC_INPUT = {"properties": {"spec": dict(SPEC_SCHEMA, description=(
    "The module specification (also the resource odoo://module-builder/spec-schema)."))},
    "required": ["spec"], "additionalProperties": False}
BUILD_INPUT = {"properties": {"build_id": {"type": "integer", "description": "A build of build_module."}},
               "required": ["build_id"], "additionalProperties": False}
ERRORS_OUTPUT = {"type": "array", "items": {"type": "object", "properties": {
    "path": {"type": "string"}, "message": {"type": "string"}}}}
INSTALL_OUTPUT = {"type": "object", "properties": {
    "module": {"type": "string"}, "state": {"type": "string"}, "spec_hash": {"type": "string"},
    "models": {"type": "array", "items": {"type": "string"}},
    "menus": {"type": "array", "items": {"type": "string"}}},
    "required": ["module", "state", "models", "menus"]}


def format_errors(errors):
    return "\n".join("%(path)s: %(message)s" % error for error in errors[:30])


class McpToolsModuleBuilder(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _tool_available(self, spec, call):
        available = super()._tool_available(spec, call)
        if spec.name not in TOOL_NAMES or not available:
            return available
        return (call.policy.max_risk() == "admin" and self.env.user.has_group("mcp_server.group_mcp_admin")
                and self.env["mcp.module.installer"]._builder_settings()["enabled"])

    @api.model
    def _checked_spec(self, call, spec):
        """The normalised spec and whether it replaces a module of the builder; errors raise a ToolError."""
        generated = self._builder_module(spec)
        normalised, errors = self.env["mcp.module.installer"]._validate(spec, generated.name or None)
        if errors:
            raise ToolError(_("The specification has %(count)s error(s):\n%(errors)s", count=len(errors),
                              errors=format_errors(errors)))
        return normalised, generated.state == "installed"

    @api.model
    def _builder_module(self, spec):
        """The module of this spec's name that the builder installed before (maybe since uninstalled), if any."""
        name = spec.get("name")
        generated = self.env["mcp.generated.module"]._for_name(name) if isinstance(name, str) else None
        return generated if generated and generated.installed_build_id else self.env["mcp.generated.module"]

    @mcp_tool(
        "validate_module_spec", "Validate a module specification",
        "Check a module specification (see the spec input's schema): answers the normalised spec (defaults "
        "filled in), or every error with its JSON path (unknown depends, names taken by existing modules, "
        "models or fields, reserved words, relations whose other side is missing).",
        SPEC_INPUT,
        {"type": "object", "properties": {"valid": {"type": "boolean"}, "spec": {"type": "object"},
                                          "errors": ERRORS_OUTPUT}, "required": ["valid", "errors"]})
    def _tool_validate_module_spec(self, call, args):
        own_module = self._builder_module(args["spec"]).name or None
        normalised, errors = self.env["mcp.module.installer"]._validate(args["spec"], own_module)
        if errors:
            return {"valid": False, "errors": errors}
        return {"valid": True, "spec": normalised, "errors": []}

    @mcp_tool(
        "build_module", "Build an Odoo module from a specification",
        "Generate a standard Odoo 18 module from a valid specification: answers a build_id for install_module "
        "(or upgrade_module when the module is already installed), the file listing, and the ZIP as a "
        "resource (odoo://export/<id>) with a download link for review. Nothing is installed.",
        SPEC_INPUT,
        {"type": "object", "properties": {
            "build_id": {"type": "integer"}, "module": {"type": "string"}, "spec_hash": {"type": "string"},
            "upgrade": {"type": "boolean"}, "uri": {"type": "string"}, "download_url": {"type": "string"},
            "files": {"type": "array", "items": {"type": "object", "properties": {
                "path": {"type": "string"}, "size": {"type": "integer"}}}}},
         "required": ["build_id", "module", "spec_hash", "files"]},
        risk="write")
    def _tool_build_module(self, call, args):
        spec, is_upgrade = self._checked_spec(call, args["spec"])
        build = self.env["mcp.module.build"]._create_from_spec(spec, is_upgrade)
        call.note(model="mcp.module.build", record_ids=build.ids)
        call.audit["module_spec_hash"] = build.spec_hash
        answer = {"build_id": build.id, "module": build.name, "spec_hash": build.spec_hash, "upgrade": is_upgrade,
                  "files": build._files()}
        if not call.dry_run:
            export = self.env["mcp.export"]._store(call, build.zip_name, "zip", build._zip_bytes(),
                                                   "mcp.module.build", 1)
            base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
            answer.update(uri=export._uri(), download_url=export._download_url(base_url))
            call.extra_content.append(export._link(base_url))
        return answer

    def _operate(self, call, args, upgrade):
        build = self.env["mcp.module.build"].browse(args["build_id"]).exists()
        if not build:
            raise ToolError(_("Unknown build %s: call build_module first.", args["build_id"]))
        call.note(model="mcp.module.build", record_ids=build.ids)
        call.audit["module_spec_hash"] = build.spec_hash
        installer = self.env["mcp.module.installer"]
        try:
            if call.dry_run:
                installer._check_can_operate(build, upgrade)
                call.changes.append({"operation": "upgrade" if upgrade else "install", "module": build.name})
                return {"module": build.name, "state": "unchanged", "spec_hash": build.spec_hash,
                        "models": [], "menus": []}
            report = installer._install(build, upgrade)
        except UserError as exc:
            raise ToolError(exc.args[0]) from None
        return dict(report, module=build.name, spec_hash=build.spec_hash)

    @mcp_tool(
        "install_module", "Install a generated module",
        "Install a build of build_module in this database: writes the module in the generated modules folder, "
        "updates the module list, installs it and reports its new models and menus. Odoo reloads its registry.",
        BUILD_INPUT, INSTALL_OUTPUT, risk="admin")
    def _tool_install_module(self, call, args):
        return self._operate(call, args, upgrade=False)

    @mcp_tool(
        "upgrade_module", "Upgrade a generated module",
        "Install a new build of a module the builder already installed (same technical name, e.g. fields added): "
        "its records are kept. Fields removed from the spec lose their data.",
        BUILD_INPUT, INSTALL_OUTPUT, risk="admin")
    def _tool_upgrade_module(self, call, args):
        return self._operate(call, args, upgrade=True)

    @mcp_tool(
        "list_generated_modules", "List generated modules",
        "Modules made by the module builder: install state, version, spec hash and builds.",
        {"properties": {}, "additionalProperties": False},
        {"type": "object", "properties": {"modules": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "title": {"type": "string"}, "state": {"type": "string"},
            "version": {"type": "string"}, "spec_hash": {"type": "string"},
            "build_ids": {"type": "array", "items": {"type": "integer"}},
            "installed_build_id": {"type": "integer"}}}}}, "required": ["modules"]})
    def _tool_list_generated_modules(self, call, args):
        return {"modules": [module._summary() for module in self.env["mcp.generated.module"].search([])]}
