import re

import werkzeug.exceptions

from odoo import models
from odoo.http import request

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
        return env["mcp.api.key"].sudo()._authenticate(token)

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
