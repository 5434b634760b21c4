"""authlib's authorization server, integrated with Odoo's (werkzeug) requests and environment.

authlib implements the protocol (grants, PKCE, client authentication, error responses); this
module supplies what authlib leaves to a framework integration: how to read a request, how to
answer, where clients live and where tokens are stored. One instance serves one HTTP request.
"""
from collections import defaultdict

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749 import AuthorizationServer, JsonPayload, JsonRequest, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError, OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenGenerator

from .authlib_endpoints import McpRegistrationEndpoint, McpRevocationEndpoint
from .authlib_grants import (
    McpAuthorizationCodeGrant,
    McpClientCredentialsGrant,
    McpRefreshTokenGrant,
    S256CodeChallenge,
)
from .authlib_models import ClientAdapter
from .reply import OAuthReply
from .scopes import format_scope
from .token_secrets import ACCESS_MARKER, REFRESH_MARKER, new_secret
from .urls import canonical_resource, issuer, resource_matches


class InvalidTargetError(OAuth2Error):
    """RFC 8707: the requested resource is not one this server issues tokens for."""

    error = "invalid_target"


class WerkzeugPayload(OAuth2Payload):
    def __init__(self, params):
        self._params = params

    @property
    def data(self):
        return self._params

    @property
    def datalist(self):
        values = defaultdict(list)
        for key in self._params:
            values[key].extend(self._params.getlist(key))
        return values


class OdooOAuth2Request(OAuth2Request):
    """An OAuth request read from ``params`` (the query string of the authorization request, the
    form of the consent page or of the token endpoint). ``uri`` is the proxy-aware URL."""

    def __init__(self, httprequest, uri, params):
        super().__init__(httprequest.method, uri, headers=httprequest.headers)
        self._params = params
        self.payload = WerkzeugPayload(params)
        # Set by bind_request: what the token will be bound to.
        self.mcp_scope = None
        self.mcp_resource = None
        self.mcp_profile = None
        # Set by save_token.
        self.mcp_grant = None

    @property
    def args(self):
        return self._params

    @property
    def form(self):
        return self._params


class StaticJsonPayload(JsonPayload):
    def __init__(self, data):
        self._data = data

    @property
    def data(self):
        return self._data


class OdooJsonRequest(JsonRequest):
    def __init__(self, httprequest, uri, data):
        super().__init__(httprequest.method, uri, httprequest.headers)
        self.payload = StaticJsonPayload(data)
        self.mcp_client_metadata = None


class OdooAuthorizationServer(AuthorizationServer):
    def __init__(self, env, base_url, access_seconds, fetch_metadata=False):
        super().__init__()
        self.env = env
        self.base_url = base_url
        self.access_seconds = access_seconds
        # Whether an unknown https client_id may be fetched as a Client ID Metadata Document.
        self.fetch_metadata = fetch_metadata
        # Filled by authlib's signals, for the audit.
        self.authenticated_client = None
        self.register_token_generator("default", BearerTokenGenerator(
            self._new_access_token, self._new_refresh_token, self._expires_in))
        self.register_grant(McpAuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(McpRefreshTokenGrant)
        self.register_grant(McpClientCredentialsGrant)
        self.register_endpoint(McpRevocationEndpoint)
        self.register_endpoint(McpRegistrationEndpoint(self))

    # -- framework integration ------------------------------------------------
    def create_oauth2_request(self, request):
        return request

    def create_json_request(self, request):
        return request

    def handle_response(self, status_code, payload, headers):
        """Every redirect this server answers is an authorization response going back to the client
        (success or error): it names this issuer (RFC 9207), so the client can tell which server answered."""
        if status_code == 302:
            headers = [(name, add_params_to_uri(value, [("iss", issuer(self.base_url))])
                        if name.lower() == "location" else value) for name, value in headers]
        return OAuthReply(status_code, payload, headers)

    def send_signal(self, name, *args, **kwargs):
        if name == "after_authenticate_client":
            self.authenticated_client = kwargs["client"].record

    # -- storage --------------------------------------------------------------
    def query_client(self, client_id):
        record = self.env["mcp.oauth.client"]._for_oauth(client_id, fetch_metadata=self.fetch_metadata)
        return ClientAdapter(record) if record else None

    def save_token(self, token, request):
        grants = self.env["mcp.oauth.grant"]
        grant_type = request.payload.grant_type
        if grant_type == "authorization_code":
            grant = grants._from_code(request.authorization_code.record)
        elif grant_type == "refresh_token":
            grant = request.refresh_token.record.grant_id
        else:
            grant = grants._for_client_credentials(
                request.client.record, request.mcp_scope, request.mcp_resource, request.mcp_profile)
        self.env["mcp.oauth.token"]._store(grant, token)
        request.mcp_grant = grant

    # -- tokens ---------------------------------------------------------------
    @staticmethod
    def _new_access_token(**_kwargs):
        return new_secret(ACCESS_MARKER)

    @staticmethod
    def _new_refresh_token(**_kwargs):
        return new_secret(REFRESH_MARKER)

    def _expires_in(self, client, grant_type):
        return self.access_seconds

    # -- scope, resource and access profile -------------------------------------
    def bind_request(self, request):
        """Decide what a token issued for this request will carry: the MCP scopes granted (the
        requested ones this client may have, or the default ones), this server's resource, and the
        access profile of the highest scope (or the client's own profile)."""
        client = request.client.record
        scopes = client._granted_scopes(request.payload.scope)
        if not scopes:
            raise InvalidScopeError("None of the requested scopes is available to this client.")
        self.check_resource_parameter(request)
        profile = client._profile_for_scopes(scopes)
        if not profile:
            raise InvalidScopeError("The administrator has not chosen an access profile for these scopes.")
        request.mcp_scope = format_scope(scopes)
        request.mcp_resource = canonical_resource(self.base_url)
        request.mcp_profile = profile

    def check_resource_parameter(self, request):
        """RFC 8707: a ``resource`` parameter, when given, must name this server's MCP endpoint."""
        resources = request.payload.datalist.get("resource", [])
        if len(resources) > 1 or (resources and not resource_matches(self.base_url, resources[0])):
            raise InvalidTargetError("This server issues tokens for %s only." % canonical_resource(self.base_url))
