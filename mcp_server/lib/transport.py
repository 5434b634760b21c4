"""The HTTP side of one /mcp request (what came in, what goes out), independent of Odoo's request."""


class McpReply:
    """What the controller sends back: status, JSON payload (or none) and headers."""

    def __init__(self, status=200, payload=None, headers=None, stream=None):
        self.status = status
        self.payload = payload
        self.headers = headers or {}
        # A generator of Server-Sent Events, sent instead of ``payload`` (notifications, then the response).
        self.stream = stream


class HttpExchange:
    """One HTTP request to /mcp: its parts, the server settings it is handled under, and its audit rows.

    ``headers`` is a case-insensitive mapping, ``body`` the raw bytes (None when refused for its size),
    ``host`` the Host the client addressed (the forwarded one only behind ``--proxy-mode``).
    """

    def __init__(self, method, headers, body, remote_addr, host, scheme, settings):
        self.method = method
        self.headers = headers
        self.body = body
        self.remote_addr = remote_addr
        self.host = host
        self.scheme = scheme
        self.settings = settings
        self.credential = None
        self.policy = None
        self.audit = {"ip": remote_addr, "method": method}
        self.audit_rows = []
        # A JSON-RPC batch (2025-03-26): its messages share one transaction.
        self.batch = False

    def header(self, name):
        """A request header's value without the optional white space around it (RFC 9110 §5.5), or None."""
        value = self.headers.get(name)
        return value.strip(" \t") if isinstance(value, str) else value

    def accepts_event_stream(self):
        return "text/event-stream" in (self.headers.get("Accept") or "").lower()
