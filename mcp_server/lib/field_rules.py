"""Which fields of a model an access policy lets a key use, beyond the plain field list.

Three rules live here, each in one place:

* secrets (:func:`is_secret_field`): capability tokens, passwords, keys and system-only fields are never
  usable unless a rule names them in its field list;
* related and delegated (``_inherits``) fields (:meth:`FieldRules._related`): when the profile has a rule
  for a model the field reaches, that rule's operations, field list and record domain bind the field; when
  it has none, the field follows the grant of the model the key was granted;
* computed fields (:meth:`FieldRules._dependency_problem`): a computed field (``display_name`` included)
  is usable only when every field it is computed from, along every ``@api.depends`` path, is readable.
"""
import re

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

SECRET_NAME = re.compile(r"(^|_)(password|passwd|secret|token|api_?key|private_key)$")
SECRET_TYPES = ("char", "text", "binary")
SYSTEM_GROUPS = frozenset({"base.group_system", "base.group_no_one"})
# Dependencies Odoo's computations use without declaring them in @api.depends.
UNDECLARED_DEPENDENCIES = {
    ("res.partner", "contact_address"): ("commercial_company_name",),  # _display_address() prints it
}
DENIED = "denied"
WITHHELD = "withheld"


def is_secret_field(field):
    """Whether ``field`` acts as a secret: a token, password or key, or a field only system users may read."""
    groups = {g.strip() for g in (field.groups or "").split(",") if g.strip() and not g.strip().startswith("!")}
    if groups and groups <= SYSTEM_GROUPS:
        return True
    return field.type in SECRET_TYPES and bool(SECRET_NAME.search(field.name))


class Refusal:
    """Why a field may not be used: ``kind`` is :data:`DENIED` (refused outright) or :data:`WITHHELD`
    (a computed field left out of reads and named in ``failed_fields``)."""

    __slots__ = ("kind", "plain", "text")

    def __init__(self, kind, text, plain=False):
        self.kind = kind
        self.text = text
        # Plain: the field is simply not in the rule's field list, which the denial itself says.
        self.plain = plain

    def message(self, env):
        """The reason, in the language of ``env``."""
        return env._(self.text)


