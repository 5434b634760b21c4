"""x2many values for create/write: Odoo's commands, an explicit object form and plain lists, with nested lines.

Every nested value is checked against the key's policy on the line model: the operation (create, write,
unlink), the record domain and the field allowlist. Nested values are converted like top-level ones, so
names are resolved inside lines too.
"""
from odoo import _, api, models
from odoo.fields import Command

from ..lib.jsonrpc import AccessDeniedByPolicy, ToolError

# The explicit object form and the Odoo command each key stands for.
OBJECT_KEYS = {"create": Command.CREATE, "update": Command.UPDATE, "delete": Command.DELETE,
               "remove": Command.UNLINK, "add": Command.LINK, "set": Command.SET}
COMMAND_ARITY = {Command.CREATE: 3, Command.UPDATE: 3, Command.DELETE: 2, Command.UNLINK: 2, Command.LINK: 2,
                 Command.CLEAR: 1, Command.SET: 3}
X2MANY_HELP = (
    "x2many fields: a plain list of ids, names or {line values} REPLACES the set; {\"add\", \"remove\", \"set\", "
    "\"delete\": [ids or names], \"create\": [{...}], \"update\": [{\"id\": n, ...}]} or Odoo commands "
    "([[4, id]], [[0, 0, {...}]]...) change part of it; one2many lines can be created with their parent."
)


