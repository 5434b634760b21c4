"""Method handlers of both eras: lifecycle (``initialize``, ``server/discover``, ``ping``), logging, tools,
pagination, and the shape every result takes in the modern era (``resultType``, serverInfo, caching hints)."""
import base64
import json

from odoo import _, api, models, release, tools

from ..lib import jsonrpc
from ..lib.call_context import LOG_LEVELS
from ..lib.icons import SERVER_ADDON
from ..lib.jsonrpc import JsonRpcError
from ..lib.request_state import DEFAULT_TTL_SECONDS, RequestStateError, request_digest, sign_state, verify_state

SERVER_NAME = "odoo-mcp-server"
SERVER_TITLE = "Odoo MCP Server"
PAGE_SIZE = 50
# Caching hints of the modern era (ttlMs, cacheScope): private whenever the answer depends on the credential.
CACHE_HINTS = {
    "server/discover": (300000, "private"),
    "tools/list": (60000, "private"),
    "resources/list": (60000, "private"),
    "resources/read": (0, "private"),
    "prompts/list": (60000, "private"),
    "skills/list": (60000, "private"),
    "skills/get": (60000, "private"),
    "resources/templates/list": (3600000, "public"),
}


class McpServerMethods(models.AbstractModel):
    _inherit = "mcp.server"

    # ------------------------------------------------------------------
    # Dispatch and result shape
    # ------------------------------------------------------------------
    def _method_handlers(self, call):
        """``{method: handler(params, call)}`` served in the caller's era; addons add their own."""
        handlers = {
            "tools/list": self._rpc_tools_list,
            "tools/call": self._rpc_tools_call,
            "resources/list": self._rpc_resources_list,
            "resources/templates/list": self._rpc_resource_templates_list,
            "resources/read": self._rpc_resources_read,
            "prompts/list": self._rpc_prompts_list,
            "prompts/get": self._rpc_prompts_get,
            "completion/complete": self._rpc_completion_complete,
        }
        if call.modern:
            handlers["server/discover"] = self._rpc_server_discover
            for methods in self._extensions(call).values():
                handlers.update(methods)
        else:
            handlers.update({"initialize": self._rpc_initialize, "ping": self._rpc_ping,
                             "logging/setLevel": self._rpc_logging_set_level})
        return handlers

    def _dispatch(self, method, params, call, headers):
        handler = self._method_handlers(call).get(method)
        if handler is None:
            raise JsonRpcError(jsonrpc.METHOD_NOT_FOUND, _("Method not found: %s", method[:100]))
        if method == "initialize":
            return handler(params, call, headers)
        return handler(params, call)

    def _shape_result(self, method, result, call):
        """Modern era: ``resultType`` and serverInfo on every result, caching hints on list and read results."""
        if not call.modern or not isinstance(result, dict):
            return result
        result = dict(result)
        result.setdefault("resultType", "complete")
        result["_meta"] = dict(result.get("_meta") or {}, **{jsonrpc.META_SERVER_INFO: self._server_info_for(call)})
        hints = CACHE_HINTS.get(method)
        if hints and result["resultType"] == "complete" and not call.retried:
            result.setdefault("ttlMs", hints[0])
            result.setdefault("cacheScope", hints[1])
        return result

    def _result_shaper(self, call):
        """``_shape_result`` of a tools/call result, usable after this request's cursor is closed."""
        if not call.modern:
            return lambda result: result
        server_info = self._server_info_for(call)

        def shape(result):
            return dict(result, resultType="complete", _meta={jsonrpc.META_SERVER_INFO: server_info})

        return shape

    @api.model
    @tools.ormcache()
    def _server_info(self):
        """Name, title and version of this server (cached per worker; an upgrade reloads the registry)."""
        module = self.env["ir.module.module"].sudo().search([("name", "=", "mcp_server")], limit=1)
        return {"name": SERVER_NAME, "title": SERVER_TITLE,
                "version": module.latest_version or module.installed_version or release.version}

    def _extensions(self, call):
        """``{extension id: {method: handler}}`` of the protocol extensions served in the 2026-07-28 era
        (announced in ``capabilities.extensions``); an extension's addon or file adds its entry."""
        return {}

    def _capabilities(self, call):
        """What this server serves in the caller's era; nothing is advertised that is not served."""
        capabilities = {"tools": {}, "resources": {}, "prompts": {}, "completions": {}, "logging": {}}
        if call.modern:
            capabilities["extensions"] = {extension: {} for extension in self._extensions(call)}
        else:
            capabilities.update(tools={"listChanged": False}, prompts={"listChanged": False},
                                resources={"subscribe": False, "listChanged": False})
        return capabilities

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------
    def _rpc_initialize(self, params, call, headers):
        """Legacy handshake: an unknown or newer version is answered with our latest legacy version."""
        requested = params.get("protocolVersion")
        if not isinstance(requested, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("initialize needs a 'protocolVersion' string."))
        version = requested if requested in jsonrpc.SUPPORTED_PROTOCOL_VERSIONS else jsonrpc.LATEST_PROTOCOL_VERSION
        client_info = params.get("clientInfo") if isinstance(params.get("clientInfo"), dict) else {}
        capabilities = params.get("capabilities") if isinstance(params.get("capabilities"), dict) else {}
        headers["session_id"] = self.env["mcp.session"].sudo()._open(call.credential, version, client_info,
                                                                     capabilities)
        return {
            "protocolVersion": version,
            "capabilities": self._capabilities(call),
            "serverInfo": self._server_info_for(call, version),
            "instructions": self._instructions(),
        }

    def _rpc_server_discover(self, params, call):
        return {
            "supportedVersions": list(jsonrpc.MODERN_PROTOCOL_VERSIONS),
            "capabilities": self._capabilities(call),
            "instructions": self._instructions(),
        }

    def _instructions(self):
        user = self.env.user
        return _(
            "You are connected to the Odoo database '%(db)s' as %(user)s (company: %(company)s, timezone: %(tz)s). "
            "Call list_models to see which models this key may use, describe_model before reading or writing "
            "a model, and search_read with a domain, a few fields and a limit to find records. Domains are "
            "lists of [field, operator, value]; relational values may be given as ids or names. Dates and "
            "times are ISO 8601 in UTC. Analytics tools count days, weeks and months in the time zone their "
            "answer states (timezone) and never add up amounts in different currencies: currency is null when "
            "there are several, and each group or point then names its own. A result with isError explains what "
            "to change.",
            db=self.env.cr.dbname, user=user.name, company=user.company_id.name, tz=user.tz or "UTC")

    def _rpc_ping(self, params, call):
        return {}

    def _rpc_logging_set_level(self, params, call):
        """Legacy: the session's log level (one indexed row update; nothing cached to clear)."""
        level = params.get("level")
        if level not in LOG_LEVELS:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Unknown log level %(level)s; use one of %(levels)s.",
                                                         level=str(level)[:40], levels=", ".join(LOG_LEVELS)))
        if call.session:
            self.env["mcp.session"].sudo()._set_log_level(call.session["id"], level)
        return {}

    # ------------------------------------------------------------------
    # Tools
    # ------------------------------------------------------------------
    def _rpc_tools_list(self, params, call):
        return self._paginate(self._tool_descriptions(call), params, "tools")

    def _tool_descriptions(self, call):
        """The tools this credential may use, in name order (stable across calls and workers)."""
        tools = []
        for spec in self.env["mcp.tool.registry"]._catalog_for(call):
            tool = spec.describe()
            # tools/list is read in full by every agent: only a tool whose icon is not the server's own
            # (shown in serverInfo) carries one, as one short URL without mimeType.
            path = self._tool_icon_path(spec)
            icons = path != self._addon_icon_path(SERVER_ADDON) and self._icons(call, path, typed=False)
            tools.append(dict(tool, icons=icons) if icons else tool)
        return tools

    def _rpc_tools_call(self, params, call):
        name = params.get("name")
        arguments = params.get("arguments")
        if not isinstance(name, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("tools/call needs the tool 'name'."))
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("'arguments' must be an object."))
        call.note(tool=name[:128])
        return self.env["mcp.tool.registry"]._call_tool(name, arguments, call)

    # ------------------------------------------------------------------
    # Pagination
    # ------------------------------------------------------------------
    @api.model
    def _paginate(self, items, params, key, page_size=PAGE_SIZE):
        """Cursor pagination: the cursor is an opaque token holding the next offset."""
        offset = 0
        cursor = params.get("cursor")
        if cursor is not None:
            try:
                offset = int(json.loads(base64.urlsafe_b64decode(str(cursor)[:200].encode()).decode())["o"])
                if offset < 0:
                    raise ValueError
            except (ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
                raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Invalid cursor.")) from None
        page = items[offset:offset + page_size]
        result = {key: page}
        if offset + page_size < len(items):
            result["nextCursor"] = base64.urlsafe_b64encode(json.dumps({"o": offset + page_size}).encode()).decode()
        return result

    # ------------------------------------------------------------------
    # Multi round-trip requests (modern era): signed requestState
    # ------------------------------------------------------------------
    def _sign_request_state(self, call, method, name, arguments, payload, ttl=DEFAULT_TTL_SECONDS):
        """A ``requestState`` bound to this credential, this request (method, name, arguments) and an expiry."""
        return sign_state(self._request_state_secret(), call.credential.ref,
                          request_digest(method, name, arguments), payload, ttl)

    def _verify_request_state(self, call, method, name, arguments):
        """The payload of the request's ``requestState``; -32602 when tampered with, expired or foreign."""
        try:
            return verify_state(self._request_state_secret(), call.request_state, call.credential.ref,
                                request_digest(method, name, arguments))
        except RequestStateError as exc:
            call.audit.update(status="denied", error="requestState refused: %s" % exc)
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _(
                "The requestState was refused (%s): start the request again without it.", exc)) from None

    def _request_state_secret(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")
