"""The outbound guard's address rules (``lib/outbound.py``): what counts as a public address."""
from odoo.tests import BaseCase, tagged

from ..lib.outbound import OutboundRefused, check_url, is_public_address


@tagged("post_install", "-at_install")
class TestOutboundAddresses(BaseCase):
    def test_private_addresses_in_every_spelling_are_refused(self):
        for address in ("127.0.0.1", "10.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::",
                        "fd00::1", "fe80::1%eth0", "::ffff:127.0.0.1", "::ffff:7f00:1", "::127.0.0.1",
                        "64:ff9b:1::a00:1",
                        # 6to4 and Teredo addresses carry an IPv4 address a tunnel would reach
                        "2002:7f00:1::1", "2002:a00:1::", "2001:0:a00:1:0:0:f5ff:fffe"):
            self.assertFalse(is_public_address(address), address)
        for address in ("8.8.8.8", "2606:4700::1111", "2002:808:808::1"):
            self.assertTrue(is_public_address(address), address)

    def test_urls_naming_private_hosts_are_refused(self):
        for url in ("https://2130706433/", "https://0177.0.0.1/", "https://0x7f.1/", "https://127.1/",
                    "https://[::ffff:127.0.0.1]/", "https://[2002:7f00:1::1]/", "https://u:p@example.com/",
                    "https://example.com:99999/", "ftp://example.com/", "https://example.com/#frag"):
            with self.assertRaises(OutboundRefused, msg=url):
                check_url(url)
