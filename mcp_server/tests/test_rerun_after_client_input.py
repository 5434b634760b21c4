"""A legacy request waiting on its stream for the client's answer (minutes at most) is run again with the
credential as it is then: a key revoked meanwhile runs nothing, a key moved to another profile runs under it."""
from odoo.tests import tagged

from ..lib.call_context import CallContext
from ..lib.credential import Credential
from .common import McpCase


@tagged("post_install", "-at_install")
class TestRerunAfterClientInput(McpCase):

    def run_again(self, key, profile, name):
        """Run a ``create`` as the stream does once the client answered, with the credential the request
        authenticated earlier (``profile``: the key's profile then)."""
        credential = Credential(kind="mcp_key", user_id=key.user_id.id, key_id=key.id, profile_id=profile.id)
        server = self.env["mcp.server"]
        call = CallContext(credential, None, settings=server._settings())
        call.request_id = 7
        params = {"name": "create", "arguments": {"model": "res.partner", "values": {"name": name}}}
        return server._run_again(self.registry, key.user_id.id, {}, call, "tools/call", params, False)

    def partners(self, name):
        return self.env["res.partner"].search_count([("name", "=", name)])

    def test_a_key_revoked_while_waiting_runs_nothing(self):
        response = self.run_again(self.key_full, self.profile_full, "Rerun while active")
        self.assertFalse(response["result"]["isError"])
        self.assertEqual(self.partners("Rerun while active"), 1)
        audit_start = self.last_audit_id()
        self.key_full.action_revoke()
        self.env.flush_all()  # committed, as the revocation would be by the time the client answers
        response = self.run_again(self.key_full, self.profile_full, "Rerun after revocation")
        self.assertEqual(response["error"]["code"], -32600)
        self.assertIn("revoked", response["error"]["message"])
        self.assertEqual(self.partners("Rerun after revocation"), 0)
        row = self.audit_rows(audit_start, key_id=self.key_full.id)
        self.assertEqual((row.status, row.error), ("denied", "credential no longer active"))

    def test_a_key_moved_to_a_narrower_profile_runs_under_it(self):
        self.key_full.profile_id = self.profile_read  # read only: no create
        self.env.flush_all()
        response = self.run_again(self.key_full, self.profile_full, "Rerun after narrowing")
        self.assertTrue(response["result"]["isError"])
        self.assertEqual(self.partners("Rerun after narrowing"), 0)
