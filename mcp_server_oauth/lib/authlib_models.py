"""authlib's model interfaces over the addon's records.

authlib asks its client, authorization-code and token objects questions through small mixins.
These adapters answer them from ``mcp.oauth.client``, ``mcp.oauth.code`` and ``mcp.oauth.token``
records, so the records themselves expose no public (RPC-callable) protocol methods.
"""
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin


class ClientAdapter(ClientMixin):
    def __init__(self, record):
        self.record = record

    def get_default_redirect_uri(self):
        # OAuth 2.1: the authorization request must name its redirect URI ("Missing 'redirect_uri'").
        return None

    def get_allowed_scope(self, scope):
        return self.record._allowed_scope(scope)

    def check_redirect_uri(self, redirect_uri):
        return self.record._check_redirect_uri(redirect_uri)

    def check_client_secret(self, client_secret):
        return self.record._check_secret(client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return self.record._check_auth_method(method)

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return self.record._allows_grant_type(grant_type)


class AuthorizationCodeAdapter(AuthorizationCodeMixin):
    def __init__(self, record):
        self.record = record

    def get_redirect_uri(self):
        return self.record.redirect_uri

    def get_scope(self):
        return self.record.scope

    @property
    def code_challenge(self):
        return self.record.code_challenge

    @property
    def code_challenge_method(self):
        return self.record.code_challenge_method


class TokenAdapter(TokenMixin):
    def __init__(self, record):
        self.record = record

    def check_client(self, client):
        return self.record.grant_id.client_id == client.record

    def get_scope(self):
        return self.record.scope
