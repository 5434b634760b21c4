"""Shapes of the event tools' answers (output schemas) and of one event as get_events returns it."""
SUBSCRIPTION_OUTPUT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "model": {"type": "string"},
    "events": {"type": "array", "items": {"type": "string"}},
    "domain": {"type": "array", "items": {}},
    "fields": {"type": "array", "items": {"type": "string"}},
    "target": {"type": "object", "properties": {"kind": {"type": "string"}, "host": {"type": "string"}}},
    "state": {"type": "string"}, "pause_reason": {"type": "string"}, "failed_deliveries": {"type": "integer"},
    "last_event_cursor": {"type": "string"},
    "secret": {"type": "string", "description": "Webhooks only, shown once: verifies X-Signature."}},
    "required": ["id", "model", "events", "target", "state"]}

EVENTS_OUTPUT = {"type": "object", "properties": {
    "events": {"type": "array", "items": {"type": "object", "properties": {
        "cursor": {"type": "string"}, "subscription_id": {"type": "integer"}, "event": {"type": "string"},
        "model": {"type": "string"}, "id": {"type": "integer"}, "fields": {"type": "object"},
        "changed": {"type": "array", "items": {"type": "string"}}, "timestamp": {"type": "string"},
        "truncated": {"type": "boolean", "description": "A summary of a bulk change: more_count more records "
                                                        "matched, their values are not sent."},
        "more_count": {"type": "integer"}, "more_ids": {"type": "array", "items": {"type": "integer"}}}}},
    "next_cursor": {"type": "string"}, "has_more": {"type": "boolean"}},
    "required": ["events", "next_cursor", "has_more"]}


def event_answer(event, payload):
    """One ``mcp.event`` (read as superuser: bookkeeping of the caller's own subscription) with its ``payload``
    as the key may read it now, as get_events answers it."""
    answer = {"cursor": str(event.id), "subscription_id": event.subscription_id.id, "event": event.event,
              "model": event.res_model, "id": event.res_id, "fields": payload.get("fields", {}),
              "changed": payload.get("changed", []), "timestamp": payload.get("timestamp", "")}
    if payload.get("truncated"):
        answer.update(truncated=True, more_count=payload["more_count"], more_ids=payload.get("more_ids", []))
    return answer
