"""Token revocation (RFC 7009) and dynamic client registration (RFC 7591), as authlib endpoints."""
from urllib.parse import quote

from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint, InvalidClientMetadataError, InvalidRedirectURIError

from .authlib_models import TokenAdapter
from .token_secrets import CLIENT_SECRET_MARKER, new_client_id, new_secret

# What a client may ask for when it registers itself (client credentials are for administrators to grant).
REGISTRATION_METADATA = {
    "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
    "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
}
DESCRIPTION_SAFE = " !#$%&'()*+,-./:;<=>?@[]^_`{|}~"
REGISTRATION_ERRORS = {
    "invalid_redirect_uri": InvalidRedirectURIError,
    "invalid_client_metadata": InvalidClientMetadataError,
}


class McpRevocationEndpoint(RevocationEndpoint):
    """Revoke an access token, or a refresh token together with its whole grant."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def query_token(self, token_string, token_type_hint):
        # The hint is optional (RFC 7009 §2.1); both kinds of token are found by their hash.
        record = self.server.env["mcp.oauth.token"]._find_by_secret(token_string)
        return record and TokenAdapter(record)

    def revoke_token(self, token, request):
        token.record._revoke_by_client()


class McpRegistrationEndpoint(ClientRegistrationEndpoint):
    """Open dynamic registration; the administrator's mode (open, needs approval, off) and
    redirect-URI allowlist are applied by ``mcp.oauth.client``."""

    def authenticate_token(self, request):
        # RFC 7591 open registration: no initial access token (the mode was checked before).
        return True

    def get_server_metadata(self):
        return REGISTRATION_METADATA

    def extract_client_metadata(self, request):
        metadata = super().extract_client_metadata(request)
        problem = self.server.env["mcp.oauth.client"]._registration_problem(
            dict(metadata, application_type=request.payload.data.get("application_type")))
        if problem:
            error, description = problem
            # An OAuth error description holds printable ASCII but no quote or backslash (RFC 6749 §5.2).
            raise REGISTRATION_ERRORS[error](quote(description, safe=DESCRIPTION_SAFE))
        if request.payload.data.get("application_type"):
            # OpenID Connect's claim, kept (authlib's RFC 7591 claims leave it out).
            metadata["application_type"] = request.payload.data["application_type"]
        request.mcp_client_metadata = metadata
        return metadata

    def generate_client_id(self, request):
        return new_client_id()

    def generate_client_secret(self, request):
        return new_secret(CLIENT_SECRET_MARKER)

    def generate_client_info(self, request):
        info = super().generate_client_info(request)
        if request.mcp_client_metadata.get("token_endpoint_auth_method") == "none":
            # A public client gets no secret.
            info.pop("client_secret")
            info.pop("client_secret_expires_at")
        return info

    def save_client(self, client_info, client_metadata, request):
        return self.server.env["mcp.oauth.client"]._register_dynamic(client_info, client_metadata)
