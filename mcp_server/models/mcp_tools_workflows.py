"""Workflow tools: business methods, chatter, activities, and atomic batches."""
import inspect
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.service.model import get_public_method

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from ..lib.method_effects import (
    METHOD_EFFECTS,
    RECORD_TOOLS,
    carries_values,
    method_call_risk,
    method_effect,
    method_origin,
    method_parts,
)
from ..lib.tool_schema import Lenient, json_array_schema
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import CONTEXT, IDS, MODEL

MAX_BATCH_OPERATIONS = 100
RECORD_ID = {"type": "integer", "description": "Record id."}
USER_REF = Lenient({"type": "string", "description": "Assignee: login or user id (default: you)."},
                   ("string", "integer"), digits_to_int=True)


def batch_parts(arguments):
    """``parts`` of the batch tool: one create, write or unlink call per operation."""
    parts = []
    for operation in arguments.get("operations") or ():
        if isinstance(operation, dict):
            part = {key: value for key, value in operation.items() if key != "operation"}
            if arguments.get("context"):
                part["context"] = arguments["context"]
            parts.append((operation.get("operation"), part))
    return parts


class McpToolsWorkflows(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @mcp_tool(
        "call_method", "Run a business action",
        "Run a button or method the administrator allowed, e.g. action_confirm on sale.order (describe_model "
        "lists them). Omit ids for a model-level method. One that opens a window or wizard is reported, not run.",
        {"properties": {"model": MODEL, "ids": IDS,
                        "method": {"type": "string", "description": "Method name, e.g. action_confirm."},
                        "args": json_array_schema("Extra positional arguments, a JSON array as text (rarely "
                                                  "needed)."),
                        "kwargs": {"type": "object", "description": "Extra keyword arguments (rarely needed)."},
                        "context": CONTEXT},
         "required": ["model", "method"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "ids": {"type": "array"}, "method": {"type": "string"},
            "result": {}, "action": {"type": "object"}, "note": {"type": "string"}},
         "required": ["model", "method"]},
        risk="write", operation="write", call_risk=method_call_risk, parts=method_parts)
    def _tool_call_method(self, call, args):
        method = args["method"]
        effect = method_effect(method)
        model = self._model_env(call, args["model"], effect.operation, args.get("context"))
        ids = args.get("ids") or []
        call.note(model=model._name, record_ids=ids)
        function = self._public_method(call, model, method)
        if not ids and getattr(function, "_api", None) not in ("model", "model_create_multi"):
            raise ToolError(_("Method %(method)s of %(model)s works on records: give their ids.",
                              method=method, model=model._name))
        records = call.policy.check_ids_in_scope(model, ids) if ids else model
        positional, keywords = self._method_arguments(model, method, effect, args, call.policy)
        try:
            inspect.signature(function).bind(records, *positional, **keywords)
        except TypeError as exc:
            raise ToolError(_("%(method)s does not take these arguments: %(error)s",
                              method=method, error=exc)) from None
        change = {"operation": "call_method", "model": model._name, "ids": records.ids, "method": method}
        if call.dry_run and not effect.tool:
            # A business method may act outside the database (send, pay, sync), which no rollback undoes:
            # a dry run checks the call but does not run it, so it needs no approval.
            call.changes.append(dict(change, run=False))
            return {"model": model._name, "ids": records.ids, "method": method}
        outcome = function(records, *positional, **keywords)
        self._check_method_scope(model, records, effect, outcome, call)
        if call.dry_run:
            call.changes.append(change)
        return dict(self._method_result(outcome, call), model=model._name, ids=records.ids, method=method)

    @api.model
    def _public_method(self, call, model, method):
        """The method, when the profile lists it and it is a business method of the model (or a generic method
        that stands for a record tool), never a private one."""
        if method.startswith("_") or not call.policy.method_allowed(model._name, method):
            raise AccessDeniedByPolicy(_("Method %(method)s of %(model)s is not allowed for this key.",
                                         method=method, model=model._name))
        origin = method_origin(model, method)
        if method not in METHOD_EFFECTS and origin != model._name:
            # A generic method that every model or a mixin brings (read, load, mapped, message_subscribe...):
            # the tools serve what it does under the key's profile.
            raise AccessDeniedByPolicy(_(
                "%(method)s is a generic method (of %(origin)s), not a business action of %(model)s: use the "
                "%(tool)s tool, which applies this key's access profile.", method=method,
                origin=origin or _("every model"), model=model._name, tool=RECORD_TOOLS.get(method, "search_read")))
        try:
            return get_public_method(model, method)
        except Exception as exc:  # noqa: BLE001 - Odoo raises AccessError or AttributeError
            raise AccessDeniedByPolicy(_("Method %(method)s of %(model)s cannot be called: %(reason)s",
                                         method=method, model=model._name,
                                         reason=exc.args[0] if exc.args else type(exc).__name__)) from None

    @api.model
    def _method_arguments(self, model, method, effect, args, policy):
        """``(args, kwargs)`` for the method: field values pass the checks of create/write; other methods
        take no objects, so values cannot enter around those checks."""
        positional, keywords = list(args.get("args") or []), dict(args.get("kwargs") or {})
        if effect.fields:
            policy.check_field_names(model, list(effect.fields), "write")
        if not effect.values_argument:
            if carries_values(positional) or carries_values(list(keywords.values())):
                raise AccessDeniedByPolicy(_(
                    "Arguments of %s may not hold objects: field values can be set only through create, write "
                    "or copy, which check them against this key's access profile.", method))
            return positional, keywords
        name, position = effect.values_argument
        values = keywords.pop(name) if name in keywords else \
            positional.pop(position) if len(positional) > position else None
        if positional or keywords:
            raise ToolError(_("%(method)s takes one argument: %(name)s, the field values.", method=method, name=name))
        if not values and effect.values_optional:
            return [], {}
        many = isinstance(values, list)
        value_list = values if many else [values]
        if not value_list or not all(isinstance(item, dict) and item for item in value_list):
            raise ToolError(_("%(method)s needs %(name)s: an object of field values.", method=method, name=name))
        converted = [self._records(policy).convert_values(model, item) for item in value_list]
        return [converted if many else converted[0]], {}

    @api.model
    def _check_method_scope(self, model, records, effect, outcome, call):
        """The records the method changed or created must stay within the key's record domain."""
        if not call.policy.record_domain(model._name):
            return
        touched = set(records.exists().ids)
        if effect.creates and isinstance(outcome, models.BaseModel) and outcome._name == model._name:
            touched |= set(outcome.ids)
        outside = touched - call.policy.ids_in_scope(self.env[model._name], list(touched))
        if outside:
            raise AccessDeniedByPolicy(_("This action would leave record(s) %s outside the records this key may "
                                         "reach; nothing was changed.", sorted(outside)))

    @api.model
    def _method_result(self, outcome, call):
        """What the agent sees of a method's answer: no records' data, only records the key may reach."""
        if isinstance(outcome, dict) and str(outcome.get("type", "")).startswith("ir.actions"):
            return self._method_action(outcome, call)
        if isinstance(outcome, models.BaseModel):
            records = self.env[outcome._name].browse(outcome.ids)
            return {"result": {"model": records._name,
                               "ids": sorted(call.policy.ids_in_scope(records, records.ids))}}
        if outcome is None or isinstance(outcome, bool):
            return {"result": outcome}
        return {"result": None, "note": _(
            "The method answered with data that is not shown here: read the records with read or search_read, "
            "which apply this key's field list and record domain.")}

    @api.model
    def _method_action(self, outcome, call):
        """A window or URL action, reduced to what names no record the key may not reach (and no token)."""
        # Not its name nor its context: either may quote records (a partner's name in "Invoices of ...").
        action = {key: outcome.get(key) for key in ("type", "res_model", "target") if outcome.get(key) is not None}
        res_model, res_id = outcome.get("res_model"), outcome.get("res_id")
        if isinstance(res_id, int) and res_model in self.env and res_id in call.policy.ids_in_scope(
                self.env[res_model], [res_id]):
            action["res_id"] = res_id
        if isinstance(outcome.get("url"), str):
            # Portal links carry access tokens in their query: the path is enough to say where it leads.
            action["url"] = urlsplit(outcome["url"])._replace(query="", fragment="").geturl()
        wizard = res_model and outcome.get("target") == "new"
        note = _("The method opened a wizard (%s): a person must complete it in Odoo.", res_model) if wizard \
            else _("The method returned a window action: it is meant for a person in Odoo.")
        return {"action": action, "note": note}

    # ------------------------------------------------------------------
    # Chatter and activities
    # ------------------------------------------------------------------
    @api.model
    def _thread_record(self, call, model_name, record_id, operation="write"):
        model = call.policy.check_model(self.env, model_name, operation)
        if not hasattr(model, "message_post"):
            raise ToolError(_("%s has no chatter.", model_name))
        call.note(model=model._name, record_ids=[record_id])
        return call.policy.check_ids_in_scope(model, [record_id])

    @mcp_tool(
        "post_message", "Post in the chatter",
        "Post a message on a record's chatter: an internal note (default) or a message sent to its followers.",
        {"properties": {"model": MODEL, "id": RECORD_ID,
                        "body": {"type": "string", "description": "Text (plain text; line breaks kept)."},
                        "message_type": {"type": "string", "enum": ["note", "comment"],
                                         "description": "note: internal; comment: notifies followers."},
                        "subject": {"type": "string"}},
         "required": ["model", "id", "body"], "additionalProperties": False},
        {"type": "object", "properties": {"message_id": {"type": "integer"}, "model": {"type": "string"},
                                          "id": {"type": "integer"}}, "required": ["message_id"]},
        risk="write", operation="write")
    def _tool_post_message(self, call, args):
        record = self._thread_record(call, args["model"], args["id"])
        subtype = "mail.mt_note" if (args.get("message_type") or "note") == "note" else "mail.mt_comment"
        message = record.message_post(body=args["body"], subject=args.get("subject") or False,
                                      message_type="comment", subtype_xmlid=subtype)
        if call.dry_run:
            call.changes.append({"operation": "post_message", "model": record._name, "id": record.id,
                                 "subtype": subtype})
        return {"message_id": message.id, "model": record._name, "id": record.id}

    @mcp_tool(
        "schedule_activity", "Schedule an activity",
        "Schedule an activity (to-do, call, meeting...) on a record for a user. Users this key may not read are "
        "named by id only, and a login or name is looked up only among the users it may read.",
        {"properties": {"model": MODEL, "id": RECORD_ID, "summary": {"type": "string"},
                        "note": {"type": "string"},
                        "date_deadline": {"type": "string", "description": "YYYY-MM-DD (default today)."},
                        "user": USER_REF,
                        "activity_type": {"type": "string", "description": "Type name or XML id (default To-Do)."}},
         "required": ["model", "id", "summary"], "additionalProperties": False},
        {"type": "object", "properties": {"activity_id": {"type": "integer"}, "date_deadline": {"type": "string"},
                                          "user": {"type": "string"}}, "required": ["activity_id"]},
        risk="write", operation="write")
    def _tool_schedule_activity(self, call, args):
        record = self._thread_record(call, args["model"], args["id"])
        user = self._records(call.policy).resolve_user(args.get("user"))
        label = self._records(call.policy).user_labels(user)[user.id]
        activity_type = self._resolve_activity_type(args.get("activity_type"))
        try:
            deadline = fields.Date.to_date(args["date_deadline"]) if args.get("date_deadline") else \
                fields.Date.context_today(record)
        except ValueError:
            raise ToolError(_("date_deadline must be YYYY-MM-DD.")) from None
        activity = record.activity_schedule(
            activity_type_id=activity_type.id, summary=args["summary"], note=args.get("note") or "",
            date_deadline=deadline, user_id=user.id)
        if call.dry_run:
            call.changes.append({"operation": "create", "model": "mail.activity", "values": {
                "summary": args["summary"], "user": label, "date_deadline": deadline.isoformat()}})
        return {"activity_id": activity.id, "date_deadline": deadline.isoformat(), "user": label}

    @api.model
    def _resolve_activity_type(self, reference):
        types = self.env["mail.activity.type"]
        if not reference:
            return self.env.ref("mail.mail_activity_data_todo")
        found = self.env.ref(reference, raise_if_not_found=False) if "." in reference else None
        if not found or found._name != "mail.activity.type":
            found = types.search([("name", "=ilike", reference)], limit=1)
        if not found:
            raise ToolError(_("Unknown activity type %(ref)s; available: %(names)s.", ref=reference,
                              names=", ".join(types.search([]).mapped("name"))))
        return found

    @mcp_tool(
        "list_activities", "List activities",
        "List planned activities: on one record, on a model, or assigned to a user (default: you).",
        {"properties": {"model": MODEL, "id": RECORD_ID,
                        "user": USER_REF,
                        "limit": {"type": "integer", "minimum": 1, "maximum": 200}},
         "additionalProperties": False},
        {"type": "object", "properties": {"activities": {"type": "array"},
                                          "count": {"type": "integer"}}, "required": ["activities", "count"]},
        operation="read")
    def _tool_list_activities(self, call, args):
        domain = []
        if args.get("id") and not args.get("model"):
            raise ToolError(_("Give the model with the record id."))
        if args.get("model"):
            model = call.policy.check_model(self.env, args["model"], "read")
            call.note(model=model._name)
            if args.get("id"):
                call.policy.check_ids_in_scope(model, [args["id"]])
                domain += [("res_id", "=", args["id"])]
            models_allowed = [model._name]
        else:
            models_allowed = [m for m in call.policy.model_names() if call.policy.allows(m, "read")]
        domain += [("res_model", "in", models_allowed)]
        if args.get("user") or not args.get("model"):
            domain += [("user_id", "=", self._records(call.policy).resolve_user(args.get("user")).id)]
        activities = self.env["mail.activity"].search(domain, limit=args.get("limit") or 50,
                                                      order="date_deadline, id")
        visible = {}
        for name in {a.res_model for a in activities}:
            ids = {a.res_id for a in activities if a.res_model == name}
            visible[name] = call.policy.ids_in_scope(self.env[name], ids)
        activities = activities.filtered(lambda a: a.res_id in visible.get(a.res_model, ()))
        users = self._records(call.policy).user_labels(activities.user_id)
        rows = [{"id": a.id, "model": a.res_model, "res_id": a.res_id, "summary": a.summary or a.activity_type_id.name,
                 "type": a.activity_type_id.name, "date_deadline": a.date_deadline.isoformat(),
                 "state": a.state, "user": users.get(a.user_id.id)}
                for a in activities]
        return {"activities": rows, "count": len(rows)}

    # ------------------------------------------------------------------
    # Batch
    # ------------------------------------------------------------------
    @mcp_tool(
        "batch", "Run several changes at once",
        "Run create / write / unlink operations atomically (all or nothing); one result per operation. "
        "On x2many fields a plain list replaces the set; {\"add\": [...]} adds.",
        {"properties": {"operations": {
            "type": "array", "minItems": 1, "maxItems": MAX_BATCH_OPERATIONS,
            "items": {"type": "object", "properties": {
                "operation": {"type": "string", "enum": ["create", "write", "unlink"]},
                "model": {"type": "string"}, "ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 1000},
                "values": {"type": "object", "description": "As in create and write."}},
                "required": ["operation", "model"], "additionalProperties": False}},
            "context": CONTEXT},
         "required": ["operations"], "additionalProperties": False},
        {"type": "object", "properties": {"results": {"type": "array"},
                                          "count": {"type": "integer"}}, "required": ["results", "count"]},
        risk="write", operation=("create", "write", "unlink"), background=True, parts=batch_parts)
    def _tool_batch(self, call, args):
        results = []
        parts = batch_parts(args)
        for index, (name, arguments) in enumerate(parts, start=1):
            try:
                # Each operation runs as the tool it stands for, under the same checks as a direct call.
                results.append(dict(self._call_part(name, arguments, call), operation=name))
                self.env.flush_all()  # database errors belong to this operation, not a later one
            except Exception as exc:
                message, status = self._failure(exc)
                if message is None:
                    raise
                raise ToolError(_("Operation %(index)s (%(kind)s on %(model)s) failed: %(error)s Nothing was saved.",
                                  index=index, kind=name, model=arguments.get("model"), error=message),
                                status=status) from None
            call.report_progress(index, len(parts))
        return {"results": results, "count": len(results)}

