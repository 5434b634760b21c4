"""The OAuth 2.1 grants this server supports, as authlib grant classes.

* authorization code with PKCE, which is required for every client and S256 only;
* refresh token with rotation: every refresh answers with a new refresh token, and presenting a
  refresh token that was already used revokes the whole grant (RFC 9700 §4.14.2);
* client credentials, for server-to-server clients an administrator bound to a user.

Each grant binds the request to a scope, this server's MCP resource (RFC 8707) and the access
profile that will apply (see :meth:`OdooAuthorizationServer.bind_request`).
"""
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, ClientCredentialsGrant, RefreshTokenGrant
from authlib.oauth2.rfc7636 import CodeChallenge

from .authlib_models import AuthorizationCodeAdapter, TokenAdapter
from .token_secrets import CODE_MARKER, new_secret

PUBLIC_OR_CONFIDENTIAL = ["client_secret_basic", "client_secret_post", "none"]


class S256CodeChallenge(CodeChallenge):
    """PKCE as OAuth 2.1 wants it: required for every client, ``S256`` only (``plain`` is refused)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class McpAuthorizationCodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_OR_CONFIDENTIAL

    def validate_requested_scope(self):
        self.server.bind_request(self.request)

    def validate_token_request(self):
        super().validate_token_request()
        self.server.check_resource_parameter(self.request)

    def generate_authorization_code(self):
        return new_secret(CODE_MARKER)

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.server.env["mcp.oauth.code"]._store(code, {
            "client_id": request.client.record.id,
            "user_id": request.user.id,
            "redirect_uri": request.payload.redirect_uri,
            "scope": request.mcp_scope,
            "resource": request.mcp_resource,
            "profile_id": request.mcp_profile.id,
            "code_challenge": data.get("code_challenge"),
            "code_challenge_method": data.get("code_challenge_method"),
        })

    def query_authorization_code(self, code, client):
        record = self.server.env["mcp.oauth.code"]._claim(code, client.record)
        return record and AuthorizationCodeAdapter(record)

    def delete_authorization_code(self, authorization_code):
        authorization_code.record._mark_used()

    def authenticate_user(self, authorization_code):
        user = authorization_code.record.user_id
        return user if user.active else None


class McpRefreshTokenGrant(RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_OR_CONFIDENTIAL
    INCLUDE_NEW_REFRESH_TOKEN = True

    def validate_token_request(self):
        super().validate_token_request()
        self.server.check_resource_parameter(self.request)

    def authenticate_refresh_token(self, refresh_token):
        record = self.server.env["mcp.oauth.token"]._claim_refresh(refresh_token)
        return record and TokenAdapter(record)

    def authenticate_user(self, refresh_token):
        user = refresh_token.record.grant_id.user_id
        return user if user.active else None

    def revoke_old_credential(self, refresh_token):
        refresh_token.record._mark_used()


class McpClientCredentialsGrant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self):
        self.server.bind_request(self.request)

    def generate_token(self, user=None, scope=None, **kwargs):
        # The scope bound by validate_requested_scope: the requested one, or the default one.
        return super().generate_token(user=user, scope=self.request.mcp_scope, **kwargs)
