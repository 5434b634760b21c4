import json
import socket
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.mcp_server.lib.outbound import GuardedHTTPSConnection, OutboundRefused
from odoo.tests import BaseCase, tagged

from ..lib import cimd_fetch
from ..lib.cimd_fetch import ClientMetadataError, fetch_client_metadata, is_public_address
from .common import REDIRECT_URI, OAuthCase, pkce_pair

CLIENT_URL = "https://app.example.com/oauth/client.json"
PUBLIC_ADDRESS = "93.184.216.34"


def resolver(address, real_getaddrinfo=socket.getaddrinfo):
    """A getaddrinfo that resolves the metadata document's host to ``address`` (the outside world,
    patched); other names (the test server) resolve as usual."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "app.example.com":
            return real_getaddrinfo(host, port, *args, **kwargs)
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


@tagged("post_install", "-at_install")
class TestClientMetadataDocuments(OAuthCase):
    def document(self, **overrides):
        document = {"client_id": CLIENT_URL, "client_name": "Metadata App", "redirect_uris": [REDIRECT_URI],
                    "grant_types": ["authorization_code", "refresh_token"], "token_endpoint_auth_method": "none",
                    "logo_uri": "https://app.example.com/logo.png", "client_uri": "https://app.example.com"}
        document.update(overrides)
        return json.dumps(document).encode()

    def authorize_with(self, client_id=CLIENT_URL, body=None, address=PUBLIC_ADDRESS):
        """GET /oauth/authorize with a URL client_id; DNS and the download are the patched outside world."""
        _verifier, challenge = pkce_pair()
        self.login()
        with patch.object(socket, "getaddrinfo", resolver(address)), \
                patch.object(cimd_fetch, "_download", return_value=body or self.document()) as download:
            response = self.authorize(self.authorize_params(client_id, challenge))
        return response, download

    def test_accepted_document(self):
        response, download = self.authorize_with()
        download.assert_called_once_with(CLIENT_URL)
        form = self.consent_form(response)
        self.assertIn("Metadata App", response.text)
        self.assertIn("app.example.com", response.text)
        client = self.client_record(CLIENT_URL)
        self.assertEqual((client.kind, client.state, client.token_endpoint_auth_method),
                         ("metadata", "approved", "none"))
        self.assertTrue(client.metadata_fetched_at)
        self.assertEqual(self.redirect_params(self.decide(form))["state"], "st-123")
        # Cached: the next request does not fetch it again.
        _response, download = self.authorize_with()
        download.assert_not_called()

    def test_stale_document_is_fetched_again(self):
        self.authorize_with()
        client = self.client_record(CLIENT_URL)
        client.metadata_fetched_at = fields.Datetime.now() - timedelta(days=2)
        _response, download = self.authorize_with(body=self.document(client_name="Renamed App"))
        download.assert_called_once_with(CLIENT_URL)
        self.assertEqual(client.name, "Renamed App")

    def test_client_endpoints_never_fetch(self):
        """The token endpoint is open to anyone: it never makes the server fetch a URL."""
        with patch.object(socket, "getaddrinfo", resolver(PUBLIC_ADDRESS)), \
                patch.object(cimd_fetch, "_download", return_value=self.document()) as download:
            response = self.exchange(CLIENT_URL, "mcpo_ac_unknown", pkce_pair()[0])
        self.assertEqual(response.json()["error"], "invalid_client")
        download.assert_not_called()

    def test_private_addresses_are_refused(self):
        for address in ("10.0.0.5", "127.0.0.1", "192.168.1.10", "169.254.169.254", "172.16.0.1", "::1",
                        "fd00::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1"):
            response, download = self.authorize_with(address=address)
            self.assertEqual(response.status_code, 400, address)
            self.assertIn("private or reserved address", response.text, address)
            download.assert_not_called()
        self.assertFalse(self.client_record(CLIENT_URL))

    def test_literal_and_local_hosts_are_refused(self):
        """No patching: these names resolve to loopback or are literal private addresses."""
        self.login()
        _verifier, challenge = pkce_pair()
        for url in ("https://127.0.0.1/client.json", "https://localhost/client.json", "https://[::1]/client.json",
                    "https://10.1.2.3/client.json"):
            response = self.authorize(self.authorize_params(url, challenge))
            self.assertEqual(response.status_code, 400, url)
            self.assertIn("private or reserved address", response.text, url)

    def test_invalid_documents(self):
        for body, fragment in (
                (self.document(client_id="https://other.example.com/client.json"), "client_id"),
                (self.document(redirect_uris=["https://evil.example/cb"]), "allowed redirect URIs"),
                (self.document(token_endpoint_auth_method="client_secret_basic"), "public client"),
                (b"[]", "not a JSON object"),
                (b"<html>", "not JSON")):
            response, _download = self.authorize_with(body=body)
            self.assertEqual(response.status_code, 400, fragment)
            self.assertIn(fragment, response.text)
        self.assertFalse(self.client_record(CLIENT_URL))

    def test_registration_modes(self):
        self.set_param("registration_mode", "approval")
        response, _download = self.authorize_with()
        self.assertIn("waiting for an administrator", response.text)
        self.assertEqual(self.client_record(CLIENT_URL).state, "pending")
        self.client_record(CLIENT_URL).unlink()
        self.set_param("registration_mode", "off")
        response, download = self.authorize_with()
        self.assertIn("does not accept new clients", response.text)
        download.assert_not_called()

    def test_http_client_id_is_not_a_metadata_document(self):
        response, download = self.authorize_with(client_id="http://app.example.com/client.json")
        self.assertIn("does not exist", response.text)
        download.assert_not_called()


@tagged("post_install", "-at_install")
class TestGuardedFetch(BaseCase):
    def test_url_rules(self):
        for url in ("http://app.example.com/c.json", "https://app.example.com", "https://app.example.com/",
                    "https://user:pw@app.example.com/c.json", "https://app.example.com/c.json#x", "ftp://x/y"):
            with self.assertRaises(ClientMetadataError, msg=url):
                fetch_client_metadata(url)

    def test_public_addresses(self):
        for address in ("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"):
            self.assertTrue(is_public_address(address), address)
        for address in ("10.0.0.1", "127.0.0.1", "::1", "169.254.1.1", "fe80::1%eth0", "::ffff:10.0.0.1",
                        "198.18.0.1", "240.0.0.1", "not an address"):
            self.assertFalse(is_public_address(address), address)

    def test_size_limit(self):
        class Response:
            status_code = 200

            def __enter__(self):
                return self

            def __exit__(self, *args):
                return False

            def iter_content(self, size):
                yield from [b"x" * 1024] * 20

        with patch("requests.Session.get", return_value=Response()), \
                self.assertRaisesRegex(ClientMetadataError, "exceeds"):
            cimd_fetch._download(CLIENT_URL)

    def test_connected_socket_is_checked(self):
        """DNS rebinding: even if resolution said public, a connection to a private peer is dropped."""
        connection = GuardedHTTPSConnection("app.example.com", 443)

        class Socket:
            closed = False

            def getpeername(self):
                return ("10.0.0.7", 443)

            def close(self):
                self.closed = True

        sock = Socket()
        with patch("urllib3.connection.HTTPSConnection._new_conn", return_value=sock), \
                self.assertRaisesRegex(OutboundRefused, "private or reserved"):
            connection._new_conn()
        self.assertTrue(sock.closed)
