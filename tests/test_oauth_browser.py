"""OAuth 2.1 with a real browser: discovery → registration → authorize → Odoo login → consent → token → /mcp."""
import re
import secrets

import httpx
import pytest

from conftest import MCP_URL, ODOO_URL, RawClient, max_audit_id
from oauth_helpers import (  # noqa: F401 (callback, oauth_user: fixtures)
    TOKEN_URL,
    authorize_url,
    browser_page,
    callback,
    exchange_code,
    log_in_and_decide,
    oauth_user,
    pkce_pair,
    register_client,
)

pytestmark = pytest.mark.anyio


async def test_discovery_registration_login_consent_token_and_tools(oauth_user, callback, db):
    # 1. Discovery, as a client that only knows the /mcp URL.
    unauthorized = httpx.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
                              headers={"Accept": "application/json, text/event-stream"}, timeout=60)
    assert unauthorized.status_code == 401
    challenge = unauthorized.headers["WWW-Authenticate"]
    metadata_url = re.search(r'resource_metadata="([^"]+)"', challenge).group(1)
    scope = re.search(r'scope="([^"]+)"', challenge).group(1)
    assert metadata_url == ODOO_URL + "/.well-known/oauth-protected-resource/mcp"
    assert scope == "mcp:read mcp:write"
    resource = httpx.get(metadata_url, timeout=60).json()
    assert resource["resource"] == MCP_URL
    issuer = resource["authorization_servers"][0]
    server = httpx.get(issuer + "/.well-known/oauth-authorization-server", timeout=60).json()
    assert server["issuer"] == issuer == ODOO_URL
    assert server["code_challenge_methods_supported"] == ["S256"]

    # 2. Dynamic client registration.
    client = register_client(callback.url, name="E2E browser client")
    assert "client_secret" not in client

    # 3. The user's browser: Odoo login, then the consent page.
    verifier, code_challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = authorize_url(client["client_id"], callback.url, code_challenge, state, scope=scope)
    assert url.startswith(server["authorization_endpoint"])
    async with browser_page() as page:
        consent = await log_in_and_decide(page, url, oauth_user)
        redirect = await callback.wait_async()
    assert consent, "the consent page was not shown"
    assert "E2E browser client" in consent
    assert oauth_user["login"] in consent
    assert "mcp:read" in consent and "mcp:write" in consent and "mcp:admin" not in consent
    assert "Connected apps: read and write" in consent  # the profile of mcp:write
    assert redirect["state"] == state
    assert redirect["code"].startswith("mcpo_ac_")

    # 4. Token endpoint.
    response = exchange_code(client["client_id"], redirect["code"], verifier, callback.url)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == "mcp:read mcp:write"

    # 5. /mcp as that user.
    after = max_audit_id(db)
    mcp = RawClient(tokens["access_token"])
    try:
        initialized = mcp.initialize().json()["result"]
        assert oauth_user["name"] in initialized["instructions"]
        names = {tool["name"] for tool in mcp.request("tools/list")["tools"]}
        assert {"search_read", "create", "write"} <= names
        assert "unlink" not in names
        me = mcp.ok("search_read", model="res.partner", domain=[["id", "=", oauth_user["partner_id"]]],
                    fields=["name"])
        assert me["records"][0]["name"] == oauth_user["name"]
    finally:
        mcp.close()
    with db.cursor() as cr:
        cr.execute("""SELECT count(*), count(DISTINCT oauth_grant_id) FROM mcp_audit_log
                       WHERE id > %s AND user_id = %s AND method = 'tools/call' AND oauth_grant_id IS NOT NULL""",
                   [after, oauth_user["id"]])
        assert cr.fetchone() == (1, 1)
        cr.execute("SELECT count(*) FROM mcp_audit_log WHERE error LIKE %s", ["%mcpo_%"])
        assert cr.fetchone()[0] == 0


