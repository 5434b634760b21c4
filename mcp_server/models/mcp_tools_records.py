"""Record tools: list/describe models, search, read, count, name search, create, write, delete."""
from odoo import _, api, models

from ..lib.jsonrpc import AccessDeniedByPolicy
from ..lib.tool_schema import domain_schema
from ..services.x2many import X2MANY_HELP
from .mcp_tool_registry import mcp_tool
from .mcp_tools_records_paging import NAME_SEARCH_MAX

MODEL = {"type": "string", "description": "e.g. res.partner"}
DOMAIN = domain_schema("[[\"country_id.code\",\"=\",\"FR\"]] or Odoo syntax")
FIELDS = {"type": "array", "items": {"type": "string"}, "description": "Default: a few key fields."}
IDS = {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 1000}
LIMIT = {"type": "integer", "minimum": 1, "description": "Default 80, lowered to the maximum."}
OFFSET = {"type": "integer", "minimum": 0, "description": "next_offset of the previous page."}
ORDER = {"type": "string", "description": "e.g. 'date_order desc, id'"}
ARCHIVED = {"type": "boolean"}
FORMAT = {"type": "string", "enum": ["json", "table"],
          "description": "json (default) or table: a tab-separated line per record, fewer tokens"}
VALUES = {
    "type": "object",
    "description": "many2one takes an id or a name. " + X2MANY_HELP
                   + " Dates YYYY-MM-DD, datetimes ISO 8601 (UTC unless offset).",
}
# Other keys are refused by RecordAccess.model (a schema without additionalProperties keeps tools/list small).
CONTEXT = {
    "type": "object",
    "properties": {"lang": {"type": "string"}, "tz": {"type": "string"}, "company_id": {"type": "integer"},
                   "allowed_company_ids": {"type": "array", "items": {"type": "integer"}}},
}
RECORD_LIST_OUTPUT = {
    "type": "object",
    "properties": {
        "model": {"type": "string"},
        "records": {"type": "array", "items": {"type": "object"}},
        "count": {"type": "integer"},
        "has_more": {"type": "boolean"},
        "next_offset": {"type": "integer"},
        "notice": {"type": "string"},
        "failed_fields": {"type": "object"},
        "timezone": {"type": "string"},
    },
    "required": ["model", "records", "count"],
}


