"""What an event looks like on the wire, per target kind, and how a webhook body is signed.

* ``webhook``: a JSON object (:func:`webhook_body`), signed with the subscription's secret: header
  ``X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`` and ``X-Timestamp`` (Unix seconds), the
  scheme receivers such as Stripe's and Slack's use; a receiver recomputes it and refuses stale timestamps.
* ``slack``: a Slack incoming webhook message, ``{"text": ...}`` in Slack's mrkdwn (``&``, ``<`` and ``>``
  escaped as Slack requires).
* ``teams``: a Microsoft Teams Workflows webhook message: ``{"type": "message", "attachments": [an Adaptive
  Card]}``. Adaptive Cards render Markdown links in text and has no escape for them, so a record's values
  never form one (a zero-width space parts ``](``): a contact named ``[Pay here](https://…)`` shows as text.
"""
import hashlib
import hmac
import json

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
EVENT_ID_HEADER = "X-Event-Id"
MAX_VALUE_CHARS = 200
EVENT_VERBS = {"create": "created", "write": "updated", "unlink": "deleted"}


def webhook_body(event_id, payload):
    """The JSON body (bytes) of a webhook delivery: ``{"event_id", "event", "model", "id", "fields",
    "changed", "timestamp", "subscription_id"}``, keys sorted; a summary of a bulk change adds
    ``"truncated": true``, ``"more_count"`` and ``"more_ids"``."""
    return json.dumps(dict(payload, event_id=event_id), sort_keys=True, separators=(",", ":"),
                      default=str).encode()


def signature(secret, timestamp, body):
    """``sha256=<hex>``: HMAC-SHA256 with ``secret`` over ``b"<timestamp>." + body``."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _short(value):
    if isinstance(value, dict) and "name" in value:
        value = value["name"]
    elif isinstance(value, list):
        value = ", ".join(str(_short(item)) for item in value)
    text = "" if value is None or value is False else str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 1] + "…"


def _lines(payload):
    """``(headline, [(field label, value)])`` of an event, in plain text."""
    label = payload.get("fields", {}).get("display_name") or "#%s" % payload["id"]
    if payload.get("truncated"):  # a summary of a bulk change: no values, a count
        label = "(%s more records)" % payload.get("more_count", 0)
    headline = "%s %s %s" % (payload.get("model_description") or payload["model"], label,
                             EVENT_VERBS.get(payload["event"], payload["event"]))
    return headline, [(name, _short(value)) for name, value in sorted(payload.get("fields", {}).items())
                      if name not in ("id", "display_name")]


def _slack_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(payload):
    """A Slack incoming webhook message (bytes): a bold headline and one line per field."""
    headline, fields = _lines(payload)
    text = "*%s*" % _slack_escape(headline)
    for name, value in fields:
        text += "\n• %s: %s" % (_slack_escape(name), _slack_escape(value))
    return json.dumps({"text": text}).encode()


def _teams_text(text):
    return text.replace("](", "]\u200b(")


def teams_body(payload):
    """A Teams Workflows webhook message (bytes) holding an Adaptive Card with a title and a fact set."""
    headline, fields = _lines(payload)
    headline = _teams_text(headline)
    fields = [(_teams_text(name), _teams_text(value)) for name, value in fields]
    body = [{"type": "TextBlock", "text": headline, "weight": "Bolder", "size": "Medium", "wrap": True}]
    if fields:
        body.append({"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in fields]})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    return json.dumps({"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}).encode()


def request_for(kind, event_id, payload, secret, timestamp):
    """``(body bytes, headers)`` of one delivery to a target of ``kind`` (webhook, slack, teams)."""
    headers = {"Content-Type": "application/json", "User-Agent": "Odoo-MCP-Events/1.0"}
    if kind == "slack":
        return slack_body(payload), headers
    if kind == "teams":
        return teams_body(payload), headers
    body = webhook_body(event_id, payload)
    headers.update({SIGNATURE_HEADER: signature(secret, timestamp, body), TIMESTAMP_HEADER: str(timestamp),
                    EVENT_ID_HEADER: str(event_id)})
    return body, headers
