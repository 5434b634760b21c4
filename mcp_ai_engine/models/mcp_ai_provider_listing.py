"""Test Connection: list the models of a provider's API (kept for the model field), then try the chosen one."""
from odoo import _, api, fields, models

from ..lib.providers import base
from ..lib.retry import call_with_retries
from .mcp_ai_provider import ADAPTERS, TEST_PROMPT, ProviderFailure

STATES = [("needs_key", "Inactive: no API key"), ("ready", "Ready")]


class McpAiProviderListing(models.Model):
    _inherit = "mcp.ai.provider"

    state = fields.Selection(STATES, compute="_compute_state", store=True, compute_sudo=True,
                             help="A provider whose API needs a key is offered to Generative AI actions once an "
                                  "MCP administrator has set one.")
    available_model_ids = fields.One2many("mcp.ai.provider.model", "provider_id", string="Available Models",
                                          readonly=True)
    models_listed_at = fields.Datetime(string="Models Listed On", readonly=True, copy=False)
    model_choice_id = fields.Many2one(
        "mcp.ai.provider.model", string="Listed Model", compute="_compute_model_choice_id",
        inverse="_inverse_model_choice_id", domain="[('provider_id', '=', id)]",
        help="One of the models Test Connection listed; or type any model name below.")

    @api.depends("api_key", "kind")
    def _compute_state(self):
        for provider in self:
            adapter = ADAPTERS.get(provider.kind)
            needs_key = bool(adapter and adapter.requires_key and not provider.api_key)
            provider.state = "needs_key" if needs_key else "ready"

    @api.depends("model", "available_model_ids.name")
    def _compute_model_choice_id(self):
        for provider in self:
            listed = {model.name: model for model in provider.available_model_ids}
            provider.model_choice_id = listed.get(provider.model, False)

    def _inverse_model_choice_id(self):
        for provider in self.filtered("model_choice_id"):
            provider.model = provider.model_choice_id.name

    @api.onchange("model_choice_id")
    def _onchange_model_choice_id(self):
        if self.model_choice_id:
            self.model = self.model_choice_id.name

    def _list_models(self):
        """Ask the API which models the key may call and keep them (replacing the previous list); returns the
        :class:`~..lib.providers.base.ListedModel` list or raises :class:`ProviderFailure` (no log row)."""
        self.ensure_one()
        adapter = self._adapter()
        try:
            listed, _attempts = call_with_retries(lambda: adapter.list_models(self.timeout), self.max_retries,
                                                  self.retry_delay)
        except base.ProviderError as exc:
            message = _("%s listed no models. Check the base URL and the account.", self.name) \
                if exc.kind == base.EMPTY else self._failure_message(exc)
            raise ProviderFailure(message, exc.kind, self.env["mcp.ai.call.log"]) from exc
        self.sudo().write({
            "available_model_ids": [fields.Command.clear()] + [
                fields.Command.create({"name": model.name, "label": model.label}) for model in listed],
            "models_listed_at": fields.Datetime.now(),
        })
        return listed

    def action_test_connection(self):
        """List the provider's models (the model field then offers them), then send a tiny prompt to the
        chosen model; a notification says plainly what worked."""
        self.ensure_one()
        try:
            listed = self._list_models()
            generation, log = self._generate("", TEST_PROMPT, origin="test")
        except ProviderFailure as failure:
            return self._notification(_("Connection failed"), failure.message, "danger")
        names = {model.name for model in listed}
        message = _("%(count)s models available. %(model)s answered in %(ms)s ms: %(answer)s", count=len(listed),
                    model=self.model, ms=log.latency_ms, answer=generation.text[:200])
        if self.model not in names:
            return self._notification(_("Connection works"), message + " " + _(
                "%s is not among the models listed: choose one of them in the model field.", self.model), "warning")
        return self._notification(_("Connection works"), message, "success")

    @api.model
    def _notification(self, title, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind, "sticky": kind != "success",
                           # Close the action: the form reloads and shows the models just listed.
                           "next": {"type": "ir.actions.act_window_close"}}}
