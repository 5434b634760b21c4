"""Per-request state shared by the dispatcher, the tools and the audit."""


class CallContext:
    """Who is calling, under which policy, and what the audit should record."""

    def __init__(self, credential, policy, session=None, protocol_version=None, settings=None):
        self.credential = credential
        self.policy = policy
        self.session = session or {}
        self.protocol_version = protocol_version
        self.settings = settings or {}
        self.audit = {}
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
        self.in_job = False

    def report_progress(self, done, total, message=None):
        """Tell the caller how far a long tool got (background jobs, streamed progress)."""
        if self.progress_callback:
            self.progress_callback(done, total, message)

    def note(self, model=None, record_ids=None, tool=None):
        """Tell the audit which model/records/tool a call touched."""
        if model:
            self.audit["model"] = model
        if record_ids:
            self.audit["record_ids"] = list(record_ids)[:200]
        if tool:
            self.audit["tool"] = tool
