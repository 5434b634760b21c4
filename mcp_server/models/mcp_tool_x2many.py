"""x2many writes after the fact: the record domain of new and updated lines, and dry-run snapshots of lines.

The conversion of x2many input into ORM commands is ``RecordAccess.convert_x2many`` (``services/x2many.py``).
"""
from odoo import _, api, models
from odoo.fields import Command

from ..lib.jsonrpc import AccessDeniedByPolicy


class McpToolX2many(models.AbstractModel):
    _inherit = "mcp.tool.registry"

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
