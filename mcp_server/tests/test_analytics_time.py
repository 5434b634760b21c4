"""Figures in the user's time zone: range filters and buckets agree, totals are the sum of the buckets."""
import datetime

import pytz

from odoo import Command
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import SQL

from ..services.periods import day_range_domain, unit_start, unit_starts
from .common import McpCase


@tagged("post_install", "-at_install")
class TestAnalyticsTimeZone(McpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_ny = new_test_user(
            cls.env, login="mcp_user_ny", groups="base.group_user,base.group_partner_manager",
            name="Nora NY", company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)],
            tz="America/New_York")
        cls.key_ny, cls.secret_ny = cls._make_key("new york key", cls.user_ny, cls.profile_full)

    def partners_at(self, prefix, *moments):
        """Partners created at the given UTC moments (ISO strings); returns the domain that finds them."""
        for index, moment in enumerate(moments):
            partner = self.env["res.partner"].create({"name": "%s %s" % (prefix, index)})
            self.env.cr.execute(SQL("UPDATE res_partner SET create_date = %s WHERE id = %s",
                                    datetime.datetime.fromisoformat(moment), partner.id))
        self.env.invalidate_all()
        return [["name", "=like", "%s %%" % prefix]]

    def series(self, domain, granularity, date_from, date_to, **extra):
        return self.tool_ok(self.secret_ny, "timeseries", dict(extra, model="res.partner", domain=domain,
                                                               date_field="create_date", granularity=granularity,
                                                               date_from=date_from, date_to=date_to))

    def test_january_count_near_midnight_in_new_york(self):
        domain = self.partners_at("Jan", "2025-01-01T03:00:00", "2025-02-01T02:00:00", "2025-01-15T12:00:00")
        january = self.series(domain, "month", "2025-01-01", "2025-01-31")
        self.assertEqual(january["series"], [{"period": "2025-01-01", "value": 2}])
        self.assertEqual((january["total"], january["timezone"]), (2, "America/New_York"))
        # The day before: the record of 03:00 UTC on 1 January is on 31 December in New York.
        december = self.series(domain, "day", "2024-12-31", "2025-01-01")
        self.assertEqual([p["value"] for p in december["series"]], [1, 0])
        # aggregate buckets the same way, and says in which time zone.
        groups = self.tool_ok(self.secret_ny, "aggregate", {"model": "res.partner", "domain": domain,
                                                            "groupby": ["create_date:month"]})
        self.assertEqual({g["create_date:month"]: g["__count"] for g in groups["groups"]},
                         {"2024-12-01": 1, "2025-01-01": 2})
        self.assertEqual(groups["timezone"], "America/New_York")
        compared = self.tool_ok(self.secret_ny, "compare_periods", {
            "model": "res.partner", "domain": domain, "date_field": "create_date",
            "period_a": {"from": "2024-12-01", "to": "2024-12-31"}, "period_b": {"from": "2025-01-01",
                                                                                 "to": "2025-01-31"}})
        self.assertEqual(compared["rows"][0]["__count"], {"a": 1, "b": 2, "delta": 1, "delta_pct": 100.0})
        # A time zone chosen for the call wins over the user's.
        utc = self.series(domain, "month", "2025-01-01", "2025-01-31", context={"tz": "UTC"})
        self.assertEqual((utc["total"], utc["timezone"]), (2, "UTC"))
        self.assertEqual(self.series(domain, "day", "2025-01-01", "2025-01-01", context={"tz": "UTC"})["total"], 1)

    def test_days_across_the_spring_dst_change(self):
        # New York moves from EST (UTC-5) to EDT (UTC-4) at 2025-03-09 02:00 local time.
        domain = self.partners_at("Dst", "2025-03-09T04:30:00", "2025-03-09T05:30:00", "2025-03-10T03:30:00",
                                  "2025-03-10T04:30:00")
        days = self.series(domain, "day", "2025-03-08", "2025-03-10")
        self.assertEqual([(p["period"], p["value"]) for p in days["series"]],
                         [("2025-03-08", 1), ("2025-03-09", 2), ("2025-03-10", 1)])
        self.assertEqual(days["total"], 4)
        self.assertEqual(self.series(domain, "day", "2025-03-09", "2025-03-09")["total"], 2)

    def test_weeks_start_on_the_language_first_day_and_nothing_is_dropped(self):
        domain = self.partners_at("Wk", "2025-03-09T04:30:00", "2025-03-09T05:30:00", "2025-03-10T03:30:00")
        # en_US weeks start on Sunday, as Odoo's own grouping does: 8 March (Saturday) is in the week of 2 March.
        weeks = self.series(domain, "week", "2025-03-03", "2025-03-16")
        self.assertEqual([(p["period"], p["value"]) for p in weeks["series"]],
                         [("2025-03-02", 1), ("2025-03-09", 2), ("2025-03-16", 0)])
        self.assertEqual(weeks["total"], sum(p["value"] for p in weeks["series"]))
        self.env.ref("base.lang_en").week_start = "1"
        weeks = self.series(domain, "week", "2025-03-03", "2025-03-16")
        self.assertEqual([(p["period"], p["value"]) for p in weeks["series"]], [("2025-03-03", 3), ("2025-03-10", 0)])

    def test_cohort_states_the_time_zone(self):
        domain = self.partners_at("Coh", "2025-01-01T03:00:00")
        cohort = self.tool_ok(self.secret_ny, "cohort", {"model": "res.partner", "domain": domain,
                                                         "entity_field": "id", "date_field": "create_date"})
        self.assertEqual(cohort["timezone"], "America/New_York")
        self.assertEqual(cohort["cohorts"][0]["cohort"], "2024-12-01")

    def test_company_dependent_values_follow_the_chosen_company(self):
        both = [Command.set((self.company_a | self.company_b).ids)]
        user = new_test_user(self.env, login="mcp_user_ab", groups="base.group_user,base.group_partner_manager",
                             company_id=self.company_a.id, company_ids=both)
        _key, secret = self._make_key("two companies", user, self.profile_full)
        partner = self.env["res.partner"].create({"name": "Shared Supplier"})
        for company, barcode in ((self.company_a, "A-100"), (self.company_b, "B-200")):
            self.tool_ok(secret, "write", {"model": "res.partner", "ids": [partner.id], "values": {"barcode": barcode},
                                           "context": {"company_id": company.id}})
        self.env.invalidate_all()
        self.assertEqual(partner.with_company(self.company_a).barcode, "A-100")
        self.assertEqual(partner.with_company(self.company_b).barcode, "B-200")
        for company, barcode in ((self.company_a, "A-100"), (self.company_b, "B-200")):
            row = self.tool_ok(secret, "read", {"model": "res.partner", "ids": [partner.id], "fields": ["barcode"],
                                                "context": {"company_id": company.id}})["records"][0]
            self.assertEqual(row["barcode"], barcode)
        self.tool_error(self.secret_full, "read", {"model": "res.partner", "ids": [partner.id],
                                                   "context": {"company_id": self.company_b.id}}, "not among")


@tagged("post_install", "-at_install")
class TestPeriodHelpers(BaseCase):

    def test_units_and_ranges(self):
        day = datetime.date(2025, 3, 8)  # a Saturday
        self.assertEqual(unit_start(day, "week"), datetime.date(2025, 3, 3))
        self.assertEqual(unit_start(day, "week", 6), datetime.date(2025, 3, 2))  # weeks from Sunday
        self.assertEqual(unit_start(datetime.date(2025, 3, 9), "week", 6), datetime.date(2025, 3, 9))
        self.assertEqual(unit_start(day, "quarter"), datetime.date(2025, 1, 1))
        self.assertEqual(unit_starts(datetime.date(2025, 1, 31), datetime.date(2025, 3, 1), "month"),
                         [datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)])

        class Field:
            type, name = "datetime", "create_date"
        ny = pytz.timezone("America/New_York")
        self.assertEqual(day_range_domain(Field, datetime.date(2025, 3, 9), datetime.date(2025, 3, 9), ny), [
            ("create_date", ">=", datetime.datetime(2025, 3, 9, 5)),
            ("create_date", "<", datetime.datetime(2025, 3, 10, 4))])  # a 23-hour day
