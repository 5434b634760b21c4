"""Prompt templates: what they can read, how it is formatted, and everything they cannot reach."""
from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..lib.prompt_template import PromptError
from .common import AiCase

ESCAPES = [
    "{{ record.env }}",
    "{{ record.env.cr }}",
    "{{ record._cr }}",
    "{{ record._record }}",
    "{{ record._record.env }}",
    "{{ record.sudo }}",
    "{{ record.write }}",
    "{{ record.read }}",
    "{{ user.sudo }}",
    "{{ user._record.sudo() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ record.name.__class__ }}",
    "{{ record.name.raw.__class__ }}",
    "{{ record.name.__init__.__globals__ }}",
    "{{ format_date.__globals__ }}",
    "{{ format_date.__code__ }}",
    "{{ timedelta.__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ ''.format.__self__ }}",
    "{{ '{0.__class__}'.format(record) }}",
    "{{ record.category_id.append(1) }}",
    "{% for tag in record.category_id %}{{ tag.__class__ }}{% endfor %}",
    "{{ 'x' * 100000000 }}",
    "{{ [1] * 100000000 }}",
    "{{ 10 ** 100000 }}",
    "{{ range(100000000) | list }}",
    "{{ undefined_name }}",
    "{{ record.no_such_field }}",
]


@tagged("post_install", "-at_install")
class TestPromptSandbox(AiCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["res.partner.category"].create({"name": "Key account"})
        cls.country = cls.env.ref("base.be")
        cls.partner.write({
            "country_id": cls.country.id, "category_id": [Command.set(cls.tag.ids)], "type": "invoice",
            "comment": "<p>Prefers <b>email</b>.</p>", "partner_latitude": 50.6326,
        })
        cls.partner.activity_schedule(summary="Call back", date_deadline=fields.Date.to_date("2024-03-05"),
                                      user_id=cls.user.id)
        cls.contact = cls.env["res.partner"].create({"name": "Bea Buyer", "parent_id": cls.partner.id})
        cls.user.lang = "en_US"

    def render(self, template, user=None, record=None):
        action = self.make_action(ai_prompt=template, ai_system_prompt=False)
        record = (record or self.partner).with_user(user or self.user)
        return action._ai_render(record)[1]

    def test_fields_read_as_people_read_them(self):
        text = self.render(
            "{{ record.name }} | {{ record.country_id.name }} | {{ record.country_id.code }} | {{ record.type }} | "
            "{{ record.comment }} | {{ record.activity_ids[0].date_deadline }} | {{ record.is_company }} | "
            "{% for tag in record.category_id %}{{ tag.name }}{% endfor %} | "
            "{{ record.child_ids | map(attribute='name') | join(', ') }} | {{ record.parent_id }} | "
            "{{ record.partner_latitude }} | {{ record['city'] }} | {{ record.id }}")
        self.assertEqual(text, "Acme Corp | Belgium | BE | Invoice Address | Prefers *email*. | 03/05/2024 | True | "
                               "Key account | Bea Buyer |  | 50.6326000 | Liège | %s" % self.partner.id)

    def test_raw_values_and_conditions(self):
        text = self.render(
            "{% if record.email %}mail{% endif %}{% if not record.website %} no-site{% endif %}"
            "{% if record.partner_latitude.raw > 50 %} north{% endif %} "
            "{{ record.activity_ids[0].date_deadline.raw.year }}")
        self.assertEqual(text, "mail no-site north 2024")

    def test_user_company_and_helpers(self):
        text = self.render(
            "{% set deadline = record.activity_ids[0].date_deadline %}"
            "{{ user.name }} of {{ company.name }}; {{ format_date(deadline, 'dd MMM y') }}; "
            "{{ format_amount(1234.5, 'EUR') }}; {{ format_number(3.14159, 3) }}; "
            "{{ format_date(deadline.raw + timedelta(days=30)) }}; {{ html_to_text(record.comment) }}; "
            "{{ format_datetime('2024-03-05 12:00:00') }}")
        self.assertEqual(text, "Ada AI of %s; 05 Mar 2024; 1,234.50\xa0€; 3.142; 04/04/2024; Prefers *email*.; "
                               "03/05/2024 13:00:00" % self.user.company_id.name)

    def test_today_is_the_users(self):
        self.assertEqual(self.render("{{ today.raw.isoformat() }}"),
                         fields.Date.context_today(self.partner.with_context(tz="Europe/Brussels")).isoformat())

    def test_escapes_are_refused(self):
        for template in ESCAPES:
            with self.subTest(template=template), self.assertRaises(PromptError) as caught:
                self.render(template)
            self.assertNotIn("Traceback", caught.exception.args[0])

    def test_access_rights_of_the_triggering_user(self):
        # A field restricted to other groups (the provider's key is for MCP administrators).
        with self.assertRaisesRegex(PromptError, "may not read the field api_key"):
            self.render("{{ record.api_key }}", record=self.provider)
        admin = new_test_user(self.env, login="ai_admin", groups="base.group_user,mcp_server.group_mcp_admin")
        self.assertEqual(self.render("{{ record.api_key }}", user=admin, record=self.provider), "sk-test-openai")
        # A record the user may not read (another company's contact).
        other_company = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        secret = self.env["res.partner"].create({"name": "Hidden Partner", "company_id": other_company.id})
        self.partner.parent_id = secret
        with self.assertRaisesRegex(PromptError, "You may not read"):
            self.render("{{ record.parent_id.name }}")
        # Files stay out of prompts.
        with self.assertRaisesRegex(PromptError, "holds a file"):
            self.render("{{ record.image_128 }}")

    def test_template_errors_are_plain(self):
        # A syntax error is refused when the action is saved, naming the prompt and the line.
        with self.assertRaisesRegex(ValidationError, r"Prompt: the template has a syntax error on line 2"):
            self.render("Hello\n{% if %}")
        with self.assertRaisesRegex(ValidationError, r"System prompt: the template has a syntax error on line 1"):
            self.make_action(ai_prompt="Fine", ai_system_prompt="{{ record.name ")
        with self.assertRaisesRegex(PromptError, "division by zero"):
            self.render("{{ 1 / 0 }}")
        with self.assertRaisesRegex(PromptError, "has no field no_such_field"):
            self.render("{{ record.no_such_field }}")
        with self.assertRaisesRegex(PromptError, "over the limit"):
            self.render("{% for i in range(30000) %}{{ record.name }}{% endfor %}")