class FieldRules:
    """Field decisions of one policy, cached per (model, field, operation) for the policy's lifetime."""

    def __init__(self, policy):
        self.policy = policy
        self._cache = {}

    def refusal(self, model, name, operation="read"):
        """The :class:`Refusal` of ``name`` on ``model`` for ``operation`` ('read' or 'write'), or None."""
        key = (model._name, name, operation)
        if key not in self._cache:
            self._cache[key] = self._refusal(model, model._fields[name], operation)
        return self._cache[key]

    def _refusal(self, model, field, operation):
        entry = self.policy.entry(model._name)
        allowlist = entry["fields"]
        named = allowlist is not None and field.name in allowlist
        if is_secret_field(field) and not named:
            return Refusal(DENIED, _lt("%(field)s holds a secret (a token, password, key or system-only value); a "
                                       "rule must name it in its field list", field=field.name))
        if allowlist is not None and not named and field.name != "display_name":
            return Refusal(DENIED, _lt("%(field)s is not in the field list of this key's %(model)s rule",
                                       field=field.name, model=model._name), plain=True)
        if field.related:
            return self._related(model, field, operation)
        if field.compute:
            problem = self._dependency_problem(model, field, root=True, seen=set())
            if problem:
                return Refusal(WITHHELD, _lt("%(field)s is computed from %(dependency)s, which this key may not "
                                             "read", field=field.name, dependency=problem))
        return None

    # -- related and delegated fields -----------------------------------------
    def _related(self, model, field, operation):
        """Walk ``field.related``: every model reached that has a rule binds the field."""
        path = field.related.split(".")
        current = model
        for index, hop in enumerate(path[:-1]):
            current = model.env[current._fields[hop].comodel_name]
            target_name = path[index + 1]
            target = current._fields[target_name]
            last = index == len(path) - 2
            problem = self._reached_problem(current, target, operation if last else "read")
            if problem is None and last and (target.compute or target.related):
                dependency = self._dependency_problem(current, target, root=False, seen=set())
                problem = dependency and _lt("it is computed from %(dependency)s, which this key may not read",
                                             dependency=dependency)
            if problem:
                return Refusal(DENIED, _lt(
                    "%(field)s of %(model)s is stored on %(target)s (through %(through)s) and %(detail)s",
                    field=field.name, model=model._name, target=current._name,
                    through="_inherits" if field.inherited else "related field %s" % field.related, detail=problem))
        return None

    def _reached_problem(self, model, field, operation, computed=False):
        """A lazy text saying why ``field`` of a model reached through a relation is out of bounds.

        ``computed``: the field is judged by its dependencies, so it need not be in the rule's field list."""
        entry = self.policy.entry(model._name)
        named = bool(entry and entry["fields"] is not None and field.name in entry["fields"])
        if is_secret_field(field) and not named:
            return _lt("%(field)s holds a secret; name it in a %(model)s rule's field list", field=field.name,
                       model=model._name)
        if entry is None:
            return None
        if operation not in entry["operations"]:
            return _lt("this key's %(model)s rule does not allow %(op)s: grant %(op)s on %(model)s, or remove that "
                       "rule so the grant of the key's model covers it", model=model._name, op=operation)
        if entry["domain"]:
            return _lt("this key's %(model)s rule limits its records by a domain, which values reached through a "
                       "relation may not satisfy: read %(model)s directly instead", model=model._name)
        if entry["fields"] is not None and not named and not computed and field.name != "id":
            return _lt("%(field)s is not in the field list of this key's %(model)s rule: add it there, or remove "
                       "that rule so the grant of the key's model covers it", field=field.name, model=model._name)
        return None

    # -- computed fields --------------------------------------------------------
    def _dependencies(self, model, field):
        depends = [*model.pool.field_depends.get(field, ()),
                   *UNDECLARED_DEPENDENCIES.get((model._name, field.name), ())]
        if field.name == "display_name":
            # The name is computed from the record name, and a bare relational dependency means its name.
            depends = [model._rec_name, *depends] if model._rec_name else depends
            depends = ["%s.display_name" % dep if "." not in dep and dep in model._fields
                       and model._fields[dep].relational else dep for dep in depends]
        return depends

    def _dependency_problem(self, model, field, root, seen, back=None):
        """The first dependency of a computed ``field`` the key may not read (as 'path of model'), or None.

        ``root``: ``model`` is the key's model (its own field list applies), not one reached through a relation.
        ``back``: ``model`` was reached through a one2many, as ``(inverse field, origin model, origin root,
        origin back)``: a path through that inverse field returns to the same record, not to any record.
        """
        if (model._name, field.name, root, back) in seen:
            return None
        seen.add((model._name, field.name, root, back))
        for dependency in self._dependencies(model, field):
            current, at_root, came_back = model, root, back
            for hop in dependency.split("."):
                hop_field = current._fields.get(hop)
                if hop_field is None:
                    break
                if came_back and hop == came_back[0]:
                    current, at_root, came_back = model.env[came_back[1]], came_back[2], came_back[3]
                    continue
                if not self._dependency_readable(current, hop_field, at_root, seen, came_back):
                    return "%s of %s" % (dependency, model._name)
                if not hop_field.relational:
                    break
                came_back = (hop_field.inverse_name, current._name, at_root, came_back) \
                    if hop_field.type == "one2many" and hop_field.inverse_name else None
                current, at_root = model.env[hop_field.comodel_name], False
        return None

    def _dependency_readable(self, model, field, root, seen, back):
        if field.name == "id":
            return True
        if root:
            allowlist = self.policy.entry(model._name)["fields"]
            named = allowlist is None or field.name in allowlist
            if is_secret_field(field) and not (allowlist and field.name in allowlist):
                return False
            if field.related:
                return named and self._related(model, field, "read") is None
            if not named and not field.compute:
                return False
        elif self._reached_problem(model, field, "read", computed=bool(field.compute and not field.related)):
            return False
        if field.compute or field.related:
            return self._dependency_problem(model, field, root, seen, back) is None
        return True
