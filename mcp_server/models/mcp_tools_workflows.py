"""Workflow tools: business methods, chatter, activities, and atomic batches."""
import datetime

from odoo import _, api, fields, models
from odoo.service.model import get_public_method

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records import CONTEXT, IDS, MODEL, VALUES

MAX_BATCH_OPERATIONS = 100
RECORD_ID = {"type": "integer", "description": "Record id."}


class McpToolsWorkflows(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @mcp_tool(
        "call_method", "Run a business action",
        "Run a button or business method on records, e.g. action_confirm on sale.order. Only methods the "
        "administrator allowed for this key can run. When the method opens a window or a wizard, the result says so "
        "instead of failing: that step needs a person in Odoo.",
        {"properties": {"model": MODEL, "ids": IDS,
                        "method": {"type": "string", "description": "Method name, e.g. action_confirm."},
                        "args": {"type": "array", "description": "Extra positional arguments (rarely needed)."},
                        "kwargs": {"type": "object", "description": "Extra keyword arguments (rarely needed)."},
                        "context": CONTEXT},
         "required": ["model", "ids", "method"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "ids": {"type": "array"}, "method": {"type": "string"},
            "result": {}, "action": {"type": "object"}, "note": {"type": "string"}},
         "required": ["model", "method"]},
        risk="write", operation="write")
    def _tool_call_method(self, call, args):
        model = self._model_env(call, args["model"], "write", args.get("context"))
        method = args["method"]
        call.note(model=model._name, record_ids=args["ids"])
        if method.startswith("_") or not call.policy.method_allowed(model._name, method):
            raise AccessDeniedByPolicy(_("Method %(method)s of %(model)s is not allowed for this key.",
                                         method=method, model=model._name))
        try:
            function = get_public_method(model, method)
        except Exception as exc:  # noqa: BLE001 - Odoo raises AccessError or AttributeError
            raise AccessDeniedByPolicy(_("Method %(method)s of %(model)s cannot be called: %(reason)s",
                                         method=method, model=model._name,
                                         reason=exc.args[0] if exc.args else type(exc).__name__)) from None
        records = call.policy.check_ids_in_scope(model, args["ids"])
        outcome = function(records, *(args.get("args") or []), **(args.get("kwargs") or {}))
        if call.policy.record_domain(model._name):
            outside = set(records.exists().ids) - call.policy.ids_in_scope(model, records.exists().ids)
            if outside:
                raise AccessDeniedByPolicy(_("This action would move record(s) %s outside the records this key may "
                                             "reach; nothing was changed.", sorted(outside)))
        result = {"model": model._name, "ids": records.ids, "method": method}
        if isinstance(outcome, dict) and str(outcome.get("type", "")).startswith("ir.actions"):
            result["action"] = {key: outcome.get(key) for key in ("type", "name", "res_model", "res_id", "target",
                                                                 "url") if outcome.get(key) is not None}
            wizard = outcome.get("res_model") and outcome.get("target") == "new"
            result["note"] = _(
                "The method opened a wizard (%s): a person must complete it in Odoo.", outcome.get("res_model")) \
                if wizard else _("The method returned a window action: it is meant for a person in Odoo.")
        else:
            result["result"] = self._json_safe(outcome)
        if call.dry_run:
            call.changes.append({"operation": "call_method", "model": model._name, "ids": records.ids,
                                 "method": method})
        return result

    @api.model
    def _json_safe(self, value):
        if isinstance(value, models.BaseModel):
            return {"model": value._name, "ids": value.ids}
        if isinstance(value, (list, tuple)):
            return [self._json_safe(v) for v in value]
        if isinstance(value, dict):
            return {str(k): self._json_safe(v) for k, v in value.items()}
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        return str(value)

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
                        "user": {"type": ["integer", "string"], "description": "Assignee id or login (default: you)."},
                        "activity_type": {"type": "string", "description": "Type name or XML id (default To-Do)."}},
         "required": ["model", "id", "summary"], "additionalProperties": False},
        {"type": "object", "properties": {"activity_id": {"type": "integer"}, "date_deadline": {"type": "string"},
                                          "user": {"type": "string"}}, "required": ["activity_id"]},
        risk="write", operation="write")
    def _tool_schedule_activity(self, call, args):
        record = self._thread_record(call, args["model"], args["id"])
        user = self._resolve_user(call.policy, args.get("user"))
        label = self._user_labels(call.policy, user)[user.id]
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
                        "user": {"type": ["integer", "string"], "description": "Assignee id or login."},
                        "limit": {"type": "integer", "minimum": 1, "maximum": 200}},
         "additionalProperties": False},
        {"type": "object", "properties": {"activities": {"type": "array", "items": {"type": "object"}},
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
            domain += [("user_id", "=", self._resolve_user(call.policy, args.get("user")).id)]
        activities = self.env["mail.activity"].search(domain, limit=args.get("limit") or 50,
                                                      order="date_deadline, id")
        visible = {}
        for name in {a.res_model for a in activities}:
            ids = {a.res_id for a in activities if a.res_model == name}
            visible[name] = call.policy.ids_in_scope(self.env[name], ids)
        activities = activities.filtered(lambda a: a.res_id in visible.get(a.res_model, ()))
        users = self._user_labels(call.policy, activities.user_id)
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
        "Run a list of create / write / unlink operations atomically: all succeed, or nothing is saved. "
        "Returns one result per operation. Use dry_run to check them first.",
        {"properties": {"operations": {
            "type": "array", "minItems": 1, "maxItems": MAX_BATCH_OPERATIONS,
            "items": {"type": "object", "properties": {
                "operation": {"type": "string", "enum": ["create", "write", "unlink"]},
                "model": MODEL, "ids": IDS, "values": VALUES},
                "required": ["operation", "model"], "additionalProperties": False}},
            "context": CONTEXT},
         "required": ["operations"], "additionalProperties": False},
        {"type": "object", "properties": {"results": {"type": "array", "items": {"type": "object"}},
                                          "count": {"type": "integer"}}, "required": ["results", "count"]},
        risk="write", operation=("create", "write", "unlink"), background=True)
    def _tool_batch(self, call, args):
        results = []
        tools = {"create": self._tool_create, "write": self._tool_write, "unlink": self._tool_unlink}
        operations = args["operations"]
        for index, operation in enumerate(operations, start=1):
            kind = operation["operation"]
            missing = [k for k in (("values",) if kind == "create" else ("ids", "values") if kind == "write"
                                   else ("ids",)) if k not in operation]
            if missing:
                raise ToolError(_("Operation %(index)s (%(kind)s): missing %(missing)s; nothing was saved.",
                                  index=index, kind=kind, missing=", ".join(missing)))
            arguments = {k: v for k, v in operation.items() if k != "operation"}
            if args.get("context"):
                arguments["context"] = args["context"]
            try:
                results.append(dict(tools[kind](call, arguments), operation=kind))
                self.env.flush_all()  # database errors belong to this operation, not a later one
            except Exception as exc:
                message, status = self._failure(exc)
                if message is None:
                    raise
                raise ToolError(_("Operation %(index)s (%(kind)s on %(model)s) failed: %(error)s Nothing was saved.",
                                  index=index, kind=kind, model=operation["model"], error=message),
                                status=status) from None
            call.report_progress(index, len(operations))
        return {"results": results, "count": len(results)}
