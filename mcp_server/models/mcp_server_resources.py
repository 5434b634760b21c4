"""MCP resources: the caller's context, model schemas and records (policy applies)."""
import json
import re

from odoo import _, api, models

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError, ToolError
from ..services import RecordAccess, Vocabulary

EXPORT_URI = re.compile(r"^odoo://export/(\d+)$")
SCHEMA_URI = re.compile(r"^odoo://model/([a-z0-9_.]+)/schema$")
RECORD_URI = re.compile(r"^odoo://record/([a-z0-9_.]+)/(\d+)$")
CONTEXT_URI = "odoo://context"
LIST_URIS = {
    "odoo://reports": ("reports", "Reports", "Reports on models this key reads without a field list; render_report "
                                             "also needs every related record a report prints to be readable."),
    "odoo://server-actions": ("server-actions", "Server actions", "Server actions on the models this key may use."),
    "odoo://companies": ("companies", "Companies", "The companies this user works in."),
    "odoo://modules": ("modules", "Installed modules", "Installed Odoo modules."),
    "odoo://vocabulary": ("vocabulary", "Business vocabulary", "Business terms (customer, open deal...) of the user's "
                                                              "companies as a model and a domain; see resolve_term."),
}
TEMPLATES = [
    {"uriTemplate": "odoo://model/{model}/schema", "name": "model-schema", "title": "Model schema",
     "description": "Fields of a model as this key may use them.", "mimeType": "application/json"},
    {"uriTemplate": "odoo://record/{model}/{id}", "name": "record", "title": "Record",
     "description": "One record's default fields, as this key may read them.", "mimeType": "application/json"},
    {"uriTemplate": "odoo://export/{id}", "name": "export", "title": "Export or report file",
     "description": "A file produced by export_records or render_report (base64 blob)."},
]


class McpServerResources(models.AbstractModel):
    _inherit = "mcp.server"

    def _rpc_resources_list(self, params, call):
        return self._paginate(self._resource_descriptions(call), params, "resources")

    def _resource_descriptions(self, call):
        """The resources this credential may read."""
        resources = [{"uri": CONTEXT_URI, "name": "context", "title": _("Who am I"),
                      "description": _("The user, companies, language, timezone and currency this key works as."),
                      "mimeType": "application/json"}]
        resources += [{"uri": uri, "name": name, "title": title, "description": description,
                       "mimeType": "application/json"} for uri, (name, title, description) in LIST_URIS.items()]
        for model_name in call.policy.model_names():
            if call.policy.allows(model_name, "read"):
                resources.append({"uri": "odoo://model/%s/schema" % model_name, "name": "%s schema" % model_name,
                                  "title": _("%s fields", model_name), "mimeType": "application/json"})
        return self._with_icons(resources, call, self._addon_icon_path("mcp_server"))

    def _rpc_resource_templates_list(self, params, call):
        return self._paginate(self._resource_templates(call), params, "resourceTemplates")

    def _resource_templates(self, call):
        return self._with_icons(list(TEMPLATES), call, self._addon_icon_path("mcp_server"))

    def _rpc_resources_read(self, params, call):
        uri = params.get("uri")
        if not isinstance(uri, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("resources/read needs a 'uri' string."))
        match = EXPORT_URI.match(uri)
        if match:
            return self._read_export(uri, int(match.group(1)), call)
        try:
            data = self._read_resource(uri, call)
        except ToolError as exc:
            if exc.status == "denied":
                call.audit["status"] = "denied"
            raise self._resource_not_found(uri, call, exc.message) from None
        if data is None:
            raise self._resource_not_found(uri, call)
        return {"contents": [{"uri": uri, "mimeType": "application/json",
                              "text": json.dumps(data, ensure_ascii=False, default=str)}]}

    @api.model
    def _resource_not_found(self, uri, call, reason=None):
        """The error for an unknown or unreadable resource: -32002 in the legacy era, -32602 in the modern one."""
        code = jsonrpc.INVALID_PARAMS if call.modern else jsonrpc.RESOURCE_NOT_FOUND
        shown = uri[:200]
        message = _("Resource not found: %(uri)s (%(reason)s)", uri=shown, reason=reason) if reason \
            else _("Resource not found: %s", shown)
        return JsonRpcError(code, message, {"uri": shown})

    @api.model
    def _read_resource(self, uri, call):
        """The JSON content of ``uri``, or None when there is no such resource."""
        registry = self.env["mcp.tool.registry"]
        if uri == CONTEXT_URI:
            return self._caller_context()
        if uri in LIST_URIS:
            return getattr(self, "_resource_%s" % LIST_URIS[uri][0].replace("-", "_"))(call)
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
            access = RecordAccess(self.env, call.policy)
            rows, failed = access.read(records, access.default_field_names(model))
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

    @api.model
    def _read_export(self, uri, export_id, call):
        export = self.env["mcp.export"].sudo().search(
            [("id", "=", export_id), ("credential_ref", "=", call.credential.ref)])
        if not export:
            raise self._resource_not_found(uri, call)
        return {"contents": [{"uri": uri, "mimeType": export.mimetype, "blob": export.data.decode()}]}

    @api.model
    def _resource_reports(self, call):
        # A report prints whole records: never offered on a model the key reads with a field list.
        models = [m for m in call.policy.model_names()
                  if call.policy.allows(m, "read") and not call.policy.has_field_allowlist(m)]
        reports = self.env["ir.actions.report"].search([("model", "in", models)])
        return [{"report": r.report_name, "name": r.name, "model": r.model, "type": r.report_type}
                for r in reports]

    @api.model
    def _resource_server_actions(self, call):
        models = call.policy.model_names()
        actions = self.env["ir.actions.server"].search([("model_name", "in", models)])
        return [{"id": a.id, "name": a.name, "model": a.model_name, "type": a.state} for a in actions]

    @api.model
    def _resource_companies(self, call):
        user = self.env.user
        return [{"id": c.id, "name": c.name, "currency": c.currency_id.name, "current": c == user.company_id}
                for c in user.company_ids]

    @api.model
    def _resource_modules(self, call):
        modules = self.env["ir.module.module"].sudo().search([("state", "=", "installed")], order="name")
        return [{"name": m.name, "title": m.shortdesc, "version": m.installed_version} for m in modules]

    @api.model
    def _resource_vocabulary(self, call):
        vocabulary = Vocabulary(self.env, call.policy)
        return [vocabulary.describe(term) for term in vocabulary.usable_terms()]
