"""The official MCP SDK's OAuth client provider against the live server (the browser step driven by Playwright)."""
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from conftest import MCP_URL, TAG
from oauth_helpers import browser_page, callback, log_in_and_decide, oauth_user  # noqa: F401 (fixtures)

pytestmark = pytest.mark.anyio


class MemoryStorage:
    """The SDK's token storage, in memory."""

    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


async def test_sdk_oauth_flow_with_scope_step_up(oauth_user, callback):
    storage = MemoryStorage()
    consents = []
    async with browser_page() as page:

        async def redirect_handler(authorization_url):
            consents.append(await log_in_and_decide(page, authorization_url, oauth_user))

        async def callback_handler():
            answer = await callback.wait_async()
            return AuthorizationCodeResult(code=answer["code"], state=answer.get("state"), iss=answer.get("iss"))

        provider = OAuthClientProvider(
            server_url=MCP_URL,
            client_metadata=OAuthClientMetadata(
                client_name="E2E SDK client %s" % TAG, redirect_uris=[callback.url],
                grant_types=["authorization_code", "refresh_token"], response_types=["code"],
                token_endpoint_auth_method="none"),
            storage=storage, redirect_handler=redirect_handler, callback_handler=callback_handler)
        async with httpx2.AsyncClient(auth=provider, timeout=60) as http, \
                streamable_http_client(MCP_URL, http_client=http) as (read, write), \
                ClientSession(read, write) as session:
            initialized = await session.initialize()
            assert oauth_user["name"] in initialized.instructions
            # The SDK discovered the server, registered itself and asked the scopes of the 401 challenge.
            assert len(consents) == 1
            assert "mcp:read" in consents[0] and "mcp:write" in consents[0] and "mcp:admin" not in consents[0]
            names = {tool.name for tool in (await session.list_tools()).tools}
            assert {"search_read", "create"} <= names
            created = await session.call_tool("create", {"model": "res.partner", "values": {"name": "SDK %s" % TAG}})
            assert not created.is_error, created
            partner_id = created.structured_content["id"]
            # Deleting needs mcp:admin: the server answers 403 insufficient_scope, the SDK asks the user for
            # the larger scope (step-up) and retries the call in the same MCP session.
            deleted = await session.call_tool("unlink", {"model": "res.partner", "ids": [partner_id]})
            assert not deleted.is_error, deleted
            assert len(consents) == 2
            assert "mcp:admin" in consents[1]
            found = await session.call_tool("search_count", {"model": "res.partner",
                                                             "domain": [["id", "=", partner_id]]})
            assert found.structured_content["count"] == 0
    assert "mcp:admin" in storage.tokens.scope.split()
    assert storage.tokens.refresh_token.startswith("mcpo_rt_")