async def test_deny_and_remembered_consent(oauth_user, callback):
    client = register_client(callback.url, name="E2E deny client")
    verifier, challenge = pkce_pair()
    async with browser_page() as page:
        await log_in_and_decide(page, authorize_url(client["client_id"], callback.url, challenge, "s1"), oauth_user,
                                decision="deny")
        denied = await callback.wait_async()
        assert denied["error"] == "access_denied"
        assert denied["state"] == "s1"
        assert "code" not in denied
        # Allowed once, the same request is answered without asking again.
        assert await log_in_and_decide(page, authorize_url(client["client_id"], callback.url, challenge, "s2"),
                                       oauth_user)
        first = await callback.wait_async()
        assert exchange_code(client["client_id"], first["code"], verifier, callback.url).status_code == 200
        assert await log_in_and_decide(page, authorize_url(client["client_id"], callback.url, challenge, "s3"),
                                       oauth_user) is None
        assert "code" in await callback.wait_async()


async def test_redirect_uri_mismatch_shows_an_error_page(oauth_user, callback):
    client = register_client(callback.url, name="E2E mismatch client")
    _verifier, challenge = pkce_pair()
    async with browser_page() as page:
        for redirect_uri in ("https://attacker.example/callback", callback.url + "/../steal",
                             callback.url.replace("127.0.0.1", "127.0.0.1.attacker.example")):
            await log_in_and_decide(page, authorize_url(client["client_id"], redirect_uri, challenge, "s"), oauth_user)
            assert page.url.startswith(ODOO_URL + "/oauth/authorize")
            assert "not supported by client" in await page.inner_text(".o_mcp_oauth_error")
    assert callback.callbacks.empty()


async def test_pkce_plain_and_missing_are_refused(oauth_user, callback):
    client = register_client(callback.url, name="E2E PKCE client")
    async with browser_page() as page:
        for extra in ({"code_challenge": "p" * 50, "code_challenge_method": "plain"},
                      {"code_challenge": None, "code_challenge_method": None}):
            url = authorize_url(client["client_id"], callback.url, "unused", "s", **extra)
            assert await log_in_and_decide(page, url, oauth_user) is None
            answer = await callback.wait_async()
            assert (answer["error"], answer["state"]) == ("invalid_request", "s")
            assert "code" not in answer


async def test_code_and_refresh_token_reuse_revoke_the_connection(oauth_user, callback):
    client = register_client(callback.url, name="E2E reuse client")
    verifier, challenge = pkce_pair()
    async with browser_page() as page:
        await log_in_and_decide(page, authorize_url(client["client_id"], callback.url, challenge, "s"), oauth_user)
        code = (await callback.wait_async())["code"]
    assert exchange_code(client["client_id"], code, pkce_pair()[0], callback.url).json()["error"] == "invalid_grant"
    tokens = exchange_code(client["client_id"], code, verifier, callback.url).json()
    again = exchange_code(client["client_id"], code, verifier, callback.url)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    # The reused code revoked the tokens issued from it.
    assert _ping(tokens["access_token"]).status_code == 401

    async with browser_page() as page:
        await log_in_and_decide(page, authorize_url(client["client_id"], callback.url, challenge, "s"), oauth_user)
        code = (await callback.wait_async())["code"]
    first = exchange_code(client["client_id"], code, verifier, callback.url).json()
    refresh = {"grant_type": "refresh_token", "client_id": client["client_id"]}
    second = httpx.post(TOKEN_URL, data=dict(refresh, refresh_token=first["refresh_token"]), timeout=60).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _ping(second["access_token"]).status_code == 200
    replay = httpx.post(TOKEN_URL, data=dict(refresh, refresh_token=first["refresh_token"]), timeout=60)
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    assert _ping(second["access_token"]).status_code == 401
    after = httpx.post(TOKEN_URL, data=dict(refresh, refresh_token=second["refresh_token"]), timeout=60)
    assert after.status_code == 400


def _ping(access_token):
    return httpx.post(MCP_URL, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=60, headers={
        "Authorization": "Bearer %s" % access_token, "Accept": "application/json, text/event-stream"})
