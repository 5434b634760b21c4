"""MCP resources: the caller's context, model schemas and records (policy applies)."""
import json
import re

from odoo import _, api, models

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError, ToolError

SCHEMA_URI = re.compile(r"^odoo://model/([a-z0-9_.]+)/schema$")
RECORD_URI = re.compile(r"^odoo://record/([a-z0-9_.]+)/(\d+)$")
CONTEXT_URI = "odoo://context"
TEMPLATES = [
    {"uriTemplate": "odoo://model/{model}/schema", "name": "model-schema", "title": "Model schema",
     "description": "Fields of a model as this key may use them.", "mimeType": "application/json"},
    {"uriTemplate": "odoo://record/{model}/{id}", "name": "record", "title": "Record",
     "description": "One record's default fields, as this key may read them.", "mimeType": "application/json"},
]


class McpServerResources(models.AbstractModel):
    _inherit = "mcp.server"

    def _rpc_resources_list(self, params, call):
        resources = [{"uri": CONTEXT_URI, "name": "context", "title": _("Who am I"),
                      "description": _("The user, companies, language, timezone and currency this key works as."),
                      "mimeType": "application/json"}]
        for model_name in call.policy.model_names():
            if call.policy.allows(model_name, "read"):
                resources.append({"uri": "odoo://model/%s/schema" % model_name, "name": "%s schema" % model_name,
                                  "title": _("%s fields", model_name), "mimeType": "application/json"})
        return self._paginate(resources, params, "resources")

    def _rpc_resource_templates_list(self, params, call):
        return self._paginate(TEMPLATES, params, "resourceTemplates")

    def _rpc_resources_read(self, params, call):
        uri = params.get("uri")
        if not isinstance(uri, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("resources/read needs a 'uri' string."))
        try:
            data = self._read_resource(uri, call)
        except ToolError as exc:
            raise JsonRpcError(jsonrpc.RESOURCE_NOT_FOUND, _("Resource not found: %(uri)s (%(reason)s)",
                                                             uri=uri, reason=exc.message), {"uri": uri}) from None
        if data is None:
            raise JsonRpcError(jsonrpc.RESOURCE_NOT_FOUND, _("Resource not found: %s", uri), {"uri": uri})
        return {"contents": [{"uri": uri, "mimeType": "application/json",
                              "text": json.dumps(data, ensure_ascii=False, default=str)}]}

    @api.model
    def _read_resource(self, uri, call):
        """The JSON content of ``uri``, or None when there is no such resource."""
        registry = self.env["mcp.tool.registry"]
        if uri == CONTEXT_URI:
            return self._caller_context()
        match = SCHEMA_URI.match(uri)
        if match:
            model = call.policy.check_model(self.env, match.group(1), "read")
            call.note(model=model._name)
            return registry._describe_model(model, call.policy)
        match = RECORD_URI.match(uri)
        if match:
            model = call.policy.check_model(self.env, match.group(1), "read")
            record_id = int(match.group(2))
            call.note(model=model._name, record_ids=[record_id])
            records = call.policy.check_ids_in_scope(model, [record_id])
            rows, failed = registry._read_records(
                records, registry._default_field_names(model, call.policy), call.policy)
            return dict(rows[0], failed_fields=failed) if failed else rows[0]
        return None

    @api.model
    def _caller_context(self):
        user = self.env.user
        return {
            "user": {"id": user.id, "name": user.name, "login": user.login},
            "company": {"id": user.company_id.id, "name": user.company_id.name},
            "companies": [{"id": c.id, "name": c.name} for c in user.company_ids],
            "lang": user.lang,
            "timezone": user.tz or "UTC",
            "currency": user.company_id.currency_id.name,
            "database": self.env.cr.dbname,
        }
