"""The credential a request acts with: which key or connection, as which user, under which profile.

One frozen class for every kind. The core knows two kinds (``mcp_key``, ``odoo_apikey``); an addon adds its
own with :func:`register_kind` (which ids name one credential of that kind) and builds credentials of it in
its ``ir.http._mcp_authenticate_token`` hook. Kind-specific ids (``native_key_id``, an addon's own) live in
``extra_ids`` and read as attributes (``credential.native_key_id``).

- ``ref``: the stable, secret-free reference that sessions, jobs, exports, approvals, portal pages and
  rate counters belong to (``"mcp_key:12"``, ``"odoo_apikey:7:3"``).
- ``recorded()``: the JSON-able dict kept to act later (approvals, jobs): no secret, no request-only bounds.
- ``Credential.from_recorded(data)``: the one builder from a recorded dict, also of the shapes stored
  before this class existed.
"""
from dataclasses import dataclass, field, fields, replace

# kind → names of the ids (attributes) whose values, joined, name one credential of that kind.
_REFERENCE_FIELDS = {
    "mcp_key": ("key_id",),
    # Each Odoo API key of a user is a credential of its own.
    "odoo_apikey": ("user_id", "native_key_id"),
}
RECORDED_FIELDS = ("kind", "user_id", "key_id", "profile_id", "scopes")


def register_kind(kind, reference_fields):
    """Declare a credential kind and the ids (attributes, in order) that its ``ref`` is made of."""
    _REFERENCE_FIELDS[kind] = tuple(reference_fields)


@dataclass(frozen=True)
class Credential:
    """Who acts. ``scopes`` is a tuple of strings (kinds with scopes); ``extra_ids`` a tuple of
    ``(name, value)`` pairs. The request-only bounds (``current_secret``, rate limits, networks) are
    never recorded."""

    kind: str
    user_id: int
    key_id: int | None = None
    profile_id: int | None = None
    scopes: tuple = ()
    extra_ids: tuple = ()
    current_secret: bool = field(default=True, compare=False)
    rate_limit_minute: int = field(default=0, compare=False)
    rate_limit_day: int = field(default=0, compare=False)
    ip_allow: tuple = field(default=(), compare=False)
    ip_deny: tuple = field(default=(), compare=False)
    # The key's own choice for payloads in the audit log: "always", "never", or "" (the Settings' choice).
    payload_capture: str = field(default="", compare=False)

    def __post_init__(self):
        extra = self.extra_ids.items() if isinstance(self.extra_ids, dict) else self.extra_ids
        object.__setattr__(self, "extra_ids", tuple(sorted((str(k), v) for k, v in extra)))
        object.__setattr__(self, "scopes", tuple(self.scopes or ()))
        object.__setattr__(self, "ip_allow", tuple(self.ip_allow or ()))
        object.__setattr__(self, "ip_deny", tuple(self.ip_deny or ()))

    def __getattr__(self, name):
        # Only called for names that are not fields: the kind-specific ids.
        for key, value in object.__getattribute__(self, "extra_ids"):
            if key == name:
                return value
        raise AttributeError("%s credential has no %r" % (object.__getattribute__(self, "kind"), name))

    @property
    def ref(self):
        """``kind:id[:id]``, e.g. ``mcp_key:12``; a kind nobody registered is named by its user."""
        names = _REFERENCE_FIELDS.get(self.kind, ("user_id",))
        return "%s:%s" % (self.kind, ":".join(str(getattr(self, name, None)) for name in names))

    def captures_payloads(self, by_default):
        """Whether this credential's requests are logged with their payloads, ``by_default`` being Settings'."""
        return {"always": True, "never": False}.get(self.payload_capture, by_default)

    def recorded(self):
        """The dict kept to act later: kind, user, key, profile, scopes and the kind's own ids."""
        data = {"kind": self.kind, "user_id": self.user_id, "key_id": self.key_id, "profile_id": self.profile_id,
                "scopes": list(self.scopes)}
        data.update(self.extra_ids)
        return data

    def with_profile(self, profile_id):
        """The same credential acting under ``profile_id`` (the profile it has now, for approvals and jobs)."""
        return replace(self, profile_id=profile_id)

    @classmethod
    def from_recorded(cls, data):
        """A credential from :meth:`recorded`'s dict (or a credential, returned as is).

        Older records (plain dicts with ``native_key_id`` or an addon's ids beside the common keys) load
        the same way: unknown ``*_id`` keys become ``extra_ids``, other unknown keys are ignored."""
        if isinstance(data, Credential):
            return data
        known = {f.name for f in fields(cls)} - {"extra_ids"}
        values = {name: value for name, value in data.items() if name in known}
        values["extra_ids"] = {name: value for name, value in data.items()
                               if name not in known and name.endswith("_id")}
        values.setdefault("user_id", None)
        return cls(**values)

    @classmethod
    def from_ref(cls, ref, user_id):
        """The credential that ``ref`` names, for ``user_id``, or None when the reference is malformed or
        names another user (portal pages keep only the reference). No profile: ask its current one."""
        kind, _sep, reference = (ref or "").partition(":")
        names = _REFERENCE_FIELDS.get(kind)
        parts = reference.split(":")
        if not names or not user_id or len(parts) != len(names) or not all(p.isdigit() for p in parts):
            return None
        ids = dict(zip(names, (int(part) for part in parts), strict=True))
        if ids.pop("user_id", user_id) != user_id:
            return None
        key_id = ids.pop("key_id", None)
        return cls(kind=kind, user_id=user_id, key_id=key_id, extra_ids=ids)
