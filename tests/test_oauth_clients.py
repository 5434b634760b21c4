"""The OAuth flow of each common MCP client, as that client runs it, on a server with default settings.

Discovery from the 401 → dynamic registration with the client's own metadata → Odoo login and consent
in Chromium → the redirect to the client's real redirect URI carrying code, state and iss → the token
request with PKCE, resource and the client's authentication method → tools/list with the token.
"""
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from conftest import MCP_URL, ODOO_URL, TAG, RawClient
from oauth_helpers import answer_for_the_client, browser_page, oauth_user, pkce_pair  # noqa: F401 (fixture)
from servers import free_port

pytestmark = pytest.mark.anyio

GRANTS = ["authorization_code", "refresh_token"]
# What each client sends: its registration (RFC 7591), the redirect URI it uses, and the scope it asks for
# ("challenge": the scope of the 401 challenge; "supported": every scope of the metadata).
CLIENTS = {
    "claude.ai": {
        "registration": {"client_name": "Claude", "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"],
                         "grant_types": GRANTS, "response_types": ["code"],
                         "token_endpoint_auth_method": "client_secret_post"},
        "scope": "challenge",
    },
    "chatgpt-per-app": {
        "registration": {"client_name": "ChatGPT", "grant_types": GRANTS, "response_types": ["code"],
                         "redirect_uris": ["https://chatgpt.com/connector/oauth/%s" % secrets.token_urlsafe(12)],
                         "token_endpoint_auth_method": "none", "application_type": "web"},
        "scope": "supported",
    },
    "cursor": {
        "registration": {"client_name": "Cursor", "redirect_uris": ["cursor://anysphere.cursor-mcp/oauth/callback"],
                         "grant_types": GRANTS, "response_types": ["code"], "token_endpoint_auth_method": "none"},
        "scope": "challenge",
    },
    "vscode": {
        "registration": {"client_name": "Visual Studio Code", "grant_types": GRANTS, "response_types": ["code"],
                         "redirect_uris": ["http://127.0.0.1:33418", "https://vscode.dev/redirect"],
                         "token_endpoint_auth_method": "none", "application_type": "native"},
        "redirect_uri": "https://vscode.dev/redirect",
        "scope": "challenge",
    },
    "claude-code": {
        "registration": {"client_name": "Claude Code (odoo)", "grant_types": GRANTS, "response_types": ["code"],
                         "redirect_uris": ["http://localhost:%s/callback" % free_port()],
                         "token_endpoint_auth_method": "none"},
        "scope": "challenge",
    },
}


def discover():
    """What a client learns from an unauthenticated request: the challenge's scope, the protected resource
    metadata (RFC 9728) and the authorization server metadata (RFC 8414)."""
    unauthorized = httpx.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
                              headers={"Accept": "application/json, text/event-stream"}, timeout=60)
    assert unauthorized.status_code == 401
    challenge = unauthorized.headers["WWW-Authenticate"]
    resource = httpx.get(re.search(r'resource_metadata="([^"]+)"', challenge).group(1), timeout=60).json()
    assert resource["resource"] == MCP_URL
    issuer = resource["authorization_servers"][0]
    server = httpx.get(issuer + "/.well-known/oauth-authorization-server", timeout=60).json()
    assert server["issuer"] == issuer == ODOO_URL
    assert server["authorization_response_iss_parameter_supported"] is True
    assert resource["authorization_response_iss_parameter_supported"] is True
    return re.search(r'scope="([^"]+)"', challenge).group(1), resource, server


def token_request(server, client, data):
    """The token request, authenticated the way the client registered."""
    method = client["token_endpoint_auth_method"]
    data = dict(data, client_id=client["client_id"])
    auth = None
    if method == "client_secret_post":
        data["client_secret"] = client["client_secret"]
    elif method == "client_secret_basic":
        auth = (data.pop("client_id"), client["client_secret"])
    return httpx.post(server["token_endpoint"], data=data, auth=auth, timeout=60)


@pytest.mark.parametrize("shape", list(CLIENTS))
async def test_client_connects_with_default_settings(shape, oauth_user):
    spec = CLIENTS[shape]
    challenge_scope, resource, server = discover()
    registration = dict(spec["registration"], client_name="%s %s" % (spec["registration"]["client_name"], TAG))
    registered = httpx.post(server["registration_endpoint"], json=registration, timeout=60)
    assert registered.status_code == 201, registered.text
    client = registered.json()
    assert ("client_secret" in client) == (registration["token_endpoint_auth_method"] != "none")

    redirect_uri = spec.get("redirect_uri") or registration["redirect_uris"][0]
    scope = challenge_scope if spec["scope"] == "challenge" else " ".join(server["scopes_supported"])
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = server["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": client["client_id"], "redirect_uri": redirect_uri, "state": state,
        "code_challenge": challenge, "code_challenge_method": "S256", "scope": scope,
        "resource": resource["resource"]})
    async with browser_page() as page:
        location = await answer_for_the_client(page, url, oauth_user)
    assert location.startswith(redirect_uri + "?"), location
    answer = parse_qs(urlsplit(location).query)
    assert {key: len(values) for key, values in answer.items()} == {"code": 1, "state": 1, "iss": 1}
    assert answer["state"] == [state]
    assert answer["iss"] == [server["issuer"]]

    response = token_request(server, client, {
        "grant_type": "authorization_code", "code": answer["code"][0], "redirect_uri": redirect_uri,
        "code_verifier": verifier, "resource": resource["resource"]})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == set(scope.split())
    assert tokens["refresh_token"]

    mcp = RawClient(tokens["access_token"])
    try:
        initialized = mcp.initialize().json()["result"]
        assert oauth_user["name"] in initialized["instructions"]
        names = {tool["name"] for tool in mcp.request("tools/list")["tools"]}
        assert {"search_read", "create", "write"} <= names
    finally:
        mcp.close()