class McpToolX2many(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _convert_x2many(self, model, field, value, policy):
        """Odoo commands for an x2many ``value``; ``model`` holds the records written (empty on create)."""
        if isinstance(value, dict):
            commands = self._x2many_object_commands(field, value)
        elif isinstance(value, list) and value and all(_is_command(item) for item in value):
            commands = [list(item) for item in value]
        elif isinstance(value, list):
            commands = self._x2many_plain_commands(model, field, value)
        else:
            raise ToolError(_("Field %(field)s takes a list (replaces the current set), Odoo commands or an object "
                              "with add/remove/set/create/update/delete.", field=field.name))
        converted = []
        for index, command in enumerate(commands, start=1):
            try:
                converted.append(self._x2many_command(model, field, command, policy))
            except ToolError as exc:
                message = _("Field %(field)s, line %(index)s (%(model)s): %(error)s", field=field.name, index=index,
                            model=field.comodel_name, error=exc.message)
                raise (AccessDeniedByPolicy(message) if exc.status == "denied" else ToolError(message)) from None
        return converted

    @api.model
    def _x2many_object_commands(self, field, value):
        unknown = sorted(set(value) - set(OBJECT_KEYS))
        if unknown:
            raise ToolError(_("Field %(field)s: unknown key(s) %(keys)s; use %(allowed)s.", field=field.name,
                              keys=", ".join(unknown), allowed=", ".join(OBJECT_KEYS)))
        commands = []
        for key in ("set", "delete", "remove", "add", "update", "create"):
            items = value.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise ToolError(_("Field %(field)s: '%(key)s' takes a list.", field=field.name, key=key))
            code = OBJECT_KEYS[key]
            if code == Command.SET:
                commands.append([code, 0, items])
            elif code == Command.CREATE:
                commands.extend([code, 0, item] for item in items)
            elif code == Command.UPDATE:
                for item in items:
                    if not isinstance(item, dict) or "id" not in item:
                        raise ToolError(_("Field %s: each 'update' item is {\"id\": n, field: value...}.", field.name))
                    commands.append([code, item["id"], {k: v for k, v in item.items() if k != "id"}])
            else:
                commands.extend([code, item] for item in items)
        return commands

    @api.model
    def _x2many_plain_commands(self, model, field, items):
        """A plain list sets the relation: ids/names kept, ``{"id": n, ...}`` kept and updated, other dicts created."""
        kept, extra = [], []
        for item in items:
            if isinstance(item, dict) and "id" not in item:
                extra.append([Command.CREATE, 0, item])
                continue
            if isinstance(item, dict) and len(item) > 1:
                extra.append([Command.UPDATE, item["id"], {k: v for k, v in item.items() if k != "id"}])
            kept.append(item)
        if not model and not kept:
            return extra  # a new record: its lines are exactly the created ones
        return [[Command.SET, 0, kept], *extra]

    @api.model
    def _x2many_command(self, model, field, command, policy):
        code = command[0]
        if len(command) < COMMAND_ARITY[code]:
            raise ToolError(_("%(command)s is incomplete; e.g. [0, 0, {...}], [1, id, {...}], [4, id], [5], "
                              "[6, 0, [ids]].", command=str(command)[:100]))
        comodel = self.env[field.comodel_name].with_context(model.env.context)
        one2many = field.type == "one2many"
        if code == Command.CREATE:
            lines = policy.check_model(model.env, comodel._name, "create")
            return Command.create(self._nested_values(lines, command[2], policy))
        if code == Command.CLEAR:
            if one2many and model[field.name]:
                self._check_o2m_detach(model, field, policy)
            return Command.clear()
        if code == Command.SET:
            if not isinstance(command[2], list):
                raise ToolError(_("Field %s: [6, 0, ids] takes a list of ids or names.", field.name))
            ids = self._resolve_ids(model, field, command[2], policy) if command[2] else []
            if one2many and set(model[field.name].ids) ^ set(ids):  # lines would be detached or moved here
                self._check_o2m_detach(model, field, policy)
            return Command.set(ids)
        record_id = self._resolve_ids(model, field, [command[1]], policy)[0]
        if code == Command.UPDATE:
            lines = policy.check_model(model.env, comodel._name, "write")
            self._check_line_of(model, field, record_id, policy)
            return Command.update(record_id, self._nested_values(lines.browse(record_id), command[2], policy))
        if code == Command.DELETE:
            policy.check_model(model.env, comodel._name, "unlink")
            self._check_line_of(model, field, record_id, policy)
            return Command.delete(record_id)
        if one2many:  # moving a line to (LINK) or off (UNLINK) a record rewrites the line itself
            self._check_o2m_detach(model, field, policy)
            if code == Command.UNLINK:
                self._check_line_of(model, field, record_id, policy)
        return Command.link(record_id) if code == Command.LINK else Command.unlink(record_id)

    @api.model
    def _nested_values(self, lines, values, policy):
        if not isinstance(values, dict) or not values:
            raise ToolError(_("give the line's values as an object, e.g. {\"name\": \"...\"}."))
        return self._convert_values(lines, values, policy)

    @api.model
    def _check_o2m_detach(self, model, field, policy):
        """Removing or moving one2many lines writes their inverse field; lines that cannot exist alone are deleted."""
        comodel = policy.check_model(model.env, field.comodel_name, "write")
        policy.check_field_names(comodel, [field.inverse_name], "write")
        inverse = comodel._fields.get(field.inverse_name)
        if inverse is not None and inverse.type == "many2one" and inverse.ondelete == "cascade":
            policy.check_model(model.env, field.comodel_name, "unlink")

    @api.model
    def _check_line_of(self, model, field, record_id, policy):
        """On a write, an updated, deleted or removed one2many line must be a line of the records written."""
        if model and field.type == "one2many" and record_id not in model[field.name].ids:
            raise ToolError(_("Field %(field)s: %(model)s %(id)s is not a line of record(s) %(records)s.",
                              field=field.name, model=field.comodel_name, id=record_id, records=model.ids))

    # ------------------------------------------------------------------
    # After the write: record domain of the lines, dry-run snapshots
    # ------------------------------------------------------------------
    @api.model
    def _x2many_line_ids(self, records, converted):
        """``{field: ids}`` of the x2many fields written, to compare before and after a write."""
        return {name: set(records[name].ids) for name in converted
                if records._fields[name].type in ("one2many", "many2many")}

    @api.model
    def _check_nested_scope(self, records, converted, before, policy):
        """New and updated lines must lie within the record domain of their model; raise otherwise.

        ``before``: the line ids before a write (``_x2many_line_ids``); None after a create.
        """
        for name in converted:
            field = records._fields[name]
            lines_before = (before or {}).get(name, set())
            if field.type != "one2many" or not policy.record_domain(field.comodel_name):
                continue
            updated = {command[1] for command in converted[name] if command[0] == Command.UPDATE}
            touched = (set(records[name].ids) - lines_before) | updated
            outside = touched - policy.ids_in_scope(records[name], touched)
            if outside:
                raise AccessDeniedByPolicy(_(
                    "Field %(field)s: line(s) %(ids)s of %(model)s would fall outside the records this key may reach; "
                    "nothing was saved.", field=name, ids=sorted(outside), model=field.comodel_name))

    @api.model
    def _snapshot_lines(self, records, values, policy):
        """``{field: [line values]}`` of the x2many fields given in ``values`` (the fields named in the lines)."""
        result = {}
        for name, value in values.items():
            field = records._fields.get(name)
            if not field or field.type not in ("one2many", "many2many"):
                continue
            lines = records[name]
            if not policy.allows(lines._name, "read"):
                continue
            names = {"display_name"} | {key for item in _nested_dicts(value) for key in item if key != "id"}
            result[name] = [dict(row, id=line_id)
                            for line_id, row in self._snapshot(lines, sorted(names), policy).items()]
        return result


def _is_command(item):
    return isinstance(item, (list, tuple)) and item and isinstance(item[0], int) and not isinstance(item[0], bool) \
        and item[0] in COMMAND_ARITY


def _nested_dicts(value):
    """The line dicts inside any x2many value form."""
    if isinstance(value, dict):
        return [item for items in value.values() if isinstance(items, list) for item in items if isinstance(item, dict)]
    if isinstance(value, list):
        found = []
        for item in value:
            if isinstance(item, dict):
                found.append(item)
            elif isinstance(item, (list, tuple)) and len(item) == 3 and isinstance(item[2], dict):
                found.append(item[2])
        return found
    return []
