"""The resource odoo://module-builder/spec-schema (the JSON Schema of a module specification), and the
spec hash a tool notes on its audit row."""
from odoo import _, api, models

from ..lib.spec_schema import SPEC_SCHEMA

SPEC_SCHEMA_URI = "odoo://module-builder/spec-schema"


class McpServerResources(models.AbstractModel):
    _inherit = "mcp.server"

    def _builder_resource_visible(self, call):
        registry = self.env["mcp.tool.registry"]
        spec = registry._catalog().get("build_module")
        return bool(spec) and registry._tool_available(spec, call)

    def _resource_descriptions(self, call):
        resources = super()._resource_descriptions(call)
        if self._builder_resource_visible(call):
            resources += self._with_icons([{
                "uri": SPEC_SCHEMA_URI, "name": "module-spec-schema", "title": _("Module specification schema"),
                "description": _("JSON Schema of the spec of validate_module_spec and build_module."),
                "mimeType": "application/json"}], call, self._addon_icon_path("mcp_module_builder"))
        return resources

    @api.model
    def _read_resource(self, uri, call):
        if uri == SPEC_SCHEMA_URI:
            return SPEC_SCHEMA if self._builder_resource_visible(call) else None
        return super()._read_resource(uri, call)

    def _audit_call_keys(self):
        return (*super()._audit_call_keys(), "module_spec_hash")
