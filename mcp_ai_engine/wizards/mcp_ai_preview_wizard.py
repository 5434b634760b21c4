"""Preview a Generative AI action on one record: the rendered prompts, and on request the answer.

Nothing is written to the record; the call itself is logged like any other.
"""
from odoo import api, fields, models

from ..lib.prompt_template import PromptError
from ..models.mcp_ai_provider import ProviderFailure


class McpAiPreviewWizard(models.TransientModel):
    _name = "mcp.ai.preview.wizard"
    _description = "Generative AI Action Preview"

    action_id = fields.Many2one("ir.actions.server", string="Action", required=True, ondelete="cascade",
                                domain=[("state", "=", "ai_generate")])
    record_ref = fields.Reference(selection="_selection_target_model", string="Record",
                                  compute="_compute_record_ref", store=True, readonly=False)
    system_prompt = fields.Text(compute="_compute_prompts")
    prompt = fields.Text(compute="_compute_prompts")
    render_error = fields.Text(compute="_compute_prompts")
    answer = fields.Text(readonly=True)
    answer_error = fields.Text(readonly=True)
    tokens_in = fields.Integer(readonly=True)
    tokens_out = fields.Integer(readonly=True)
    latency_ms = fields.Integer(string="Latency (ms)", readonly=True)

    @api.model
    def _selection_target_model(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("action_id")
    def _compute_record_ref(self):
        for wizard in self:
            model = wizard.action_id.model_name
            if model and (not wizard.record_ref or wizard.record_ref._name != model):
                record = self.env[model].search([], limit=1)
                wizard.record_ref = "%s,%s" % (model, record.id) if record else False

    @api.depends("action_id", "record_ref")
    def _compute_prompts(self):
        for wizard in self:
            wizard.system_prompt = wizard.prompt = wizard.render_error = False
            if not wizard.action_id or not wizard.record_ref:
                continue
            try:
                wizard.system_prompt, wizard.prompt = wizard.action_id._ai_render(wizard.record_ref)
            except PromptError as exc:
                wizard.render_error = exc.args[0]

    def action_run(self):
        """Ask the model with the rendered prompts and show the answer here, without writing anything."""
        self.ensure_one()
        values = {"answer": False, "answer_error": False, "tokens_in": 0, "tokens_out": 0, "latency_ms": 0}
        if self.render_error or not self.prompt:
            values["answer_error"] = self.render_error or self.env._("Choose a record first.")
        else:
            try:
                generation, log = self.action_id.ai_provider_id._generate(
                    self.system_prompt, self.prompt, "preview", action=self.action_id, record=self.record_ref)
            except ProviderFailure as failure:
                values["answer_error"] = failure.message
            else:
                values.update(answer=generation.text, tokens_in=generation.tokens_in,
                              tokens_out=generation.tokens_out, latency_ms=log.latency_ms)
        self.write(values)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("Preview: %s", self.action_id.name)}
