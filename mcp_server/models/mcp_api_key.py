import hashlib
import logging
import secrets
import time
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib.credential import Credential
from ..lib.ip_rules import check_networks, parse_networks
from ..lib.last_use import UseRecorder
from .mcp_cache_version import KEYS

_logger = logging.getLogger(__name__)

KEY_MARKER = "mcpk_"
PREFIX_LENGTH = len(KEY_MARKER) + 8
# "Last used" lives in its own table (see ``init``), written at most once a minute per key and worker.
KEY_USE = UseRecorder(lambda key_id: SQL(
    """INSERT INTO mcp_api_key_usage (key_id, last_used) VALUES (%s, (now() at time zone 'UTC'))
       ON CONFLICT (key_id) DO UPDATE SET last_used = EXCLUDED.last_used""", key_id))
INTERNAL_FIELDS = {"prefix", "previous_prefix", "previous_valid_until", "revoked", "last_rotated", "expiry_warned"}
# What bounds a key: only MCP Administrators set or change these (an MCP User may pick a self-service profile
# when creating a key, nothing else).
GOVERNED_FIELDS = {"profile_id", "user_id", "owner_id", "rate_limit_minute", "rate_limit_day", "ip_allow", "ip_deny"}


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class McpApiKey(models.Model):
    """An MCP API key: acts as one Odoo user, bounded by an access profile.

    The secret is shown once at creation and stored only as a SHA-256 hash in
    columns that are not ORM fields (see :meth:`init`), so it can never be read
    back through the ORM, RPC or an export.
    """

    _name = "mcp.api.key"
    _inherit = ["mail.thread", "mail.activity.mixin", "mcp.cached.configuration"]
    _description = "MCP API Key"
    _mcp_cache_names = (KEYS,)
    _mcp_cache_ignored_fields = frozenset({"expiry_warned", "message_main_attachment_id"})
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, tracking=True, help="What the key is for, e.g. 'Claude Desktop on my laptop'.")
    user_id = fields.Many2one(
        "res.users", string="Acts as", required=True, ondelete="cascade", index=True, tracking=True,
        default=lambda self: self.env.user,
        help="Every call made with this key runs as this user: Odoo's access rights and record rules apply.",
    )
    owner_id = fields.Many2one(
        "res.users", string="Owner", required=True, ondelete="cascade",
        default=lambda self: self.env.user, help="Who manages this key.",
    )
    profile_id = fields.Many2one(
        "mcp.access.profile", string="Access profile", ondelete="restrict", tracking=True,
        help="Which models, operations, records and fields the key may reach. "
             "Without a profile the key reaches nothing.",
    )
    prefix = fields.Char(readonly=True, index=True, copy=False,
                         help="The first characters of the key, to recognise it.")
    previous_prefix = fields.Char(readonly=True, index=True, copy=False)
    previous_valid_until = fields.Datetime(
        string="Previous secret valid until", readonly=True, copy=False,
        help="After a rotation the previous secret keeps working until this time.",
    )
    expires_at = fields.Datetime(string="Expires on", tracking=True, help="Leave empty for a key that does not expire.")
    last_used = fields.Datetime(compute="_compute_last_used", help="Updated at most once a minute.")
    active = fields.Boolean(default=True, tracking=True)
    revoked = fields.Boolean(readonly=True, copy=False, tracking=True)
    can_manage = fields.Boolean(compute="_compute_can_manage",
                                help="Whether the current user may change the key's profile, limits and network rules.")
    state = fields.Selection(
        [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")], compute="_compute_state",
    )
    company_id = fields.Many2one(related="user_id.company_id", string="Company")
    rate_limit_minute = fields.Integer(
        string="Requests per minute", tracking=True,
        help="Requests per minute for this key, overriding the profile and Settings; 0 = not overridden.")
    rate_limit_day = fields.Integer(
        string="Requests per day", tracking=True,
        help="Requests per day for this key, overriding the profile and Settings; 0 = not overridden.")
    ip_allow = fields.Text(string="Allowed networks", tracking=True,
                           help="Addresses or CIDR networks this key may be used from (on top of the profile's). "
                                "Empty: any address the profile allows.")
    ip_deny = fields.Text(string="Denied networks", tracking=True,
                          help="Addresses or CIDR networks refused for this key. Empty: none.")
    payload_capture = fields.Selection(
        [("inherit", "As in Settings"), ("always", "Always"), ("never", "Never")],
        string="Log payloads", default="inherit", required=True, tracking=True,
        help="Whether this key's requests and answers are stored in the audit log (secrets redacted, personal "
             "data masked as Settings say): as in Settings, always, or never.")
    rotation_days = fields.Integer(
        string="Rotate every (days)", tracking=True,
        help="The owner is asked to rotate the key this often; a key not rotated within the enforcement period "
             "after its due date expires. 0 = no scheduled rotation.")
    last_rotated = fields.Datetime(readonly=True, copy=False, default=fields.Datetime.now)
    rotation_due = fields.Datetime(compute="_compute_rotation_due")
    expiry_warned = fields.Boolean(readonly=True, copy=False)

    @api.depends_context("uid")
    def _compute_can_manage(self):
        self.can_manage = self._is_mcp_admin()

    @api.depends("rotation_days", "last_rotated")
    def _compute_rotation_due(self):
        for key in self:
            key.rotation_due = key.last_rotated and key.rotation_days and \
                key.last_rotated + timedelta(days=key.rotation_days)

    @api.constrains("ip_allow", "ip_deny")
    def _check_networks(self):
        for key in self:
            check_networks(key.ip_allow, key.ip_deny)

    def init(self):
        self.env.cr.execute(SQL(
            "ALTER TABLE mcp_api_key ADD COLUMN IF NOT EXISTS key_hash varchar,"
            " ADD COLUMN IF NOT EXISTS previous_key_hash varchar"
        ))
        # Usage lives in its own table: writing it on every use would lock the key row that audit and
        # session rows reference, making concurrent requests of other workers fail to serialize.
        self.env.cr.execute(SQL(
            """CREATE TABLE IF NOT EXISTS mcp_api_key_usage (
                   key_id integer PRIMARY KEY,
                   last_used timestamp without time zone NOT NULL)"""
        ))

    def _compute_last_used(self):
        last_used = {}
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT key_id, last_used FROM mcp_api_key_usage WHERE key_id IN %s", tuple(self.ids)))
            last_used = dict(self.env.cr.fetchall())
        for key in self:
            key.last_used = last_used.get(key.id, False)

    @api.depends("active", "revoked", "expires_at")
    def _compute_state(self):
        now = fields.Datetime.now()
        for key in self:
            if key.revoked:
                key.state = "revoked"
            elif key.expires_at and key.expires_at <= now:
                key.state = "expired"
            else:
                key.state = "active" if key.active else "revoked"

    # ------------------------------------------------------------------
    # Creation, rotation, revocation
    # ------------------------------------------------------------------
    @api.model
    def _generate_secret(self):
        return KEY_MARKER + secrets.token_urlsafe(32)

    @api.model
    def _create_with_secret(self, values):
        """Create a key and return ``(record, secret)``; the secret is not stored."""
        secret = self._generate_secret()
        key = self.create(dict(values, prefix=secret[:PREFIX_LENGTH]))
        key._store_hash(hash_secret(secret))
        return key, secret

    def _store_hash(self, digest, previous_digest=None):
        self.ensure_one()
        self.env.cr.execute(SQL(
            "UPDATE mcp_api_key SET key_hash = %s, previous_key_hash = %s WHERE id = %s",
            digest, previous_digest, self.id,
        ))
        self.env["mcp.cache.version"]._bump(KEYS)

    def _rotate(self, grace_hours=None):
        """Give the key a new secret; the old one keeps working for the grace period."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "active":
            raise UserError(_("Only an active key can be rotated."))
        if grace_hours is None:
            grace_hours = self.env["mcp.server"]._settings()["rotation_grace_hours"]
        self.env.cr.execute(SQL("SELECT key_hash FROM mcp_api_key WHERE id = %s", self.id))
        current_hash = self.env.cr.fetchone()[0]
        secret = self._generate_secret()
        valid_until = fields.Datetime.now() + timedelta(hours=grace_hours) if grace_hours > 0 else False
        # Bookkeeping of the key's own secret columns, after the access check above.
        self.sudo().write({
            "previous_prefix": self.prefix if grace_hours > 0 else False,
            "previous_valid_until": valid_until,
            "prefix": secret[:PREFIX_LENGTH],
            "last_rotated": fields.Datetime.now(),
        })
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self._store_hash(hash_secret(secret), current_hash if grace_hours > 0 else None)
        if valid_until:
            body = _("Key rotated by %(user)s: new prefix %(prefix)s; the previous secret works until %(date)s (UTC).",
                     user=self.env.user.name, prefix=self.prefix, date=fields.Datetime.to_string(valid_until))
        else:
            body = _("Key rotated by %(user)s: new prefix %(prefix)s; the previous secret stopped working at once.",
                     user=self.env.user.name, prefix=self.prefix)
        self.sudo().message_post(body=body)
        return secret

    def action_revoke(self):
        """Revoke the keys for good: every later request with them is refused."""
        self.check_access("write")
        keys = self.filtered(lambda key: not key.revoked)
        keys.sudo().write({"revoked": True, "active": False, "previous_valid_until": False})
        for key in keys:
            key.sudo().message_post(body=_("Key revoked by %s: every later request with it is refused.",
                                           self.env.user.name))
        return True

    def action_rotate(self):
        self.ensure_one()
        wizard = self.env["mcp.key.wizard"].create({"key_id": self.id, "mode": "rotate", "name": self.name})
        return wizard._reopen()

    def action_connect(self):
        """The configuration of every client for this server (the key itself is shown only once, at creation)."""
        return self.env["mcp.connect.wizard"].action_open()

    # ------------------------------------------------------------------
    # Self-service rules (cache versions are bumped by ``mcp.cached.configuration``)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_mcp_admin():
            for vals in vals_list:
                self._check_self_service_values(vals)
        # The key's user follows it without an e-mail about it.
        return super(McpApiKey, self.with_context(mail_auto_subscribe_no_notify=True)).create(vals_list)

    def write(self, vals):
        if set(vals) & INTERNAL_FIELDS and not self.env.su:
            raise UserError(_("The key's secret data can only change through Rotate or Revoke."))
        if (vals.get("active") or ("revoked" in vals and not vals["revoked"])) and self.filtered("revoked"):
            raise UserError(_("A revoked key cannot be reactivated; generate a new key instead."))
        if not self._is_mcp_admin():
            self._check_user_write(vals)
        result = super().write(vals)
        if "user_id" in vals:
            # Record rules are checked before a write only: an MCP User must not point a key at another user.
            self.check_access("write")
        return result

    def _is_mcp_admin(self):
        return self.env.su or self.env.user.has_group("mcp_server.group_mcp_admin")

    def _check_self_service_values(self, vals):
        """What an MCP User may set on a key they create: a self-service profile, an expiry, nothing that
        widens or bounds the key otherwise (limits and network rules are an administrator's)."""
        if vals.get("owner_id", self.env.uid) != self.env.uid:
            raise AccessError(_("Only an MCP Administrator can create a key owned by someone else."))
        profile = self.env["mcp.access.profile"].browse(vals.get("profile_id") or [])
        if profile and not profile.sudo().self_service:
            raise AccessError(_(
                "The access profile '%s' is not self-service: only an MCP Administrator can give it to a key.",
                profile.sudo().display_name))
        if any(vals.get(name) for name in GOVERNED_FIELDS - {"profile_id", "user_id", "owner_id"}):
            raise AccessError(_("Only an MCP Administrator can set a key's rate limits and network rules."))
        if vals.get("payload_capture", "inherit") != "inherit":
            raise AccessError(_("Only an MCP Administrator can choose whether a key's payloads are logged."))

    def _check_user_write(self, vals):
        """An MCP User may rename their keys and set the expiry of keys with a self-service profile (as they
        could generate such a key anyway); on other keys they may only bring the expiry earlier. What bounds
        the key otherwise is an administrator's."""
        governed = sorted(set(vals) & (GOVERNED_FIELDS | {"rotation_days", "payload_capture"}))
        if governed:
            names = ", ".join(self._fields[name].get_description(self.env)["string"] for name in governed)
            raise AccessError(_("Only an MCP Administrator can change these settings of a key: %s.", names))
        if "expires_at" in vals:
            new_expiry = fields.Datetime.to_datetime(vals["expires_at"])
            # A key without a profile reaches nothing: only an administrator's profile makes the date matter.
            for key in self.filtered(lambda k: k.profile_id and not k.profile_id.sudo().self_service):
                if key.expires_at and (not new_expiry or new_expiry > key.expires_at):
                    raise AccessError(_(
                        "Only an MCP Administrator can extend or remove the expiry of key '%(key)s': its access "
                        "profile is not self-service. You may set an earlier date.", key=key.name))

    # ------------------------------------------------------------------
    # Authentication
    # ------------------------------------------------------------------
    @api.model
    def _candidates_by_prefix(self, prefix):
        """Key rows that may match a presented secret with this prefix (cached per worker with the keys'
        version: a key change applies to the next request; Odoo clears the cache when a user is archived)."""
        return self._candidates_cached(prefix, self.env["mcp.cache.version"]._current(KEYS))

    @api.model
    @tools.ormcache("prefix", "version")
    def _candidates_cached(self, prefix, version):
        self.flush_model()
        self.env.cr.execute(SQL(
            """SELECT k.id, k.user_id, k.profile_id, k.key_hash, k.previous_key_hash, k.prefix, k.previous_prefix,
                      k.previous_valid_until, k.expires_at, k.active, k.revoked, k.rate_limit_minute,
                      k.rate_limit_day, k.ip_allow, k.ip_deny, k.payload_capture, u.active AS user_active
                 FROM mcp_api_key k
                 JOIN res_users u ON u.id = k.user_id
                WHERE k.prefix = %s OR k.previous_prefix = %s""",
            prefix, prefix,
        ))
        rows = self.env.cr.dictfetchall()
        for row in rows:
            row["ip_allow"] = parse_networks(row["ip_allow"])
            row["ip_deny"] = parse_networks(row["ip_deny"])
        return tuple(rows)

    @api.model
    def _authenticate(self, secret):
        """Return ``(Credential, None)`` for a valid secret or ``(None, reason)``.

        Hashes are compared with :func:`odoo.tools.consteq`.
        """
        if not secret or not secret.startswith(KEY_MARKER) or len(secret) > 200:
            return None, "malformed key"
        digest = hash_secret(secret)
        now = fields.Datetime.now()
        prefix = secret[:PREFIX_LENGTH]
        for row in self._candidates_by_prefix(prefix):
            if row["prefix"] == prefix and row["key_hash"] and tools.consteq(row["key_hash"], digest):
                current = True
            elif (row["previous_prefix"] == prefix and row["previous_key_hash"]
                  and tools.consteq(row["previous_key_hash"], digest)):
                current = False
                if not row["previous_valid_until"] or row["previous_valid_until"] <= now:
                    return None, "rotated key past its grace period"
            else:
                continue
            if row["expires_at"] and row["expires_at"] <= now:
                return None, "expired key"
            if row["revoked"] or not row["active"]:
                return None, "revoked key"
            if not row["user_active"]:
                return None, "the key's user is archived"
            KEY_USE.record(self.env, row["id"])
            return Credential(
                kind="mcp_key", key_id=row["id"], user_id=row["user_id"], profile_id=row["profile_id"],
                current_secret=current, rate_limit_minute=row["rate_limit_minute"],
                rate_limit_day=row["rate_limit_day"], ip_allow=row["ip_allow"], ip_deny=row["ip_deny"],
                payload_capture=row["payload_capture"] if row["payload_capture"] != "inherit" else "",
            ), None
        return None, "unknown key"

    @api.model
    def _native_key_user(self, digest, token):
        """The user of an Odoo API key (scope rpc). Odoo checks these keys with a slow KDF: the answer
        is cached by the token's digest and checked again every minute (expiry), or at once on removal."""
        return self._native_key_user_cached(digest, int(time.time() // 60),
                                            self.env["mcp.cache.version"]._current(KEYS), token)

    @api.model
    @tools.ormcache("digest", "minute", "version")
    def _native_key_user_cached(self, digest, minute, version, token):
        return self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=token) or None


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def _remove(self):
        result = super()._remove()
        self.env["mcp.cache.version"]._bump(KEYS)
        return result
