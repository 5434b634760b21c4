"""The tool registry: discovers tools declared on ``mcp.tool.registry``, validates and calls them.

A tool family is an ``_inherit = 'mcp.tool.registry'`` that adds methods marked
with :func:`mcp_tool`. Other addons add tools the same way.
"""
import json
import logging

import psycopg2

from odoo import _, api, models
from odoo.exceptions import AccessError, MissingError, RedirectWarning, UserError, ValidationError

from ..lib import jsonrpc
from ..lib import settings as settings_table
from ..lib.answer_format import frame, quote_input, utf8_size
from ..lib.jsonrpc import AccessDeniedByPolicy, JsonRpcError, ToolError
from ..lib.odoo_errors import safe_odoo_message
from ..lib.suggestions import closest, did_you_mean
from ..lib.tool_schema import coerce_arguments
from .mcp_tool_spec import RISK_LEVELS, ToolSpec, mcp_tool

__all__ = ["RISK_LEVELS", "McpToolRegistry", "ToolSpec", "mcp_tool"]

_logger = logging.getLogger(__name__)


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
    def _unavailable_message(self, spec, policy):
        """Why the key's profile leaves tool ``spec`` out, and where an administrator changes it."""
        if not policy.risk_allowed(spec.risk):
            why = _("its scope preset allows %(max)s tools at most, and %(tool)s is a %(risk)s tool",
                    max=policy.max_risk(), tool=spec.name, risk=spec.risk)
        elif not policy.tool_allowed(spec):
            why = _("%s is not in its tool allowlist", spec.name)
        else:
            why = _("none of its model rules gives the tool anything to work on")
        return _("Tool %(tool)s is not available with this key's access profile: %(why)s. An MCP administrator "
                 "can change the profile under MCP Server → Configuration → Access Profiles.",
                 tool=spec.name, why=why)

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
            raise AccessDeniedByPolicy(self._unavailable_message(spec, call.policy))
        own_risk = spec.call_risk(arguments) if spec.call_risk else spec.risk
        call.audit["risk"] = own_risk
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
        if not self._tool_available(spec, call):
            # Said before the arguments are checked: a tool the key may not use does not describe its arguments.
            message = self._unavailable_message(spec, call.policy)
            call.audit.update(status="denied", error=message)
            return self._error_result(message)
        problem = self._argument_problem(spec, arguments)
        if problem:
            raise ToolError(problem)
        if spec.coerces:
            arguments = coerce_arguments(spec.input_schema, arguments)
        if self._gate(spec, arguments, call):
            raise AccessDeniedByPolicy(_("%s needs approval: submit it on its own or as a whole, not from "
                                         "inside another tool.", name))
        return getattr(self, spec.method_name)(call, arguments)

    @api.model
    def _catalog_for(self, call):
        return [spec for spec in self._catalog().values() if self._tool_available(spec, call)]

    @api.model
    def _call_tool(self, name, arguments, call):
        """Validate and run one tool; invalid arguments and business failures become ``isError`` results."""
        catalog = self._catalog()
        spec = catalog.get(name)
        if spec is None:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("Unknown tool: %(name)s.%(hint)s", name=quote_input(name, 80),
                                                         hint=did_you_mean(name, catalog)))
        if not self._tool_available(spec, call):
            # Said before the arguments are checked: a tool the key may not use does not describe its arguments.
            message = self._unavailable_message(spec, call.policy)
            call.audit.update(status="denied", error=message)
            return self._error_result(message)
        problem = self._argument_problem(spec, arguments)
        if problem:
            call.audit.update(status="tool_error", error=problem)
            return self._error_result(problem)
        if spec.coerces:
            arguments = coerce_arguments(spec.input_schema, arguments)
        return self._shape_result(spec, self._run_tool(spec, arguments, call))

    @api.model
    def _run_tool(self, spec, arguments, call):
        """Run a tool whose arguments are valid: policy gate, approval, background job, savepoint, dry run."""
        if isinstance(arguments.get("model"), str):
            # The audit names the model asked for even when the call is refused before the tool runs.
            call.note(model=arguments["model"][:128])
        dry_run = bool(arguments.get("dry_run")) and spec.risk != "read"
        call.dry_run = dry_run
        try:
            needs_approval = self._gate(spec, arguments, call)
        except ToolError as exc:
            call.audit.update(status=exc.status, error=exc.message)
            return self._error_result(exc.message)
        if needs_approval:
            return self.env["mcp.approval.request"].sudo()._submit(spec, arguments, call)
        if self._runs_as_job(spec, arguments, call):
            job = self.env["mcp.job"].sudo()._enqueue(
                spec, {k: v for k, v in arguments.items() if k != "background"}, call, call.request_id)
            call.job_id = job.id
            return self._queued_result(job, call)
        savepoint = None if self._runs_without_savepoint(spec, arguments, call) else self.env.cr.savepoint()
        try:
            structured = getattr(self, spec.method_name)(call, arguments)
            if dry_run or savepoint is None:
                self.env.flush_all()
        except Exception as exc:
            if savepoint is None:
                self.env.cr.rollback()
            else:
                savepoint.close(rollback=True)
            message, status = self._failure(exc)
            if message is None:
                raise
            if dry_run and status == "tool_error":
                return self._success_result(self._dry_run_report(call, message), call, spec, arguments)
            call.audit.update(status=status, error=message)
            return self._error_result(message)
        if savepoint is not None:
            savepoint.close(rollback=dry_run)
        if dry_run:
            return self._success_result(self._dry_run_report(call), call, spec, arguments)
        return self._success_result(structured, call, spec, arguments)

    @api.model
    def _runs_without_savepoint(self, spec, arguments, call):
        """Whether a read call may run straight in the request's transaction, rolled back whole if it fails.

        Only when the call owns that transaction (a lone message of a /mcp request, whose bookkeeping commits
        apart, so the transaction holds nothing before the tool; not a retry, whose confirmation is stored in
        it) and reads: a failure then loses nothing but the tool's own work, and the audit row is written after
        the rollback. Saves a SAVEPOINT and its RELEASE.
        """
        risk = spec.call_risk(arguments) if spec.call_risk else spec.risk
        return call.owns_transaction and risk == "read" and not (
            call.retried or call.in_job or call.approved or spec.parts)

    @api.model
    def _runs_as_job(self, spec, arguments, call):
        """Whether this call of a ``background`` tool is queued as a job instead of running now: asked with
        the ``background`` argument, or followed on the request's progress stream."""
        return bool(spec.background and (arguments.get("background") or call.stream_progress) and not call.in_job)

    @api.model
    def _queued_result(self, job, call):
        """The answer to a call queued as ``job``: its status and how to follow it with get_job."""
        return job._tool_result()

    @api.model
    def _shape_result(self, spec, result):
        """An ``isError`` result keeps its ``structuredContent`` only when it matches the tool's outputSchema."""
        structured = result.get("structuredContent")
        if result.get("isError") and structured is not None and (
                not spec.output_schema or next(spec.output_validator.iter_errors(structured), None)):
            result = dict(result)
            del result["structuredContent"]
        return result

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
            return _("The database refused the change: %s",
                     quote_input((exc.pgerror or str(exc)).splitlines()[0], 300)), "tool_error"
        if isinstance(exc, psycopg2.DataError):
            # A value of the wrong type for its column, e.g. ["id", "=", "abc"] in a domain (the value is quoted).
            return _("The database refused a value: %s",
                     quote_input((exc.pgerror or str(exc)).splitlines()[0], 300)), "tool_error"
        return None, None

    @api.model
    def _dry_run_report(self, call, error=None):
        report = {"dry_run": True, "would_succeed": error is None, "changes": call.changes}
        if error:
            report["error"] = error
        return report

    @api.model
    def _argument_problem(self, spec, arguments):
        """A message naming each invalid argument and what it expects, or None when the arguments are valid."""
        known = spec.input_schema.get("properties") or {}
        problems = []
        for name in arguments:
            if name not in known:
                hint = closest(name, known, limit=3)
                problems.append(_("unknown argument '%(name)s'%(hint)s", name=quote_input(name, 60),
                                  hint=_(" (did you mean '%s'?)", "', '".join(hint)) if hint else ""))
        errors = sorted(spec.validator.iter_errors({k: v for k, v in arguments.items() if k in known}),
                        key=lambda e: [str(p) for p in e.path])
        # jsonschema reports each missing property of one "required" list apart, with the same description.
        problems.extend(list(dict.fromkeys(self._describe_schema_error(error) for error in errors))[:5])
        if not problems:
            return None
        return _("Invalid arguments for %(tool)s: %(problems)s. Arguments: %(names)s.", tool=spec.name,
                 problems="; ".join(problems), names=", ".join(
                     "%s%s" % (name, "*" if name in (spec.input_schema.get("required") or ()) else "")
                     for name in known))

    @api.model
    def _describe_schema_error(self, error):
        """One validation error in words: where, what is expected, what was given (shortened)."""
        where = ".".join(str(p) for p in error.path) or None
        expected, kind = error.validator_value, error.validator
        given = quote_input(error.instance, 60)
        if kind == "required":
            missing = [name for name in expected if name not in (error.instance or {})]
            return _("missing required argument %s", ", ".join("'%s'" % (
                "%s.%s" % (where, name) if where else name) for name in missing))
        if kind == "additionalProperties":
            allowed = list(error.schema.get("properties") or {})
            extra = [name for name in error.instance if name not in allowed]
            hint = closest(extra[0], allowed, limit=3) if extra else []
            return _("'%(where)s' has unknown key(s) %(extra)s%(hint)s; allowed: %(allowed)s",
                     where=where, extra=quote_input(", ".join(extra), 80),
                     hint=_(" (did you mean '%s'?)", "', '".join(hint)) if hint else "",
                     allowed=", ".join(allowed) or _("none"))
        count = len(error.instance) if isinstance(error.instance, (list, str, dict)) else 0
        messages = {
            "type": lambda: _("must be of type %s", " or ".join(expected) if isinstance(expected, list) else expected),
            "maxItems": lambda: _("takes at most %(max)s items, got %(count)s", max=expected, count=count),
            "minItems": lambda: _("needs at least %(min)s item(s), got %(count)s", min=expected, count=count),
            "enum": lambda: _("must be one of %s", ", ".join(json.dumps(v) for v in expected)),
            "maximum": lambda: _("must be at most %s", expected),
            "minimum": lambda: _("must be at least %s", expected),
            "maxLength": lambda: _("takes at most %(max)s characters, got %(count)s", max=expected, count=count),
            "minLength": lambda: _("needs at least %s character(s)", expected),
            "pattern": lambda: _("must match the pattern %s", expected),
        }
        what = messages[kind]() if kind in messages else _("is invalid (%s)", kind)
        if kind not in ("maxItems", "minItems", "maxLength"):
            what = _("%(what)s, got %(given)s", what=what, given=given)
        return _("'%(where)s' %(what)s", where=where or _("arguments"), what=what)

    @api.model
    def _answer_text(self, spec, structured, arguments):
        """The text block of a successful answer: JSON, framed as data for tools that return records."""
        text = json.dumps(structured, ensure_ascii=False, default=str)
        if spec is not None and spec.frames_data:
            return frame(text, _("Result of %s (JSON)", spec.name))
        return text

    @api.model
    def _answer_size(self, text, structured, arguments):
        """Bytes of the larger of the text block and the structured content (the JSON text holds both)."""
        size = utf8_size(text)
        if arguments.get("format") == "table":
            size = max(size, utf8_size(json.dumps(structured, ensure_ascii=False, default=str)))
        return size

    @api.model
    def _clamp_answer(self, spec, structured, arguments, cap):
        """A smaller answer that fits ``cap`` bytes (a page with ``has_more``), or None when none can."""
        return None

    @api.model
    def _success_result(self, structured, call, spec=None, arguments=None):
        """The answer to a successful call; over the byte cap it is clamped to a page, or refused with a hint."""
        arguments = arguments or {}
        cap = call.settings.get("max_response_kb", settings_table.default("max_response_kb")) * 1024
        text = self._answer_text(spec, structured, arguments)
        size = self._answer_size(text, structured, arguments)
        if size > cap:
            clamped = self._clamp_answer(spec, structured, arguments, cap)
            if clamped is None:
                message = _("The answer is %(size)s KB, over the %(cap)s KB limit: ask for fewer fields, "
                            "a smaller limit, or narrow the domain.", size=size // 1024, cap=cap // 1024)
                call.audit.update(status="tool_error", error=message)
                return self._error_result(message)
            structured = clamped
            text = self._answer_text(spec, structured, arguments)
        content = [{"type": "text", "text": text}, *call.extra_content]
        return {"content": content, "structuredContent": structured, "isError": False}

    @api.model
    def _error_result(self, message):
        return {"content": [{"type": "text", "text": message}], "isError": True}
