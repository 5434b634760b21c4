"""The in-Odoo floor of the benchmark: Odoo's request machinery plus the ORM call, nothing else.

No authentication: the caller names the user (the benchmark passes the same user the MCP key acts as),
so the figure is the lowest an Odoo route doing this ORM call can reach. Never install it in production.
"""
import json

from odoo import http
from odoo.http import request


class BenchFloor(http.Controller):
    @http.route("/bench/search_read", type="http", auth="none", methods=["POST"], csrf=False, save_session=False)
    def search_read(self, **_kwargs):
        params = json.loads(request.httprequest.get_data() or b"{}")
        env = request.env(user=int(params["uid"]))
        records = env["res.partner"].search_read(
            params.get("domain", [["city", "=", "Paris"]]), params.get("fields", ["id", "name", "email"]),
            limit=params.get("limit", 80))
        return request.make_json_response(records)
