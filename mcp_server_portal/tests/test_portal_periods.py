"""Page periods count the same records as the analytics tools: days in the owner's time zone, weeks from the
language's first day, nothing in range dropped."""
import datetime

import pytz

from odoo.addons.mcp_server.services.periods import coarsest_granularity, period_range, previous_range
from odoo.tests import tagged
from odoo.tools import SQL

from .common import PortalCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestPortalPeriods(PortalCase):

    def at_local(self, name, day, hour, minute, tz):
        """A partner created at ``day hour:minute`` in ``tz``."""
        partner = self.env["res.partner"].create({"name": name})
        moment = tz.localize(datetime.datetime.combine(day, datetime.time(hour, minute))).astimezone(pytz.UTC)
        self.env.cr.execute(SQL("UPDATE res_partner SET create_date = %s WHERE id = %s",
                                moment.replace(tzinfo=None), partner.id))

    def kpi(self, period):
        result = self.create_page(title="Week %s" % period, sections=[{
            "type": "kpi", "title": "New", "model": "res.partner", "date_field": "create_date", "period": period,
            "compare": True, "domain": [["name", "=like", "Wk %"]]}])
        self.env.invalidate_all()
        return self.env["mcp.portal.evaluator"]._evaluate(self.page(result), {})["sections"][0]

    def test_this_week_starts_on_the_language_first_day(self):
        tz = pytz.timezone(self.user_a.tz)  # Europe/Brussels; en_US weeks start on Sunday
        today = datetime.datetime.now(tz).date()
        sunday = period_range("this_week", today, 6)[0]
        self.assertEqual(sunday.weekday(), 6)
        self.at_local("Wk monday", sunday + datetime.timedelta(days=1), 0, 30, tz)  # this week
        self.at_local("Wk saturday", sunday - datetime.timedelta(days=1), 23, 30, tz)  # the week before
        self.at_local("Wk sunday", sunday, 0, 10, tz)  # this week, 10 minutes in
        kpi = self.kpi("this_week")
        self.assertEqual((kpi["value"], kpi["previous"]), (2, 1), kpi)

    def test_named_periods_with_sunday_weeks(self):
        wednesday = D(2025, 4, 16)
        self.assertEqual(period_range("this_week", wednesday, 6), (D(2025, 4, 13), D(2025, 4, 19)))
        self.assertEqual(previous_range("this_week", wednesday, 6), (D(2025, 4, 6), D(2025, 4, 12)))
        weeks = [period_range("this_week", wednesday, 6), previous_range("this_week", wednesday, 6)]
        self.assertEqual(coarsest_granularity(weeks, 6), "week")
        # Monday weeks are not whole Sunday weeks: one query per day then, never a misplaced bucket.
        self.assertEqual(coarsest_granularity([period_range("this_week", wednesday)], 6), "day")
