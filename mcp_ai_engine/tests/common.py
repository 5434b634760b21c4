"""Shared base class of the mcp_ai_engine tests: a fake provider server, providers, users and helpers."""
import json

from odoo.addons.bus.models.bus import channel_with_db, json_dump
from odoo.tests import TransactionCase, new_test_user, tagged

from .fake_providers import FakeProviderServer

KINDS = ("openai", "openai_compatible", "anthropic", "gemini", "mistral")


@tagged("post_install", "-at_install")
class AiCase(TransactionCase):
    """Fixtures:

    * ``server``: a :class:`FakeProviderServer` on 127.0.0.1 (the real SDKs call it over HTTP);
    * ``providers``: one provider per kind pointing at it (timeout 1 s, 2 retries, 10 ms first wait);
      ``provider`` is the OpenAI one;
    * ``user``: an internal user who may edit contacts; ``partner``: a contact in the user's company.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeProviderServer(answer="Acme is a loyal customer.").start()
        cls.addClassCleanup(cls.server.stop)
        Provider = cls.env["mcp.ai.provider"]
        cls.providers = {}
        for kind in KINDS:
            base_url = cls.server.url + "/v1" if kind in ("openai", "openai_compatible") else cls.server.url
            cls.providers[kind] = Provider.create({
                "name": "Fake %s" % kind, "kind": kind, "base_url": base_url, "api_key": "sk-test-%s" % kind,
                "model": "model-%s" % kind, "timeout": 1, "max_retries": 2, "retry_delay": 0.01,
                "max_tokens": 200, "temperature": 0.3,
            })
        cls.provider = cls.providers["openai"]
        cls.user = new_test_user(cls.env, login="ai_user", name="Ada AI",
                                 groups="base.group_user,base.group_partner_manager", tz="Europe/Brussels")
        cls.partner = cls.env["res.partner"].create({
            "name": "Acme Corp", "email": "contact@acme.example", "is_company": True, "city": "Liège",
            "company_id": cls.user.company_id.id,
        })

    def setUp(self):
        super().setUp()
        self.server.script.clear()
        self.server.requests.clear()

    def make_action(self, **values):
        return self.env["ir.actions.server"].create(dict({
            "name": "Summarise the customer",
            "model_id": self.env["ir.model"]._get_id("res.partner"),
            "state": "ai_generate",
            "ai_provider_id": self.provider.id,
            "ai_system_prompt": "You are a careful assistant of {{ company.name }}.",
            "ai_prompt": "Summarise {{ record.name }} ({{ record.email }}) for {{ user.name }}.",
            "ai_output": "note",
        }, **values))

    def run_action(self, action, records, user=None):
        """Trigger ``action`` on ``records`` as a user clicking it would."""
        return action.with_user(user or self.user).with_context(
            active_model=records._name, active_id=records[:1].id, active_ids=records.ids).run()

    def notifications(self, user):
        """The mcp_web_notify payloads sent to ``user`` in this test (bus rows are made at commit time)."""
        self.env.cr.precommit.run()
        channel = json_dump(channel_with_db(self.env.cr.dbname, user.partner_id))
        messages = self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        return [json.loads(m.message)["payload"] for m in messages
                if json.loads(m.message)["type"] == "mcp_web_notify"]
