from odoo import models
from odoo.http import request

from ..lib.credential_kind import OAUTH_KIND
from ..lib.token_secrets import OAUTH_MARKER
from ..lib.urls import canonical_resource


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _mcp_authenticate_token(cls, env, token):
        """OAuth access tokens (``mcpo_at_…``) are checked here, bound to the resource they were
        issued for: this server's ``/mcp`` at the public origin the request reached. Other tokens (MCP keys,
        Odoo API keys) go to the core."""
        if not token or not token.startswith(OAUTH_MARKER):
            return super()._mcp_authenticate_token(env, token)
        if not request:
            return None, "no request to check the OAuth token's audience against"
        resource = canonical_resource(env["mcp.oauth.server"]._public_base_url(request.httprequest))
        return env["mcp.oauth.token"].sudo()._authenticate_access(token, resource)

    @classmethod
    def _mcp_credential_active(cls, env, credential):
        """An OAuth connection acts only while its grant is active and its user is not archived."""
        if credential.kind == OAUTH_KIND:
            grant = env["mcp.oauth.grant"].sudo().browse(credential.grant_id).exists()
            return bool(grant) and grant.state == "active" and grant.user_id.active
        return super()._mcp_credential_active(env, credential)

    @classmethod
    def _mcp_current_profile_id(cls, env, credential):
        """An OAuth connection acts under the profile its application or Settings give its scopes now,
        as its next request would (approvals and background jobs are executed under it)."""
        if credential.kind == OAUTH_KIND:
            grant = env["mcp.oauth.grant"].sudo().browse(credential.grant_id).exists()
            if not grant:
                return None
            # Never more than the token that made the call carried (a refresh may narrow the scopes of a grant);
            # credentials recorded without scopes act with the grant's.
            scopes = tuple(scope for scope in grant.scope.split()
                           if not credential.scopes or scope in credential.scopes)
            profile = env["mcp.oauth.server"]._profile_for(grant.client_id.profile_id.id, scopes)
            return profile.id if profile else None
        return super()._mcp_current_profile_id(env, credential)
