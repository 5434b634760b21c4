"""Pure helpers: named periods, colour contrast, safe JSON in a script element, rich text sanitising."""
import datetime
import json

from odoo.addons.mcp_server.services.periods import (
    PERIODS,
    coarsest_granularity,
    period_range,
    previous_range,
    unit_starts,
)
from odoo.tests import BaseCase, tagged

from ..lib import colors
from ..lib.html import json_script, sanitize_body

D = datetime.date


@tagged("post_install", "-at_install")
class TestPeriods(BaseCase):
    today = D(2025, 5, 14)  # a Wednesday

    def test_ranges(self):
        expected = {
            "today": (D(2025, 5, 14), D(2025, 5, 14)),
            "yesterday": (D(2025, 5, 13), D(2025, 5, 13)),
            "last_7_days": (D(2025, 5, 8), D(2025, 5, 14)),
            "this_week": (D(2025, 5, 12), D(2025, 5, 18)),
            "last_week": (D(2025, 5, 5), D(2025, 5, 11)),
            "this_month": (D(2025, 5, 1), D(2025, 5, 31)),
            "last_month": (D(2025, 4, 1), D(2025, 4, 30)),
            "month_to_date": (D(2025, 5, 1), D(2025, 5, 14)),
            "this_quarter": (D(2025, 4, 1), D(2025, 6, 30)),
            "last_quarter": (D(2025, 1, 1), D(2025, 3, 31)),
            "this_year": (D(2025, 1, 1), D(2025, 12, 31)),
            "last_year": (D(2024, 1, 1), D(2024, 12, 31)),
            "year_to_date": (D(2025, 1, 1), D(2025, 5, 14)),
        }
        for name, day_range in expected.items():
            self.assertEqual(period_range(name, self.today), day_range, name)
        self.assertIsNone(period_range("all", self.today))
        for name in PERIODS:
            day_range = period_range(name, self.today)
            if day_range:
                self.assertLessEqual(day_range[0], day_range[1], name)

    def test_previous_ranges(self):
        self.assertEqual(previous_range("this_month", self.today), (D(2025, 4, 1), D(2025, 4, 30)))
        self.assertEqual(previous_range("last_30_days", self.today), (D(2025, 3, 16), D(2025, 4, 14)))
        self.assertEqual(previous_range("month_to_date", self.today), (D(2025, 4, 1), D(2025, 4, 14)))
        # A month-to-date on the 31st compares with at most the whole previous month.
        self.assertEqual(previous_range("month_to_date", D(2025, 3, 31)), (D(2025, 2, 1), D(2025, 2, 28)))
        self.assertEqual(previous_range("last_year", self.today), (D(2023, 1, 1), D(2023, 12, 31)))
        self.assertIsNone(previous_range("all", self.today))

    def test_bucket_granularity(self):
        """One grouped query answers two ranges when grouping by a unit both are aligned on."""
        months = [period_range("this_month", self.today), previous_range("this_month", self.today)]
        self.assertEqual(coarsest_granularity(months), "month")
        self.assertEqual(coarsest_granularity([period_range("this_year", self.today),
                                               previous_range("this_year", self.today)]), "year")
        self.assertEqual(coarsest_granularity([period_range("this_week", self.today),
                                               previous_range("this_week", self.today)]), "week")
        self.assertEqual(coarsest_granularity([period_range("last_30_days", self.today),
                                               previous_range("last_30_days", self.today)]), "day")
        self.assertEqual(unit_starts(D(2025, 1, 15), D(2025, 4, 2), "month"),
                         [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)])


@tagged("post_install", "-at_install")
class TestColorsAndHtml(BaseCase):

    def test_colors(self):
        self.assertEqual(colors.normalize("#ABC"), "#aabbcc")
        for bad in ("red", "#12345", "#1234567", "url(x)", "#ffffff;background:url(x)", None, 3):
            self.assertIsNone(colors.normalize(bad), bad)
        self.assertEqual(colors.text_on("#ffcc00"), "#000000")
        self.assertEqual(colors.text_on("#1f2937"), "#ffffff")
        # A pale accent is darkened until text of that colour is readable on white (WCAG AA 4.5:1).
        readable = colors.readable_on("#ffcc00", "#ffffff")
        self.assertGreaterEqual(colors.contrast(readable, "#ffffff"), 4.5)
        self.assertEqual(colors.readable_on("#000000", "#ffffff"), "#000000")
        self.assertEqual(colors.palette("#112233", None)[0], "#112233")

    def test_json_script_cannot_close_the_element(self):
        data = {"label": "</script><script>alert(1)</script><!--", "sep": "\u2028"}
        text = str(json_script(data))
        for needle in ("<", ">", "&", "\u2028"):
            self.assertNotIn(needle, text)
        self.assertEqual(json.loads(text), data)

    def test_sanitize_body(self):
        dirty = ('<p onclick="x()">Hi<script>alert(1)</script><img src="x" onerror="alert(2)">'
                 '<a href="javascript:alert(3)">link</a><iframe src="https://evil.example"></iframe>'
                 '<span style="background:url(javascript:alert(4))">s</span></p>')
        clean = str(sanitize_body(dirty))
        for needle in ("script", "onerror", "onclick", "javascript:", "iframe", "style="):
            self.assertNotIn(needle, clean)
        self.assertIn("Hi", clean)
        self.assertIn("link", clean)
