"""The tool registry: discovers tools declared on ``mcp.tool.registry``, validates and calls them.

A tool family is an ``_inherit = 'mcp.tool.registry'`` that adds methods marked
with :func:`mcp_tool`. Other addons add tools the same way.
"""
import json
import logging

import psycopg2
from jsonschema import Draft202012Validator

from odoo import _, api, models
from odoo.exceptions import AccessError, MissingError, RedirectWarning, UserError, ValidationError

from ..lib import jsonrpc
from ..lib.jsonrpc import AccessDeniedByPolicy, JsonRpcError, ToolError
from ..lib.odoo_errors import safe_odoo_message
from ..lib.suggestions import did_you_mean

_logger = logging.getLogger(__name__)

RISK_LEVELS = ("read", "write", "destructive", "admin")
DRY_RUN_INPUT = {
    "type": "boolean",
    "description": "Only report what would change (values before/after, records created or deleted, validation "
                   "errors); nothing is saved.",
}
BACKGROUND_INPUT = {
    "type": "boolean",
    "description": "Run as a background job: the answer is a job id to follow with get_job. Clients that send a "
                   "progressToken get progress notifications and the final result on the same request.",
}
JOB_OUTPUT_PROPERTIES = {
    "job_id": {"type": "integer"}, "status": {"type": "string"}, "progress": {"type": "number"},
    "tool": {"type": "string"}, "message": {"type": "string"},
}
DRY_RUN_OUTPUT_PROPERTIES = {
    "dry_run": {"type": "boolean"},
    "would_succeed": {"type": "boolean"},
    "changes": {"type": "array", "items": {"type": "object"}},
    "error": {"type": "string"},
}


