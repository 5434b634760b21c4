"""Tool Catalog: every tool the registry serves, with its risk level, for administrators."""
import json

from odoo import api, fields, models
from odoo.tools import SQL

from .mcp_tool_registry import RISK_LEVELS

RISK_SELECTION = [(level, level.title()) for level in RISK_LEVELS]


class McpTool(models.Model):
    _name = "mcp.tool"
    _description = "MCP Tool"
    _order = "name"

    name = fields.Char(required=True, readonly=True, index=True)
    title = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    risk = fields.Selection(RISK_SELECTION, readonly=True, required=True, default="read")
    input_schema = fields.Text(readonly=True)
    output_schema = fields.Text(readonly=True)
    annotations = fields.Text(readonly=True)
    active = fields.Boolean(default=True, readonly=True, help="Archived when no installed addon serves the tool.")

    _sql_constraints = [("name_unique", "unique(name)", "Tool names are unique.")]

    def _register_hook(self):
        super()._register_hook()
        self._sync_catalog()

    @api.model
    def _sync_catalog(self):
        """Upsert one row per registered tool and archive the tools no addon serves any more."""
        catalog = self.env["mcp.tool.registry"]._catalog()
        for spec in catalog.values():
            described = spec.describe()
            self.env.cr.execute(SQL(
                """INSERT INTO mcp_tool (name, title, description, risk, input_schema, output_schema, annotations,
                                         active, create_date, write_date, create_uid, write_uid)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, true, (now() at time zone 'UTC'),
                           (now() at time zone 'UTC'), 1, 1)
                   ON CONFLICT (name) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
                       risk = EXCLUDED.risk, input_schema = EXCLUDED.input_schema,
                       output_schema = EXCLUDED.output_schema, annotations = EXCLUDED.annotations, active = true""",
                spec.name, spec.title, spec.description, spec.risk,
                json.dumps(described["inputSchema"], indent=2),
                json.dumps(described.get("outputSchema"), indent=2) if described.get("outputSchema") else None,
                json.dumps(described["annotations"], indent=2),
            ))
        self.env.cr.execute(SQL(
            "UPDATE mcp_tool SET active = false WHERE active AND name != ALL(%s)", list(catalog) or [""]))
        self.invalidate_model()

    def action_refresh_catalog(self):
        self._sync_catalog()
        return True

