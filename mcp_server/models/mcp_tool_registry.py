"""The tool registry: discovers tools declared on ``mcp.tool.registry``, validates and calls them.

A tool family is an ``_inherit = 'mcp.tool.registry'`` that adds methods marked
with :func:`mcp_tool`. Other addons add tools the same way.
"""
import json
import logging

import psycopg2
from jsonschema import Draft202012Validator

from odoo import _, api, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError, ToolError
from ..lib.suggestions import did_you_mean

_logger = logging.getLogger(__name__)

RISK_LEVELS = ("read", "write", "destructive", "admin")


class ToolSpec:
    """Everything an MCP client sees of a tool, plus how the server treats it."""

    def __init__(self, name, title, description, input_schema, output_schema=None, risk="read",
                 operation=None, idempotent=False, open_world=False):
        if risk not in RISK_LEVELS:
            raise ValueError("unknown risk level %r for tool %s" % (risk, name))
        self.name = name
        self.title = title
        self.description = description
        self.input_schema = dict(input_schema, type="object")
        self.output_schema = output_schema
        self.risk = risk
        # The access-profile operation a key needs on some model for the tool to be useful.
        self.operation = operation
        self.idempotent = idempotent
        self.open_world = open_world
        self.method_name = None
        self._validator = None

    @property
    def validator(self):
        if self._validator is None:
            self._validator = Draft202012Validator(self.input_schema)
        return self._validator

    def annotations(self):
        return {
            "title": self.title,
            "readOnlyHint": self.risk == "read",
            "destructiveHint": self.risk in ("destructive", "admin"),
            "idempotentHint": self.risk == "read" or self.idempotent,
            "openWorldHint": self.open_world,
        }

    def describe(self):
        tool = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": self.input_schema,
            "annotations": self.annotations(),
        }
        if self.output_schema:
            tool["outputSchema"] = self.output_schema
        return tool


def mcp_tool(name, title, description, input_schema, output_schema=None, risk="read", operation=None,
             idempotent=False, open_world=False):
    """Mark a registry method ``_tool_x(self, call, arguments)`` as the MCP tool ``name``."""
    spec = ToolSpec(name, title, description, input_schema, output_schema, risk, operation, idempotent, open_world)

    def decorate(method):
        spec.method_name = method.__name__
        method._mcp_tool = spec
        return method

    return decorate


class McpToolRegistry(models.AbstractModel):
    _name = "mcp.tool.registry"
    _description = "MCP tool registry"

    @api.model
    def _catalog(self):
        """All tools of this registry, by name (discovered once per registry)."""
        cls = type(self)
        catalog = cls.__dict__.get("_mcp_catalog_cache")
        if catalog is None:
            catalog = {}
            for klass in reversed(cls.__mro__):
                for attr in vars(klass).values():
                    spec = getattr(attr, "_mcp_tool", None)
                    if isinstance(spec, ToolSpec):
                        catalog[spec.name] = spec
            catalog = dict(sorted(catalog.items()))
            cls._mcp_catalog_cache = catalog
        return catalog

    @api.model
    def _tool_available(self, spec, call):
        """Whether the caller's policy gives this tool anything to work on."""
        if spec.operation is None:
            return True
        return any(call.policy.allows(model, spec.operation) for model in call.policy.model_names())

    @api.model
    def _catalog_for(self, call):
        return [spec for spec in self._catalog().values() if self._tool_available(spec, call)]

    @api.model
    def _call_tool(self, name, arguments, call):
        """Validate and run one tool; business failures become ``isError`` results."""
        catalog = self._catalog()
        spec = catalog.get(name)
        if spec is None:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Unknown tool: %(name)s.%(hint)s", name=name,
                                                         hint=did_you_mean(name, catalog)))
        errors = sorted(spec.validator.iter_errors(arguments), key=lambda e: list(e.path))
        if errors:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Invalid arguments for %(tool)s: %(errors)s", tool=name,
                               errors="; ".join(self._describe_schema_error(e) for e in errors[:5])))
        if not self._tool_available(spec, call):
            call.audit.update(status="denied", error="tool not available to this key")
            return self._error_result(_("Tool %s is not available with this key's access profile.", name))
        try:
            with self.env.cr.savepoint():
                structured = getattr(self, spec.method_name)(call, arguments)
        except ToolError as exc:
            call.audit.update(status=exc.status, error=exc.message)
            return self._error_result(exc.message)
        except (AccessError, MissingError, UserError, ValidationError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            status = "denied" if isinstance(exc, AccessError) else "tool_error"
            call.audit.update(status=status, error=message)
            return self._error_result(message)
        except psycopg2.IntegrityError as exc:
            message = _("The database refused the change: %s", (exc.pgerror or str(exc)).splitlines()[0])
            call.audit.update(status="tool_error", error=message)
            return self._error_result(message)
        return self._success_result(structured, call)

    @api.model
    def _describe_schema_error(self, error):
        where = ".".join(str(p) for p in error.path) or "arguments"
        return "%s: %s" % (where, error.message)

    @api.model
    def _success_result(self, structured, call):
        text = json.dumps(structured, ensure_ascii=False, default=str)
        cap = call.settings.get("max_response_kb", 256) * 1024
        if len(text) > cap:
            message = _("The answer is %(size)s KB, over the %(cap)s KB limit: ask for fewer fields, "
                        "a smaller limit, or narrow the domain.", size=len(text) // 1024, cap=cap // 1024)
            call.audit.update(status="tool_error", error=message)
            return self._error_result(message)
        return {"content": [{"type": "text", "text": text}], "structuredContent": structured, "isError": False}

    @api.model
    def _error_result(self, message):
        return {"content": [{"type": "text", "text": message}], "isError": True}