class ToolSpec:
    """Everything an MCP client sees of a tool, plus how the server treats it."""

    def __init__(self, name, title, description, input_schema, output_schema=None, risk="read",
                 operation=None, idempotent=False, open_world=False, background=False, call_risk=None, parts=None):
        if risk not in RISK_LEVELS:
            raise ValueError("unknown risk level %r for tool %s" % (risk, name))
        self.name = name
        self.title = title
        self.description = description
        self.input_schema = dict(input_schema, type="object")
        self.output_schema = output_schema
        # Long tools may run as background jobs (and stream progress).
        self.background = background
        extra_inputs, extra_outputs = {}, {}
        if risk != "read":
            extra_inputs["dry_run"] = DRY_RUN_INPUT
            extra_outputs.update(DRY_RUN_OUTPUT_PROPERTIES)
        if background:
            extra_inputs["background"] = BACKGROUND_INPUT
            extra_outputs.update(JOB_OUTPUT_PROPERTIES)
        if extra_inputs:
            self.input_schema["properties"] = dict(self.input_schema.get("properties", {}), **extra_inputs)
        if extra_outputs and output_schema:
            # A dry run or a queued job answers with a report instead of the usual result: accept both shapes.
            self.output_schema = dict(output_schema, properties=dict(output_schema.get("properties", {}),
                                                                     **extra_outputs))
            self.output_schema.pop("required", None)
        self.risk = risk
        # The access-profile operation a key needs on some model for the tool to be useful.
        self.operation = operation
        self.idempotent = idempotent
        self.open_world = open_world
        # ``call_risk(arguments) -> risk``: the risk of one call when it depends on the arguments
        # (call_method of unlink is destructive). Approvals and the scope preset use it.
        self.call_risk = call_risk
        # ``parts(arguments) -> [(tool name, arguments)]``: the tools a composite call stands for. Each part
        # passes the same checks as a direct call of that tool (see ``_gate``).
        self.parts = parts
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
             idempotent=False, open_world=False, background=False, call_risk=None, parts=None):
    """Mark a registry method ``_tool_x(self, call, arguments)`` as the MCP tool ``name``."""
    spec = ToolSpec(name, title, description, input_schema, output_schema, risk, operation, idempotent, open_world,
                    background, call_risk, parts)

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
        """Whether the caller's policy allows this tool and gives it anything to work on."""
        if not call.policy.tool_allowed(spec):
            return False
        if spec.operation is None:
            return True
        operations = spec.operation if isinstance(spec.operation, tuple) else (spec.operation,)
        return any(call.policy.allows(model, operation)
                   for model in call.policy.model_names() for operation in operations)

    @api.model
    def _call_risk(self, spec, arguments):
        """The risk of this call: the tool's own (or its ``call_risk`` for these arguments), raised to the
        highest risk of the tools a composite call stands for (a batch that deletes is destructive)."""
        risk = spec.call_risk(arguments) if spec.call_risk else spec.risk
        catalog = self._catalog()
        for name, part_arguments in spec.parts(arguments) if spec.parts else ():
            if name in catalog:  # an unknown part fails the call's validation, whatever its risk
                risk = max(risk, self._call_risk(catalog[name], part_arguments), key=RISK_LEVELS.index)
        return risk

    @api.model
    def _call_parts(self, spec, arguments):
        """``[(spec, arguments)]`` of the tools a composite call stands for (none for a plain tool)."""
        if not spec.parts:
            return []
        catalog = self._catalog()
        parts = []
        for name, part_arguments in spec.parts(arguments):
            if name not in catalog:
                raise ToolError(_("Unknown tool: %(name)s.%(hint)s", name=name, hint=did_you_mean(name, catalog)))
            parts.append((catalog[name], part_arguments))
        return parts

    @api.model
    def _gate(self, spec, arguments, call):
        """May this credential run tool ``spec`` with these arguments now, under its current policy?

        Checks the tool allowlist, the scope preset against the call's risk, and every tool a composite
        call stands for, the same way. Raises :class:`AccessDeniedByPolicy` naming what is refused;
        returns whether a person must approve the call first (approval per tool or per risk; never for
        a dry run nor for a call already approved).
        """
        policy = call.policy
        if not self._tool_available(spec, call):
            raise AccessDeniedByPolicy(_("Tool %s is not available with this key's access profile.", spec.name))
        own_risk = spec.call_risk(arguments) if spec.call_risk else spec.risk
        if not policy.risk_allowed(own_risk):
            raise AccessDeniedByPolicy(_(
                "This call of %(tool)s is %(risk)s; this key's scope preset allows at most %(max)s.",
                tool=spec.name, risk=own_risk, max=policy.max_risk()))
        needs_approval = policy.needs_approval(spec, own_risk)
        for index, (part, part_arguments) in enumerate(self._call_parts(spec, arguments), start=1):
            try:
                needs_approval = self._gate(part, part_arguments, call) or needs_approval
            except AccessDeniedByPolicy as exc:
                raise AccessDeniedByPolicy(_("%(tool)s, step %(index)s (%(part)s): %(reason)s Nothing was run.",
                                             tool=spec.name, index=index, part=part.name, reason=exc.message)) from None
        return needs_approval and not call.dry_run and not call.approved

    @api.model
    def _call_part(self, name, arguments, call):
        """Run tool ``name`` as one step of a composite tool, under exactly the checks of a direct call
        (input schema, tool allowlist, scope preset, approvals), inside the composite's savepoint and dry run.

        Returns the part's structured result; a refusal or failure raises.
        """
        spec = self._catalog().get(name)
        if spec is None:
            raise ToolError(_("Unknown tool: %s.", name))
        errors = sorted(spec.validator.iter_errors(arguments), key=lambda e: list(e.path))
        if errors:
            raise ToolError(_("Invalid arguments for %(tool)s: %(errors)s", tool=name,
                              errors="; ".join(self._describe_schema_error(e) for e in errors[:5])))
        if self._gate(spec, arguments, call):
            raise AccessDeniedByPolicy(_("%s needs approval: submit it on its own or as a whole, not from "
                                         "inside another tool.", name))
        return getattr(self, spec.method_name)(call, arguments)

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
        dry_run = bool(arguments.get("dry_run")) and spec.risk != "read"
        call.dry_run = dry_run
        try:
            needs_approval = self._gate(spec, arguments, call)
        except ToolError as exc:
            call.audit.update(status=exc.status, error=exc.message)
            return self._error_result(exc.message)
        if needs_approval:
            return self.env["mcp.approval.request"].sudo()._submit(spec, arguments, call)
        if spec.background and (arguments.get("background") or call.stream_progress) and not call.in_job:
            job = self.env["mcp.job"].sudo()._enqueue(
                spec, {k: v for k, v in arguments.items() if k != "background"}, call, call.request_id)
            call.job_id = job.id
            return job._tool_result()
        savepoint = self.env.cr.savepoint()
        try:
            structured = getattr(self, spec.method_name)(call, arguments)
            if dry_run:
                self.env.flush_all()
        except Exception as exc:
            savepoint.close(rollback=True)
            message, status = self._failure(exc)
            if message is None:
                raise
            if dry_run and status == "tool_error":
                return self._success_result(self._dry_run_report(call, message), call)
            call.audit.update(status=status, error=message)
            return self._error_result(message)
        savepoint.close(rollback=dry_run)
        if dry_run:
            return self._success_result(self._dry_run_report(call), call)
        return self._success_result(structured, call)

    @api.model
    def _failure(self, exc):
        """``(message, audit status)`` of a business failure, or ``(None, None)`` for an unexpected error."""
        if isinstance(exc, ToolError):
            return exc.message, exc.status
        if isinstance(exc, (AccessError, MissingError, UserError, ValidationError, RedirectWarning)):
            # Odoo's texts may name records the key may not read (record rules in debug mode, missing records).
            message = safe_odoo_message(exc.args[0] if exc.args else str(exc))
            return message, "denied" if isinstance(exc, AccessError) else "tool_error"
        if isinstance(exc, psycopg2.IntegrityError):
            return _("The database refused the change: %s", (exc.pgerror or str(exc)).splitlines()[0]), "tool_error"
        if isinstance(exc, psycopg2.DataError):
            # A value of the wrong type for its column, e.g. ["id", "=", "abc"] in a domain.
            return _("The database refused a value: %s", (exc.pgerror or str(exc)).splitlines()[0]), "tool_error"
        return None, None

    @api.model
    def _dry_run_report(self, call, error=None):
        report = {"dry_run": True, "would_succeed": error is None, "changes": call.changes}
        if error:
            report["error"] = error
        return report

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
        content = [{"type": "text", "text": text}, *call.extra_content]
        return {"content": content, "structuredContent": structured, "isError": False}

    @api.model
    def _error_result(self, message):
        return {"content": [{"type": "text", "text": message}], "isError": True}
