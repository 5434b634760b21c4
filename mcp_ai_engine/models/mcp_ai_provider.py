"""Generative AI providers: where prompts go, with which model and settings, and the secret to get in."""
import time

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import providers
from ..lib.providers import base
from ..lib.retry import call_with_retries

KINDS = [
    ("openai", "OpenAI"),
    ("anthropic", "Anthropic"),
    ("gemini", "Google Gemini"),
    ("mistral", "Mistral"),
    ("openai_compatible", "OpenAI-compatible server (Ollama, vLLM, LM Studio...)"),
]
ADAPTERS = {
    "openai": providers.OpenAIAdapter,
    "anthropic": providers.AnthropicAdapter,
    "gemini": providers.GeminiAdapter,
    "mistral": providers.MistralAdapter,
    "openai_compatible": providers.OpenAICompatibleAdapter,
}
DEFAULT_MODELS = {
    "openai": "gpt-4.1-mini",
    "anthropic": "claude-sonnet-4-5",
    "gemini": "gemini-2.5-flash",
    "mistral": "mistral-large-latest",
    "openai_compatible": "llama3.2",
}
TEST_PROMPT = "Reply with the single word OK."


class ProviderFailure(Exception):
    """A call that failed for good (after retries), with a message for people."""

    def __init__(self, message, status, log):
        super().__init__(message)
        self.message = message
        self.status = status
        self.log = log


