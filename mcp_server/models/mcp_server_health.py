"""The health report of ``GET /mcp/health``, for load balancers and monitoring."""
import logging

import psycopg2

from odoo import api, models
from odoo.modules.module import get_manifest
from odoo.tools import SQL

from ..lib.redis_probe import RedisProbeError, probe

_logger = logging.getLogger(__name__)


class McpServer(models.AbstractModel):
    _inherit = "mcp.server"

    @api.model
    def _health(self):
        """``(HTTP status, report)``: 200 while the database answers, 503 when it does not.

        The report is ``{"status": "ok"|"degraded"|"down", "database": "ok"|"unreachable",
        "redis": "ok"|"not configured"|"error: <reason>"|"unknown", "version": <addon version>}``: no
        address, secret or count. Redis being down degrades the server (counters fall back to PostgreSQL)
        without stopping it. Reads only."""
        report = {"status": "ok", "database": "ok", "redis": "unknown",
                  "version": get_manifest("mcp_server").get("version")}
        try:
            self.env.cr.execute(SQL("SELECT 1"))
            redis_url = self._settings()["redis_url"]
        except psycopg2.Error as exc:
            _logger.warning("MCP health: the database does not answer: %s", exc)
            report.update(status="down", database="unreachable")
            return 503, report
        report["redis"] = self._health_redis(redis_url)
        if report["redis"].startswith("error"):
            report["status"] = "degraded"
        return 200, report

    @api.model
    def _health_redis(self, url):
        if not url:
            return "not configured"
        try:
            probe(url)
        except RedisProbeError as exc:
            return "error: %s" % exc.kind
        return "ok"
