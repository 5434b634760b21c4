"""x2many values for create/write: Odoo's commands, an explicit object form and plain lists, with nested lines.

Every nested value is checked against the key's policy on the line model: the operation (create, write,
unlink), the record domain and the field allowlist. Nested values are converted like top-level ones, so
names are resolved inside lines too (mixed into ``RecordAccess``).
"""
from odoo import _
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


class X2manyConversion:
    """Needs ``self.env``, ``self.policy``, ``resolve_ids`` and ``convert_values`` (see ``RecordAccess``)."""

    def convert_x2many(self, model, field, value):
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
                converted.append(self._x2many_command(model, field, command))
            except ToolError as exc:
                message = _("Field %(field)s, line %(index)s (%(model)s): %(error)s", field=field.name, index=index,
                            model=field.comodel_name, error=exc.message)
                raise (AccessDeniedByPolicy(message) if exc.status == "denied" else ToolError(message)) from None
        return converted

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

    def _x2many_command(self, model, field, command):
        code = command[0]
        if len(command) < COMMAND_ARITY[code]:
            raise ToolError(_("%(command)s is incomplete; e.g. [0, 0, {...}], [1, id, {...}], [4, id], [5], "
                              "[6, 0, [ids]].", command=str(command)[:100]))
        comodel = self.env[field.comodel_name].with_context(model.env.context)
        one2many = field.type == "one2many"
        if code == Command.CREATE:
            lines = self.policy.check_model(model.env, comodel._name, "create")
            return Command.create(self._nested_values(lines, command[2]))
        if code == Command.CLEAR:
            if one2many and model[field.name]:
                self._check_o2m_detach(model, field)
            return Command.clear()
        if code == Command.SET:
            if not isinstance(command[2], list):
                raise ToolError(_("Field %s: [6, 0, ids] takes a list of ids or names.", field.name))
            ids = self.resolve_ids(model, field, command[2]) if command[2] else []
            if one2many and set(model[field.name].ids) ^ set(ids):  # lines would be detached or moved here
                self._check_o2m_detach(model, field)
            return Command.set(ids)
        record_id = self.resolve_ids(model, field, [command[1]])[0]
        if code == Command.UPDATE:
            lines = self.policy.check_model(model.env, comodel._name, "write")
            self._check_line_of(model, field, record_id)
            return Command.update(record_id, self._nested_values(lines.browse(record_id), command[2]))
        if code == Command.DELETE:
            self.policy.check_model(model.env, comodel._name, "unlink")
            self._check_line_of(model, field, record_id)
            return Command.delete(record_id)
        if one2many:  # moving a line to (LINK) or off (UNLINK) a record rewrites the line itself
            self._check_o2m_detach(model, field)
            if code == Command.UNLINK:
                self._check_line_of(model, field, record_id)
        return Command.link(record_id) if code == Command.LINK else Command.unlink(record_id)

    def _nested_values(self, lines, values):
        if not isinstance(values, dict) or not values:
            raise ToolError(_("give the line's values as an object, e.g. {\"name\": \"...\"}."))
        return self.convert_values(lines, values)

    def _check_o2m_detach(self, model, field):
        """Removing or moving one2many lines writes their inverse field; lines that cannot exist alone are deleted."""
        comodel = self.policy.check_model(model.env, field.comodel_name, "write")
        self.policy.check_field_names(comodel, [field.inverse_name], "write")
        inverse = comodel._fields.get(field.inverse_name)
        if inverse is not None and inverse.type == "many2one" and inverse.ondelete == "cascade":
            self.policy.check_model(model.env, field.comodel_name, "unlink")

    def _check_line_of(self, model, field, record_id):
        """On a write, an updated, deleted or removed one2many line must be a line of the records written."""
        if model and field.type == "one2many" and record_id not in model[field.name].ids:
            raise ToolError(_("Field %(field)s: %(model)s %(id)s is not a line of record(s) %(records)s.",
                              field=field.name, model=field.comodel_name, id=record_id, records=model.ids))


def _is_command(item):
    return isinstance(item, (list, tuple)) and item and isinstance(item[0], int) and not isinstance(item[0], bool) \
        and item[0] in COMMAND_ARITY
