"""The partners the search_read benchmarks query."""

PARTNERS = 2000
CITIES = ["Paris", "Lyon", "Marseille", "Brussels", "Berlin", "Madrid", "Rome", "Lisbon", "Vienna", "Prague"]


def populate(odoo_side):
    """Create ``PARTNERS`` partners (every tenth in Paris) and an Odoo API key of the administrator.

    Answers ``(uid, login, api_key, partners in Paris)``.
    """
    values = [{
        "name": "Bench Partner %04d" % i,
        "email": "partner%04d@example.com" % i,
        "city": CITIES[i % len(CITIES)],
        "is_company": i % 5 == 0,
    } for i in range(PARTNERS)]
    with odoo_side.registry.cursor() as cr:
        env = odoo_side.env(cr)
        env["res.partner"].create(values)
        uid, login, api_key = odoo_side.admin_api_key(cr)
        paris = env["res.partner"].search_count([("city", "=", "Paris")])
        return uid, login, api_key, paris
