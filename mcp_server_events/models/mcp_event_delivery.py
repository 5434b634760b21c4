"""Delivering an event: one job of the shared runner per event, after the change committed.

Each attempt POSTs the event (webhook, Slack or Teams wire format, ``lib/messages.py``) through the outbound
guard (``mcp_server.lib.outbound``: public addresses over https, or networks allowed in Settings), with
short timeouts and no redirect. A 2xx answer delivers it; anything else fails the attempt, retried with
exponential backoff (``BACKOFF_SECONDS * 2 ** (attempt - 1)``: 30 s, 1, 2 and 4 min) up to ``_job_max_attempts``;
the last failure pauses the subscription and gives its owner an activity.
"""
import time

import requests

from odoo import _, api, fields, models
from odoo.addons.mcp_server.lib.outbound import OutboundRefused, check_url, guarded_session
from odoo.exceptions import UserError

from ..lib.messages import request_for
from .mcp_event_subscription import NETWORKS_SETTING

BACKOFF_SECONDS = 30
TIMEOUT = (3, 5)


class McpEventDelivery(models.Model):
    _inherit = "mcp.event"

    @api.model
    def _cron_deliver(self):
        """Cron: stop the subscriptions of revoked keys, then deliver queued events (shared job runner)."""
        self.env["mcp.event.subscription"].sudo()._stop_revoked()
        return self._cron_run()

    def _cancel(self, reason):
        self.write({"state": "cancelled", "error": reason, "finished_at": fields.Datetime.now()})

    def _job_retry_delay(self):
        return BACKOFF_SECONDS * 2 ** max(self.attempts - 1, 0)

    def _run_job(self):
        """Send this event once; raise ``UserError`` with the reason when it was not accepted."""
        self.ensure_one()
        subscription = self.subscription_id.sudo()
        if subscription.state == "active" and not self.env["ir.http"]._mcp_credential_active(
                self.env, subscription._credential()):
            subscription._stop()
        if subscription.state != "active":
            return self._cancel(_("The subscription is %s.", subscription.state))
        payload = self._visible_payloads()[self.id]
        if payload is None:  # the key's access narrowed since the event was captured
            return self._cancel(_("The key may no longer read this record or its changed fields."))
        networks = self.env["mcp.server"]._settings()[NETWORKS_SETTING]
        body, headers = request_for(subscription.target_kind, self.id, payload, subscription.secret or "",
                                    int(time.time()))
        started = time.perf_counter()
        try:
            check_url(subscription.target_url, networks)
            with guarded_session(networks) as session:
                response = session.post(subscription.target_url, data=body, headers=headers, timeout=TIMEOUT,
                                        allow_redirects=False)
        except OutboundRefused as exc:
            raise UserError(_("Refused: %s.", exc)) from None
        except requests.Timeout:
            raise UserError(_("The receiver did not answer within %s seconds.", TIMEOUT[1])) from None
        except requests.RequestException as exc:
            raise UserError(_("The receiver cannot be reached (%s).", type(exc).__name__)) from None
        finally:
            self.duration_ms = round((time.perf_counter() - started) * 1000.0, 1)
        self.response_status = response.status_code
        if not 200 <= response.status_code < 300:
            raise UserError(_("The receiver answered HTTP %s.", response.status_code))
        if subscription.failure_count:
            subscription.failure_count = 0
        return None

    def _job_failed(self, message):
        """Failed for good: count it on the subscription, pause it and tell its owner."""
        super()._job_failed(message)
        subscription = self.subscription_id.sudo()
        subscription.failure_count += 1
        subscription._pause_after_failure(message)

    def action_retry(self):
        """Queue failed or cancelled deliveries again (button; administrators only: raises ``AccessError``)."""
        self.check_access("write")
        events = self.filtered(lambda e: e.state in ("failed", "cancelled") and e.target_kind != "feed")
        events.sudo().write({"state": "queued", "attempts": 0, "error": False, "retry_at": False})
        if events:
            self._job_trigger()
        return True


class McpEventSubscriptionRevocation(models.Model):
    _inherit = "mcp.event.subscription"

    @api.model
    def _stop_revoked(self):
        """Stop active or paused subscriptions whose credential can no longer act."""
        Http = self.env["ir.http"]
        for subscription in self.sudo().search([("state", "!=", "stopped")]):
            if not Http._mcp_credential_active(self.env, subscription._credential()):
                subscription._stop()
