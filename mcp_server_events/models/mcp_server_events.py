"""The event feed as an MCP resource (``odoo://events``) whose updates ``subscriptions/listen`` announces.

A client listening with ``{"resourceSubscriptions": ["odoo://events"]}`` gets
``notifications/resources/updated`` when an event lands in one of its credential's feeds (announced with
``NOTIFY`` when the change that caused it commits), then reads it with ``get_events`` or ``resources/read``.
"""
from odoo import _, models

FEED_URI = "odoo://events"


def feed_payload(credential_ref):
    """The ``NOTIFY`` payload announcing new feed events of a credential."""
    return "mcp_event_feed:%s" % credential_ref


class McpServerEvents(models.AbstractModel):
    _inherit = "mcp.server"

    def _listen_resources(self, call, uris):
        watched = super()._listen_resources(call, uris)
        if FEED_URI in uris:
            watched[FEED_URI] = feed_payload(call.credential.ref)
        return watched

    def _capabilities(self, call):
        capabilities = super()._capabilities(call)
        if call.modern:
            capabilities["resources"] = dict(capabilities.get("resources") or {}, subscribe=True)
        return capabilities

    def _resource_descriptions(self, call):
        resources = super()._resource_descriptions(call)
        resources.append({"uri": FEED_URI, "name": "events", "title": _("Subscribed events"), "mimeType":
                          "application/json", "description": _(
                              "The latest events of this key's feed subscriptions (get_events pages through them); "
                              "subscriptions/listen announces new ones.")})
        return resources

    def _read_resource(self, uri, call):
        if uri == FEED_URI:
            return self.env["mcp.event"]._feed_page(call.credential.ref)
        return super()._read_resource(uri, call)
