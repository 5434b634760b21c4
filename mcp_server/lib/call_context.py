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

    def note(self, model=None, record_ids=None, tool=None):
        """Tell the audit which model/records/tool a call touched."""
        if model:
            self.audit["model"] = model
        if record_ids:
            self.audit["record_ids"] = list(record_ids)[:200]
        if tool:
            self.audit["tool"] = tool