class McpToolsRecords(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _snapshot(self, records, field_names, policy):
        """``{id: {field: value}}`` of the given fields, as the caller may read them (for dry runs)."""
        readable = [name for name in field_names if policy.field_allowed(records, name)]
        records.invalidate_recordset(readable)
        rows, _failed = self._records(policy).read(records, ["id", *readable])
        return {row.pop("id"): row for row in rows}

    @api.model
    def _records_result(self, model, rows, failed, has_more=False, next_offset=None, notice=None):
        result = {"model": model._name, "records": rows, "count": len(rows),
                  "timezone": model.env.context.get("tz") or "UTC"}
        if has_more:
            result["has_more"] = True
            if next_offset is not None:
                result["next_offset"] = next_offset
        notice = " ".join(filter(None, [notice, self._unnamed_relations_notice(model, rows)]))
        if notice:
            result["notice"] = notice
        if failed:
            result["failed_fields"] = failed
        return result

    @api.model
    def _unnamed_relations_notice(self, model, rows):
        """A sentence naming the models of many2one values given as an id alone (the key may not read their
        names), so that an agent knows the name is withheld rather than missing; None when every one is named."""
        comodels = sorted({model._fields[name].comodel_name for row in rows for name, value in row.items()
                           if isinstance(value, dict) and "name" not in value and "id" in value
                           and name in model._fields and model._fields[name].type == "many2one"})
        if not comodels:
            return None
        return _("Values of %s come as ids without names: this key may not read those records' names (an MCP "
                 "administrator can grant read on the model in the access profile).", ", ".join(comodels))

    # ------------------------------------------------------------------
    @mcp_tool(
        "list_models", "List models",
        "The models this key may use, with their operations. Start here to find a model's technical name.",
        {"properties": {"search": {"type": "string", "description": "Only models whose name or label contains this."}},
         "additionalProperties": False},
        {"type": "object", "properties": {"models": {"type": "array"},
                                          "count": {"type": "integer"}}, "required": ["models", "count"]},
        operation="read", frames_data=False)
    def _tool_list_models(self, call, args):
        search = (args.get("search") or "").lower()
        names = call.policy.model_names()
        labels = {m["model"]: m["name"] for m in self.env["ir.model"].sudo().search_read(
            [("model", "in", names)], ["model", "name"])}
        result = []
        for name in call.policy.model_names():
            label = labels.get(name, name)
            if search and search not in name.lower() and search not in (label or "").lower():
                continue
            result.append({"model": name, "name": label, "operations": call.policy.operations(name),
                           "scope_restricted": bool(call.policy.record_domain(name))})
        return {"models": result, "count": len(result)}

    @mcp_tool(
        "describe_model", "Describe a model",
        "A model's fields as this key may use them (type, label, required, relation, selection), "
        "search_read's defaults, and the form buttons (call_method) and server actions (run_server_action) "
        "it may run.",
        {"properties": {"model": MODEL, "fields": FIELDS}, "required": ["model"], "additionalProperties": False},
        {"type": "object", "properties": {
            "model": {"type": "string"}, "name": {"type": "string"}, "operations": {"type": "array"},
            "scope_restricted": {"type": "boolean"}, "default_fields": {"type": "array"},
            "fields": {"type": "object"}, "buttons": {"type": "array", "items": {"type": "object"}},
            "server_actions": {"type": "array", "items": {"type": "object"}}}, "required": ["model", "fields"]},
        operation="read", frames_data=False)
    def _tool_describe_model(self, call, args):
        model = call.policy.check_model(self.env, args["model"], "read")
        call.note(model=model._name)
        return dict(self._describe_model(model, call.policy, args.get("fields")),
                    **self._runnable_actions(model, call.policy))

    @api.model
    def _describe_model(self, model, policy, only=None):
        readable = policy.readable_field_names(model)
        if only:
            policy.check_field_names(model, only, "describe")
            readable = [n for n in readable if n in only]
        descriptions = model.fields_get(readable, ["type", "string", "required", "readonly", "relation",
                                                   "selection", "help", "store"])
        for description in descriptions.values():
            if description.get("help"):
                description["help"] = description["help"][:200]
            if "relation" in description and not description["relation"]:
                del description["relation"]
        return {
            "model": model._name,
            "name": model._description,
            "operations": policy.operations(model._name),
            "scope_restricted": bool(policy.record_domain(model._name)),
            "default_fields": self._records(policy).default_field_names(model),
            "fields": descriptions,
        }

    @mcp_tool(
        "search_read", "Search and read records",
        "Records matching a domain; relations as {id, name}, datetimes ISO 8601 UTC. has_more and next_offset: "
        "page on (also when the size cap cut the answer).",
        {"properties": {"model": MODEL, "domain": DOMAIN, "fields": FIELDS, "limit": LIMIT, "offset": OFFSET,
                        "order": ORDER, "format": FORMAT, "include_archived": ARCHIVED, "context": CONTEXT},
         "required": ["model"], "additionalProperties": False},
        RECORD_LIST_OUTPUT, operation="read", paging="offset", view="table")
    def _tool_search_read(self, call, args):
        model = self._model_env(call, args["model"], "read", args.get("context"))
        if args.get("include_archived"):
            model = model.with_context(active_test=False)
        call.note(model=model._name)
        field_names = self._records(call.policy).fields_to_read(model, args.get("fields"))
        domain = call.policy.secure_domain(model, args.get("domain"))
        order = call.policy.check_order(model, args.get("order"))
        limit, notice = self._page_limit(call, args.get("limit"))
        offset = args.get("offset") or 0
        # One query fetches the ids and the asked columns; the read below is served from the cache.
        stored = [name for name in field_names if name in model._fields and model._fields[name].column_type]
        records = model.search_fetch(domain, stored, offset=offset, limit=limit + 1, order=order)
        has_more = len(records) > limit
        records = records[:limit]
        call.note(record_ids=records.ids)
        rows, failed = self._records(call.policy).read(records, field_names, fetched=True)
        return self._records_result(model, rows, failed, has_more, offset + len(rows), notice)

    @mcp_tool(
        "read", "Read records by id",
        "Records by id; ids outside what this key may reach are refused by name.",
        {"properties": {"model": MODEL, "ids": IDS, "fields": FIELDS, "format": FORMAT, "context": CONTEXT},
         "required": ["model", "ids"], "additionalProperties": False},
        RECORD_LIST_OUTPUT, operation="read", paging="ids", view="record")
    def _tool_read(self, call, args):
        model = self._model_env(call, args["model"], "read", args.get("context"))
        call.note(model=model._name, record_ids=args["ids"])
        field_names = self._records(call.policy).fields_to_read(model, args.get("fields"))
        records = call.policy.check_ids_in_scope(model, args["ids"])
        rows, failed = self._records(call.policy).read(records, field_names)
        return self._records_result(model, rows, failed)

    @mcp_tool(
        "search_count", "Count records",
        "How many records match a domain (none is read).",
        {"properties": {"model": MODEL, "domain": DOMAIN, "include_archived": ARCHIVED, "context": CONTEXT},
         "required": ["model"], "additionalProperties": False},
        {"type": "object", "properties": {"model": {"type": "string"}, "count": {"type": "integer"}},
         "required": ["model", "count"]},
        operation="read", frames_data=False)
    def _tool_search_count(self, call, args):
        model = self._model_env(call, args["model"], "read", args.get("context"))
        if args.get("include_archived"):
            model = model.with_context(active_test=False)
        call.note(model=model._name)
        return {"model": model._name, "count": model.search_count(call.policy.secure_domain(model, args.get("domain")))}

    @mcp_tool(
        "name_search", "Find records by name",
        "Ids for a name: [{id, name}] of records whose display name matches (as Odoo's autocomplete); says "
        "when only archived ones match.",
        {"properties": {"model": MODEL, "name": {"type": "string", "description": "Text to look for."},
                        "domain": DOMAIN,
                        "limit": {"type": "integer", "minimum": 1, "description": "Default 8, at most 100."},
                        "operator": {"type": "string", "enum": ["ilike", "=", "=ilike", "like", "=like"],
                                     "description": "Default ilike."},
                        "include_archived": ARCHIVED, "context": CONTEXT},
         "required": ["model", "name"], "additionalProperties": False},
        {"type": "object", "properties": {"model": {"type": "string"},
                                          "results": {"type": "array"},
                                          "archived_matches": {"type": "integer"}, "notice": {"type": "string"}},
         "required": ["model", "results"]},
        operation="read")
    def _tool_name_search(self, call, args):
        model = self._model_env(call, args["model"], "read", args.get("context"))
        if args.get("include_archived"):
            model = model.with_context(active_test=False)
        call.note(model=model._name)
        operator, limit = args.get("operator") or "ilike", args.get("limit") or 8
        matches = self._records(call.policy).name_search(model, args["name"], args.get("domain"), operator,
                                    min(limit, NAME_SEARCH_MAX))
        result = {"model": model._name, "results": [{"id": rid, "name": label} for rid, label in matches]}
        if limit > NAME_SEARCH_MAX:
            result["notice"] = _("limit %(limit)s is over the maximum of %(max)s; at most %(max)s names are "
                                 "returned.", limit=limit, max=NAME_SEARCH_MAX)
        if not matches:
            archived = self._records(call.policy).archived_matches(model, args["name"], args.get("domain"), operator)
            if archived:
                result["archived_matches"] = archived
                result["notice"] = self._archived_notice(model, args["name"], archived)
        return result

    @mcp_tool(
        "create", "Create a record",
        "Create one record with the given values and return its id and name; one2many lines too (a quotation "
        "with its order_line). On x2many fields a plain list replaces the set; {\"add\": [...]} adds.",
        {"properties": {"model": MODEL, "values": VALUES, "context": CONTEXT},
         "required": ["model", "values"], "additionalProperties": False},
        {"type": "object", "properties": {"model": {"type": "string"}, "id": {"type": "integer"},
                                          "display_name": {"type": ["string", "null"]}},
         "required": ["model", "id"]},
        risk="write", operation="create", view="changes")
    def _tool_create(self, call, args):
        model = self._model_env(call, args["model"], "create", args.get("context"))
        call.note(model=model._name)
        values = self._records(call.policy).convert_values(model, args["values"])
        record = model.create(values)
        call.note(record_ids=record.ids)
        self._check_nested_scope(record, values, None, call.policy)
        if call.dry_run:
            rows = self._snapshot(record, list(args["values"]), call.policy)
            change = {"operation": "create", "model": model._name, "values": rows[record.id]}
            lines = self._snapshot_lines(record, args["values"], call.policy)
            if lines:
                change["lines"] = lines
            call.changes.append(change)
        if call.policy.record_domain(model._name) and not call.policy.ids_in_scope(model, record.ids):
            raise AccessDeniedByPolicy(_("The new %s record would fall outside the records this key may reach; "
                                         "nothing was created.", model._name))
        name = self._records(call.policy).visible_names(model, record.ids).get(record.id)
        return {"model": model._name, "id": record.id, "display_name": name}

    @mcp_tool(
        "write", "Update records",
        "Set field values on records by id. The same values are written to every record. On x2many fields a plain "
        "list replaces the set; {\"add\": [...]} or {\"remove\": [...]} changes part of it.",
        {"properties": {"model": MODEL, "ids": IDS, "values": VALUES, "context": CONTEXT},
         "required": ["model", "ids", "values"], "additionalProperties": False},
        {"type": "object", "properties": {"model": {"type": "string"}, "ids": {"type": "array"},
                                          "updated": {"type": "integer"}},
         "required": ["model", "ids", "updated"]},
        risk="write", operation="write", idempotent=True, view="changes")
    def _tool_write(self, call, args):
        model = self._model_env(call, args["model"], "write", args.get("context"))
        call.note(model=model._name, record_ids=args["ids"])
        records = call.policy.check_ids_in_scope(model, args["ids"])
        values = self._records(call.policy).convert_values(records, args["values"])
        before = self._snapshot(records, list(values), call.policy) if call.dry_run else None
        lines_before = self._x2many_line_ids(records, values)
        records.write(values)
        self._check_nested_scope(records, values, lines_before, call.policy)
        if call.dry_run:
            after = self._snapshot(records, list(values), call.policy)
            call.changes.extend({"operation": "write", "model": model._name, "id": rid, "before": before[rid],
                                 "after": after[rid]} for rid in records.ids)
            lines = self._snapshot_lines(records, args["values"], call.policy)
            if lines:
                call.changes.append({"operation": "write_lines", "model": model._name, "ids": records.ids,
                                     "lines": lines})
        if call.policy.record_domain(model._name):
            outside = set(records.ids) - call.policy.ids_in_scope(model, records.ids)
            if outside:
                raise AccessDeniedByPolicy(_("This change would move record(s) %s outside the records this key may "
                                             "reach; nothing was changed.", sorted(outside)))
        return {"model": model._name, "ids": records.ids, "updated": len(records)}

    @mcp_tool(
        "unlink", "Delete records",
        "Delete records by id. This cannot be undone; prefer archiving (write active=false) when the model "
        "supports it.",
        {"properties": {"model": MODEL, "ids": IDS, "context": CONTEXT},
         "required": ["model", "ids"], "additionalProperties": False},
        {"type": "object", "properties": {"model": {"type": "string"}, "deleted": {"type": "array"}},
         "required": ["model", "deleted"]},
        risk="destructive", operation="unlink", view="changes")
    def _tool_unlink(self, call, args):
        model = self._model_env(call, args["model"], "unlink", args.get("context"))
        call.note(model=model._name, record_ids=args["ids"])
        records = call.policy.check_ids_in_scope(model, args["ids"])
        deleted = records.ids
        if call.dry_run:
            label = call.policy.label_field(model)
            names = [label] if label else []
            snapshot = self._snapshot(records, names, call.policy)
            call.changes.extend({"operation": "unlink", "model": model._name, "id": rid, "record": snapshot[rid]}
                                for rid in deleted)
        records.unlink()
        return {"model": model._name, "deleted": deleted}
