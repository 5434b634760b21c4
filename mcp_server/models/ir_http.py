import re

from odoo import api, models, tools
from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT
from odoo.tools import SQL

from ..lib.credential import Credential
from .mcp_api_key import KEY_MARKER, hash_secret
from .mcp_cache_version import KEYS

BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _mcp_bearer_token_from_headers(cls, headers):
        match = BEARER.match(headers.get("Authorization") or "")
        return match.group(1) if match else None

    @classmethod
    def _mcp_authenticate_token(cls, env, token):
        """Resolve a bearer token to an MCP credential.

        Returns ``(Credential, None)`` or ``(None, reason)`` (see ``lib/credential.py``). Addons
        accepting other tokens (OAuth) extend this method and register their kind.
        """
        if not token:
            return None, "missing bearer token"
        keys = env["mcp.api.key"].sudo()
        if token.startswith(KEY_MARKER):
            return keys._authenticate(token)
        profile_id = env["mcp.server"]._settings_cached()["native_key_profile_id"]
        if not profile_id:
            return None, "unknown key"
        digest = hash_secret(token)
        user_id = keys._native_key_user(digest, token)
        native_key_id = user_id and env["ir.http"]._mcp_native_key_id(
            digest, user_id, env["mcp.cache.version"]._current(KEYS), token)
        if not native_key_id:
            return None, "unknown key"
        # Each Odoo API key is a credential of its own: it shares no session, job, export or approval
        # with the user's other keys.
        return Credential(kind="odoo_apikey", user_id=user_id, profile_id=profile_id,
                          extra_ids={"native_key_id": native_key_id}), None

    @api.model
    @tools.ormcache("digest", "user_id", "version")
    def _mcp_native_key_id(self, digest, user_id, version, token):
        """The id of the user's Odoo API key ``token`` (already verified by Odoo), or None."""
        self.env.cr.execute(SQL("SELECT id, key FROM res_users_apikeys WHERE index = %s AND user_id = %s",
                                token[:INDEX_SIZE], user_id))
        rows = self.env.cr.fetchall()
        if len(rows) == 1:
            return rows[0][0]
        return next((key_id for key_id, hashed in rows if KEY_CRYPT_CONTEXT.verify(token, hashed)), None)

    @classmethod
    def _mcp_credential_active(cls, env, credential):
        """Whether a credential recorded earlier (approvals, background jobs) may still act.

        Addons with other credential kinds (OAuth grants) extend this method.
        """
        if credential.kind == "mcp_key":
            key = env["mcp.api.key"].sudo().with_context(active_test=False).browse(credential.key_id).exists()
            return bool(key) and key.state == "active" and key.user_id.active
        if credential.kind == "odoo_apikey":
            env.cr.execute(SQL(
                """SELECT 1 FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id
                    WHERE k.id = %s AND k.user_id = %s AND u.active
                      AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc')""",
                credential.native_key_id, credential.user_id))
            return bool(env.cr.fetchone())
        return True

    @classmethod
    def _mcp_current_profile_id(cls, env, credential):
        """The access profile a credential recorded earlier (approvals, background jobs) acts under now:
        a key's current profile, or the current profile of Odoo API keys, not the one recorded.

        Addons with other credential kinds (OAuth grants) extend this method.
        """
        if credential.kind == "mcp_key":
            key = env["mcp.api.key"].sudo().with_context(active_test=False).browse(credential.key_id).exists()
            return key.profile_id.id or None
        if credential.kind == "odoo_apikey":
            return env["mcp.server"]._settings()["native_key_profile_id"] or None
        return credential.profile_id
