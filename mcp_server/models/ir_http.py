import re

import werkzeug.exceptions

from odoo import models
from odoo.http import request

from .mcp_api_key import KEY_MARKER, hash_secret

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

        Returns ``(credential, None)`` or ``(None, reason)``. A credential is a dict
        with at least ``kind``, ``user_id`` and ``profile_id``. Addons accepting
        other tokens (OAuth) extend this method.
        """
        if not token:
            return None, "missing bearer token"
        keys = env["mcp.api.key"].sudo()
        if token.startswith(KEY_MARKER):
            return keys._authenticate(token)
        profile_id = int(env["ir.config_parameter"].sudo().get_param("mcp_server.native_key_profile_id") or 0)
        if not profile_id:
            return None, "unknown key"
        user_id = keys._native_key_user(hash_secret(token), token)
        if not user_id:
            return None, "unknown key"
        return {"kind": "odoo_apikey", "key_id": None, "user_id": user_id, "profile_id": profile_id}, None

    @classmethod
    def _mcp_credential_active(cls, env, credential):
        """Whether a credential recorded earlier (approvals, background jobs) may still act.

        Addons with other credential kinds (OAuth grants) extend this method.
        """
        if credential.get("kind") == "mcp_key":
            key = env["mcp.api.key"].sudo().with_context(active_test=False).browse(credential.get("key_id")).exists()
            return bool(key) and key.state == "active" and key.user_id.active
        return True

    @classmethod
    def _auth_method_mcp(cls):
        """Route authentication ``auth='mcp'``: an MCP bearer credential is required."""
        token = cls._mcp_bearer_token_from_headers(request.httprequest.headers)
        credential, _reason = cls._mcp_authenticate_token(request.env, token)
        if not credential:
            raise werkzeug.exceptions.Unauthorized(
                "Invalid MCP credential", www_authenticate=werkzeug.datastructures.WWWAuthenticate("bearer"))
        request.update_env(user=credential["user_id"])
        request.mcp_credential = credential
