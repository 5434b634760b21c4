"""Discovery documents: protected resource metadata (RFC 9728) and authorization server metadata (RFC 8414)."""
from odoo import api, models

from ..lib.urls import (
    AUTHORIZE_PATH,
    REGISTER_PATH,
    REVOKE_PATH,
    TOKEN_PATH,
    canonical_resource,
    endpoint,
    issuer,
    public_base_url,
)

CLIENT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"]


class McpOauthServer(models.AbstractModel):
    _inherit = "mcp.oauth.server"

    @api.model
    def _public_base_url(self, httprequest):
        """This server's public origin for ``httprequest``: from ``web.base.url`` and the allowed origins
        of the MCP settings, never from the request's Host alone (see :mod:`..lib.urls`)."""
        get = self.env["ir.config_parameter"].sudo().get_param
        allowed = (get("mcp_server.allowed_origins") or "").replace(",", " ").split()
        request_url = httprequest.host_url if httprequest else None
        return public_base_url(request_url, get("web.base.url") or "", [o for o in allowed if o != "*"])

    @api.model
    def _protected_resource_metadata(self, base_url, root=False):
        """What /mcp is and who issues tokens for it. The root document (RFC 9728 §3) describes the
        origin; the path-based one (``…/oauth-protected-resource/mcp``) the MCP endpoint itself."""
        return {
            "resource": issuer(base_url) if root else canonical_resource(base_url),
            "authorization_servers": [issuer(base_url)],
            "scopes_supported": self._scopes_supported(),
            "bearer_methods_supported": ["header"],
            "resource_name": "Odoo MCP server (%s)" % self.env.cr.dbname,
            "authorization_response_iss_parameter_supported": True,
        }

    @api.model
    def _authorization_server_metadata(self, base_url):
        open_to_clients = self._settings()["registration_mode"] != "off"
        metadata = {
            "issuer": issuer(base_url),
            "authorization_endpoint": endpoint(base_url, AUTHORIZE_PATH),
            "token_endpoint": endpoint(base_url, TOKEN_PATH),
            "revocation_endpoint": endpoint(base_url, REVOKE_PATH),
            "scopes_supported": self._scopes_supported(),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
            "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
            "client_id_metadata_document_supported": open_to_clients,
        }
        if open_to_clients:
            metadata["registration_endpoint"] = endpoint(base_url, REGISTER_PATH)
        return metadata
