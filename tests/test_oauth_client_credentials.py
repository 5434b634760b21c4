"""A server-to-server client (authlib's OAuth 2 client) obtains tokens with the client credentials grant."""
import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client

from conftest import MCP_URL, PROTOCOL_VERSION, TAG, RawClient
from oauth_helpers import TOKEN_URL, oauth_user  # noqa: F401 (oauth_user: a fixture)
from servers import odoo_rpc


@pytest.fixture(scope="module")
def server_client(oauth_user):
    """A shared client made with the administrator's wizard: acts as ``oauth_user`` under the read profile."""
    profile_id = odoo_rpc("ir.model.data", "check_object_reference", "mcp_server_oauth", "profile_oauth_read")[1]
    wizard_id = odoo_rpc("mcp.oauth.client.wizard", "create", {
        "name": "E2E nightly sync %s" % TAG, "platform": "server", "user_id": oauth_user["id"],
        "profile_id": profile_id})
    odoo_rpc("mcp.oauth.client.wizard", "action_generate", [wizard_id])
    return odoo_rpc("mcp.oauth.client.wizard", "read", [wizard_id], ["client_id", "client_secret"])[0]


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_client_credentials(server_client, oauth_user, auth_method):
    with OAuth2Client(server_client["client_id"], server_client["client_secret"], scope="mcp:read",
                      token_endpoint_auth_method=auth_method, timeout=60) as client:
        token = client.fetch_token(TOKEN_URL, grant_type="client_credentials", resource=MCP_URL)
        assert token["token_type"] == "Bearer"
        assert token["scope"] == "mcp:read"
        assert token["expires_in"] == 3600
        assert "refresh_token" not in token
        # The authlib client sends the token itself.
        response = client.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": {"name": "sync", "version": "1"}}},
            headers={"Accept": "application/json, text/event-stream"})
        assert response.status_code == 200, response.text
        assert oauth_user["name"] in response.json()["result"]["instructions"]
    mcp = RawClient(token["access_token"])
    try:
        mcp.initialize()
        names = {tool["name"] for tool in mcp.request("tools/list")["tools"]}
        assert "search_read" in names and "create" not in names
        me = mcp.ok("read", model="res.partner", ids=[oauth_user["partner_id"]], fields=["name"])
        assert me["records"][0]["name"] == oauth_user["name"]
        # The read scope does not reach write tools: 403 insufficient_scope.
        response = mcp.post({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {
            "name": "write", "arguments": {"model": "res.partner", "ids": [oauth_user["partner_id"]],
                                           "values": {"name": "Changed"}}}})
        assert response.status_code == 403
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    finally:
        mcp.close()


def test_client_credentials_refused(server_client):
    with OAuth2Client(server_client["client_id"], "mcpo_cs_wrong", timeout=60) as client, \
            pytest.raises(OAuthError) as error:
        client.fetch_token(TOKEN_URL, grant_type="client_credentials")
    assert error.value.error == "invalid_client"
    with OAuth2Client(server_client["client_id"], server_client["client_secret"], timeout=60) as client, \
            pytest.raises(OAuthError) as error:
        client.fetch_token(TOKEN_URL, grant_type="client_credentials", resource="https://elsewhere.example/mcp")
    assert error.value.error == "invalid_target"
