from unittest.mock import patch

from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from odoo.tests import tagged
from odoo.tools import config

from .common import OAuthCase


@tagged("post_install", "-at_install")
class TestDiscovery(OAuthCase):
    def get_json(self, path, **headers):
        response = self.http.get(self.url(path), headers=headers, timeout=30)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        return response.json()

    def test_protected_resource_metadata(self):
        document = self.get_json("/.well-known/oauth-protected-resource/mcp")
        self.assertEqual(document["resource"], self.resource)
        self.assertEqual(document["authorization_servers"], [self.base_url()])
        self.assertEqual(document["scopes_supported"], ["mcp:read", "mcp:write", "mcp:admin"])
        self.assertEqual(document["bearer_methods_supported"], ["header"])
        self.assertIs(document["authorization_response_iss_parameter_supported"], True)
        # The root document describes the origin (RFC 9728 §3.3).
        root = self.get_json("/.well-known/oauth-protected-resource")
        self.assertEqual(root["resource"], self.base_url())
        self.assertEqual(root["authorization_servers"], [self.base_url()])

    def test_authorization_server_metadata(self):
        document = self.get_json("/.well-known/oauth-authorization-server")
        AuthorizationServerMetadata(document).validate()
        base = self.base_url()
        self.assertEqual(document["issuer"], base)
        self.assertEqual(document["authorization_endpoint"], base + "/oauth/authorize")
        self.assertEqual(document["token_endpoint"], base + "/oauth/token")
        self.assertEqual(document["revocation_endpoint"], base + "/oauth/revoke")
        self.assertEqual(document["registration_endpoint"], base + "/oauth/register")
        self.assertEqual(document["code_challenge_methods_supported"], ["S256"])
        self.assertEqual(document["response_types_supported"], ["code"])
        self.assertEqual(set(document["grant_types_supported"]),
                         {"authorization_code", "refresh_token", "client_credentials"})
        self.assertIn("none", document["token_endpoint_auth_methods_supported"])
        self.assertIs(document["client_id_metadata_document_supported"], True)
        self.assertEqual(document["scopes_supported"], ["mcp:read", "mcp:write", "mcp:admin"])
        self.assertIs(document["authorization_response_iss_parameter_supported"], True)  # RFC 9207
        # The OpenID discovery alias serves the same document.
        self.assertEqual(self.get_json("/.well-known/openid-configuration"), document)

    def test_registration_off_is_not_advertised(self):
        self.set_param("registration_mode", "off")
        document = self.get_json("/.well-known/oauth-authorization-server")
        self.assertNotIn("registration_endpoint", document)
        self.assertIs(document["client_id_metadata_document_supported"], False)

    def test_scopes_without_profile_are_not_offered(self):
        self.set_param("profile_admin_id", False)
        self.assertEqual(self.get_json("/.well-known/oauth-authorization-server")["scopes_supported"],
                         ["mcp:read", "mcp:write"])
        self.assertEqual(self.get_json("/.well-known/oauth-protected-resource/mcp")["scopes_supported"],
                         ["mcp:read", "mcp:write"])

    def test_preflight(self):
        response = self.http.options(self.url("/oauth/token"), headers={
            "Origin": "https://inspector.example", "Access-Control-Request-Method": "POST"}, timeout=30)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertIn("POST", response.headers["Access-Control-Allow-Methods"])

    def test_absolute_urls_behind_a_reverse_proxy(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://odoo.example.com")
        headers = {"X-Forwarded-Host": "odoo.example.com", "X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"}
        # /mcp answers only at the configured public URL, and its challenge names that URL.
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://odoo.example.com")
        with patch.dict(config.options, {"proxy_mode": True}):
            resource = self.get_json("/.well-known/oauth-protected-resource/mcp", **headers)
            server = self.get_json("/.well-known/oauth-authorization-server", **headers)
        self.assertEqual(resource["resource"], "https://odoo.example.com/mcp")
        self.assertEqual(resource["authorization_servers"], ["https://odoo.example.com"])
        self.assertEqual(server["issuer"], "https://odoo.example.com")
        self.assertEqual(server["token_endpoint"], "https://odoo.example.com/oauth/token")

    def test_urls_come_from_configuration_not_from_the_host(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("web.base.url", "https://erp.example.com")
        params.set_param("mcp_server.allowed_origins", "https://mcp.example.org")
        attacks = ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
        for headers in attacks:
            for path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
                response = self.http.get(self.url(path), headers=headers, timeout=30)
                self.assertEqual(response.json()["issuer"], "https://erp.example.com", headers)
                self.assertNotIn("evil", response.text)
                self.assertEqual(response.headers["Cache-Control"], "no-store")
            document = self.http.get(self.url("/.well-known/oauth-protected-resource/mcp"), headers=headers,
                                     timeout=30)
            self.assertEqual(document.json()["resource"], "https://erp.example.com/mcp")
            self.assertEqual(document.headers["Cache-Control"], "no-store")
        # X-Forwarded-Host counts only with --proxy-mode, and only for a configured public origin.
        forwarded = {"X-Forwarded-Host": "mcp.example.org", "X-Forwarded-Proto": "https"}
        self.assertEqual(self.get_json("/.well-known/oauth-authorization-server", **forwarded)["issuer"],
                         "https://erp.example.com")
        with patch.dict(config.options, {"proxy_mode": True}):
            self.assertEqual(self.get_json("/.well-known/oauth-authorization-server", **forwarded)["issuer"],
                             "https://mcp.example.org")
            self.assertEqual(self.get_json("/.well-known/oauth-authorization-server", **attacks[1])["issuer"],
                             "https://erp.example.com")

    def test_loopback_aliases_of_a_loopback_base_url(self):
        alias = self.base_url().replace("127.0.0.1", "localhost")
        document = self.get_json("/.well-known/oauth-authorization-server", Host=alias.split("//")[1])
        self.assertEqual(document["issuer"], alias)
        other_port = self.get_json("/.well-known/oauth-authorization-server", Host="localhost:1")
        self.assertEqual(other_port["issuer"], self.base_url())

    def test_mcp_401_challenge(self):
        response = self.http.post(self.resource, data="{}", headers={"Content-Type": "application/json"}, timeout=30)
        self.assertEqual(response.status_code, 401)
        challenge = response.headers["WWW-Authenticate"]
        self.assertTrue(challenge.startswith("Bearer "), challenge)
        self.assertIn('resource_metadata="%s/.well-known/oauth-protected-resource/mcp"' % self.base_url(), challenge)
        self.assertIn('scope="mcp:read mcp:write"', challenge)
        self.set_param("default_scope", "mcp:read")
        response = self.http.post(self.resource, data="{}", headers={"Content-Type": "application/json"}, timeout=30)
        self.assertIn('scope="mcp:read"', response.headers["WWW-Authenticate"])
