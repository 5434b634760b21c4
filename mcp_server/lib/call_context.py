"""The request object: who calls, in which protocol era, and what the audit should record.

One instance per JSON-RPC request, created by the transport and passed down to the method handlers, the
tool registry and the tools; nothing about a request is kept in dicts mutated across functions.
"""

LEGACY = "legacy"
MODERN = "modern"
LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]


class CallContext:
    """Who is calling, under which policy and protocol, and what the audit should record."""

    def __init__(self, credential, policy, session=None, protocol_version=None, settings=None):
        self.credential = credential
        self.policy = policy
        self.session = session or {}
        self.protocol_version = protocol_version
        self.settings = settings or {}
        self.audit = {}
        # Protocol era and what the client declared (initialize, or ``_meta`` of a modern request).
        self.era = LEGACY
        self.client_capabilities = {}
        self.client_info = {}
        # Lowest level of ``notifications/message`` the client asked for (None: no log messages).
        self.log_level = self.session.get("log_level")
        # JSON-RPC notifications about this request, sent on its own SSE stream before the response.
        self.notifications = []
        # Whether the client's Accept header allows answering with an SSE stream.
        self.event_stream_accepted = True
        self.progress_token = None
        # A retry of a multi round-trip request: the client's answers and the state it echoes back.
        self.input_responses = None
        self.request_state = None
        self.retried = False
        # Set when an approver released the call: it runs without asking again.
        self.approved = False
        # Dry run: tools report what they change in ``changes``; the registry rolls everything back.
        self.dry_run = False
        self.changes = []
        # Content blocks (resource links, embedded files) added to the tool result after its text block.
        self.extra_content = []
        # Set by background jobs and streamed calls: ``progress_callback(done, total, message)``.
        self.progress_callback = None
        self.session_id = None
        self.request_id = None
        # The client sent a progressToken: long tools run as a job whose progress is streamed.
        self.stream_progress = False
        self.job_id = None
        # The mcp.sse.stream row that counts the job's progress stream against the stream limits.
        self.stream_slot_id = None
        self.in_job = False
        # subscriptions/listen (2026-07-28): ``{"acknowledged": filter, "watched": {payload: [uri]}}``.
        self.listen = None
        # The request's transaction holds nothing but this call's work (a lone /mcp message): a failed read
        # may roll it back whole instead of running in a savepoint.
        self.owns_transaction = False

    @property
    def modern(self):
        return self.era == MODERN

    def report_progress(self, done, total, message=None):
        """Tell the caller how far a long tool got (background jobs, or the request's SSE stream)."""
        if self.progress_callback:
            self.progress_callback(done, total, message)
        elif self.progress_token is not None:
            params = {"progressToken": self.progress_token, "progress": done, "total": total}
            if message:
                params["message"] = message
            self.notifications.append({"jsonrpc": "2.0", "method": "notifications/progress", "params": params})

    def log(self, level, data, logger="odoo-mcp"):
        """Send ``notifications/message`` on the request's stream when the client asked for that level."""
        if self.log_level in LOG_LEVELS and LOG_LEVELS.index(level) >= LOG_LEVELS.index(self.log_level):
            self.notifications.append({"jsonrpc": "2.0", "method": "notifications/message",
                                       "params": {"level": level, "logger": logger, "data": data}})

    def note(self, model=None, record_ids=None, tool=None):
        """Tell the audit which model/records/tool a call touched."""
        if model:
            self.audit["model"] = model
        if record_ids:
            self.audit["record_ids"] = list(record_ids)[:200]
        if tool:
            self.audit["tool"] = tool