class McpAiProvider(models.Model):
    _name = "mcp.ai.provider"
    _description = "Generative AI Provider"
    _order = "sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(KINDS, string="Provider", required=True, default="openai")
    base_url = fields.Char(
        string="Base URL",
        help="Leave empty for the provider's public API. For a local server, e.g. http://localhost:11434/v1 "
             "(Ollama), http://localhost:8000/v1 (vLLM) or http://localhost:1234/v1 (LM Studio).")
    api_key = fields.Char(string="API Key", groups="mcp_server.group_mcp_admin", copy=False,
                          help="Readable only by MCP administrators. Local servers usually need none.")
    has_api_key = fields.Boolean(compute="_compute_has_api_key", string="Key Set")
    model = fields.Char(required=True, default=DEFAULT_MODELS["openai"],
                        help="Model name as the provider spells it, e.g. gpt-4.1-mini, claude-sonnet-4-5, "
                             "gemini-2.5-flash, mistral-large-latest, llama3.2.")
    temperature = fields.Float(default=0.2, digits=(3, 2), help="0 for focused answers, higher for varied ones.")
    max_tokens = fields.Integer(string="Max Answer Tokens", default=1024)
    timeout = fields.Integer(string="Timeout (s)", default=60, help="How long to wait for one answer.")
    max_retries = fields.Integer(default=2, help="Retries after a rate limit (429) or a server error (5xx).")
    retry_delay = fields.Float(string="First Retry After (s)", default=2.0, digits=(6, 2),
                               help="Wait before the first retry; each further retry waits twice as long "
                                    "(or what the provider asks, up to 30 seconds).")
    base_url_placeholder = fields.Char(compute="_compute_base_url_placeholder")

    @api.depends("api_key")
    def _compute_has_api_key(self):
        for provider, secret in zip(self, self.sudo(), strict=True):
            provider.has_api_key = bool(secret.api_key)

    @api.depends("kind")
    def _compute_base_url_placeholder(self):
        for provider in self:
            adapter = ADAPTERS.get(provider.kind)
            # An OpenAI-compatible server has no public default: its URL is asked for, not shown as a default.
            default = adapter.default_base_url if adapter and provider.kind != "openai_compatible" else False
            provider.base_url_placeholder = default

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind and (not self.model or self.model in DEFAULT_MODELS.values()):
            self.model = DEFAULT_MODELS[self.kind]
        if self.kind == "openai_compatible" and not self.base_url:
            self.base_url = ADAPTERS[self.kind].default_base_url

    @api.constrains("kind", "base_url", "temperature", "max_tokens", "timeout", "max_retries", "retry_delay")
    def _check_settings(self):
        for provider in self:
            if provider.kind == "openai_compatible" and not provider.base_url:
                raise ValidationError(_("An OpenAI-compatible provider needs the base URL of its server."))
            if provider.base_url and not provider.base_url.startswith(("http://", "https://")):
                raise ValidationError(_("The base URL must start with http:// or https://."))
            if not 0 <= provider.temperature <= 2:
                raise ValidationError(_("The temperature must be between 0 and 2."))
            if provider.max_tokens < 1 or provider.timeout < 1:
                raise ValidationError(_("Max answer tokens and the timeout must be positive."))
            if not 0 <= provider.max_retries <= 10 or provider.retry_delay < 0:
                raise ValidationError(_("Retries must be between 0 and 10, and the retry delay positive."))

    # ------------------------------------------------------------------
    # Calls
    # ------------------------------------------------------------------
    def _adapter(self):
        """The adapter of this provider's kind, holding the secret (read narrowly with sudo)."""
        self.ensure_one()
        secret = self.sudo()
        return ADAPTERS[self.kind](secret.api_key, self.base_url)

    def _generate(self, system, prompt, origin, action=None, record=None, user=None):
        """Ask the model; log the call; return ``(generation, log)`` or raise :class:`ProviderFailure`."""
        self.ensure_one()
        adapter = self._adapter()
        started = time.monotonic()
        log_values = {
            "origin": origin, "provider_id": self.id, "model": self.model,
            "action_id": action.id if action else False,
            "res_model": record._name if record else False, "res_id": record.id if record else False,
            "user_id": (user or self.env.user).id, "prompt": prompt, "system_prompt": system,
        }
        try:
            generation, attempts = call_with_retries(
                lambda: adapter.generate(system, prompt, self.model, self.temperature, self.max_tokens,
                                         self.timeout),
                self.max_retries, self.retry_delay)
        except base.ProviderError as exc:
            message = self._failure_message(exc)
            log = self.env["mcp.ai.call.log"]._record(dict(
                log_values, status=exc.kind, error=message, attempts=exc.attempts,
                latency_ms=int((time.monotonic() - started) * 1000)))
            raise ProviderFailure(message, exc.kind, log) from exc
        log = self.env["mcp.ai.call.log"]._record(dict(
            log_values, status="success", attempts=attempts, answer=generation.text,
            tokens_in=generation.tokens_in, tokens_out=generation.tokens_out,
            latency_ms=int((time.monotonic() - started) * 1000)))
        return generation, log

    def _failure_message(self, error):
        """Plain words for a failed call, naming what to check."""
        detail = error.detail or ""
        kind = error.kind
        if kind == base.MISSING_SDK:
            return _("The Python package %(package)s is not installed on the server (pip install %(package)s).",
                     package=detail)
        if kind == base.MISSING_KEY:
            return _("%s has no API key: an MCP administrator must set one in the provider settings.", self.name)
        if kind == base.AUTH:
            return _("%(provider)s refused the API key (HTTP %(status)s). Check the key in the provider settings.",
                     provider=self.name, status=error.status)
        if kind == base.RATE_LIMITED:
            return _("%(provider)s is limiting requests (HTTP 429) and still was after %(attempts)s attempts. "
                     "Try again later or raise the quota of the account.", provider=self.name,
                     attempts=error.attempts)
        if kind == base.SERVER:
            return _("%(provider)s had a server error (HTTP %(status)s) %(attempts)s time(s) in a row: %(detail)s",
                     provider=self.name, status=error.status, attempts=error.attempts, detail=detail)
        if kind == base.TIMEOUT:
            return _("%(provider)s did not answer within %(seconds)s seconds. Raise the timeout or choose a "
                     "faster model.", provider=self.name, seconds=self.timeout)
        if kind == base.CONNECTION:
            return _("%(provider)s cannot be reached at %(url)s: %(reason)s", provider=self.name,
                     url=self.base_url or ADAPTERS[self.kind].default_base_url, reason=self._connection_reason(detail))
        if kind == base.BAD_REQUEST:
            return _("%(provider)s refused the request (HTTP %(status)s): %(detail)s. Check the model name "
                     "(%(model)s) and the settings.", provider=self.name, status=error.status, detail=detail,
                     model=self.model)
        if kind == base.EMPTY:
            return _("%(provider)s answered with no text. Raise the max answer tokens or reword the prompt.",
                     provider=self.name)
        return _("The answer of %(provider)s could not be read (%(detail)s). Check the base URL and that the "
                 "server speaks this provider's API.", provider=self.name, detail=detail)

    def _connection_reason(self, detail):
        """Plain words for a network error's technical text (errno and resolver messages)."""
        text = detail.lower()
        if "refused" in text or "errno 111" in text:
            return _("nothing answers at this address and port. Check the base URL and that the server runs.")
        if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
                or "errno -2" in text or "errno -3" in text or "temporary failure in name resolution" in text:
            return _("the host name is unknown. Check the spelling of the base URL and the server's DNS.")
        if "unreachable" in text or "errno 113" in text or "errno 101" in text:
            return _("the network cannot reach this host. Check the address and the firewall.")
        if "certificate" in text or "ssl" in text:
            return _("the secure connection failed (certificate). Check the https address or the server's "
                     "certificate.")
        return _("the connection failed. Check the base URL and the network.")
