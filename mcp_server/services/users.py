"""Users as a key may see them: labels of users in answers and lookup of the users a tool is given.

Rule: a user is named only when the key may read that name (``res.users`` granted for reading, the user
within its domain, the name within its field list) or when it is the key's own user; any other user is
labelled by id only ("user #7"). A login or a name given as input is looked up only among the users the
key may read, matched literally (no wildcards); an id, among the users the Odoo user may see.
"""
from odoo import _
from odoo.osv import expression

from ..lib.jsonrpc import ToolError


def literal_ilike(text):
    """``text`` for an ``=ilike`` match of exactly that text: ``%``, ``_`` and ``\\`` lose their special meaning."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class UserLabels:
    """Needs ``self.env``, ``self.policy`` and ``visible_names`` (mixed into ``RecordAccess``)."""

    def user_labels(self, users):
        """``{user id: label}`` for the ``res.users`` recordset ``users``: the name when the key may read it
        (always its own user), else "user #id"."""
        own = self.env.user
        names = self.visible_names(self.env["res.users"], set(users.ids) - {own.id})
        return {user.id: own.name if user.id == own.id else names.get(user.id) or _("user #%s", user.id)
                for user in users}

    def approver_labels(self, users):
        """``[label]`` of approvers in the order of ``users``: "an administrator" for those the key may not read."""
        own = self.env.user
        names = self.visible_names(self.env["res.users"], set(users.ids) - {own.id})
        return [own.name if user == own else names.get(user.id) or _("an administrator") for user in users]

    def resolve_user(self, reference):
        """The one ``res.users`` record named by ``reference``: an id (int or digits), a login or a name;
        empty: the key's own user. Raises ``ToolError`` when none or several match among the users the key
        may read (ids: among the users the Odoo user may see)."""
        Users = self.env["res.users"]
        if not reference:
            return self.env.user
        if isinstance(reference, str) and reference.strip().isdigit():
            reference = int(reference)
        if isinstance(reference, int) and not isinstance(reference, bool):
            user = Users.search([("id", "=", reference)])
            if not user:
                raise ToolError(_("No user with id %s among the users you may see.", reference))
            return user
        reference = str(reference).strip()
        own = self.env.user
        if reference == own.login or reference.lower() == (own.name or "").lower():
            return own
        policy = self.policy
        if not policy.allows("res.users", "read"):
            raise ToolError(_("Give the user's id: logins and names are looked up only among the users this key may "
                              "read, and its profile does not grant res.users."))
        found = Users
        for field_name, operator, value in (("login", "=", reference), ("name", "=ilike", literal_ilike(reference))):
            if policy.field_allowed(Users, field_name):
                found = Users.search(expression.AND([
                    [(field_name, operator, value)], policy.record_domain("res.users")]), limit=2)
            if found:
                break
        if len(found) != 1:
            raise ToolError(_("No single user this key may read has the login or name %s; give the user's id.",
                              reference[:100]))
        return found
