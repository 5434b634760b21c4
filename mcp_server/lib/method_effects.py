"""What a public model method does, as ``call_method`` must treat it.

``call_method`` runs the business methods a model defines itself (buttons such as
``action_confirm``), which are taken to write. Of the generic methods every model or mixin brings,
only those below run, each as the record tool it stands for: the profile's operation on the model,
the tool's allowlist entry and approvals, the risk, and its field values checked like the values of
``create``/``write``. The other generic methods (``read``, ``search_read``, ``load``, ``web_save``,
``mapped``, ``name_create``, ``message_subscribe``...) are refused: the tools serve them under the
key's access profile.
"""


class MethodEffect:
    """The record tool a generic method stands for, with its operation, risk and value argument."""

    def __init__(self, tool, operation, risk="write", values_argument=None, fields=(), values_optional=False):
        self.tool = tool
        self.operation = operation
        self.risk = risk
        # (keyword name, position) of the argument holding field values, e.g. ("vals", 0) for write.
        self.values_argument = values_argument
        self.values_optional = values_optional
        # Fields the method sets by itself (archiving sets ``active``): checked like written values.
        self.fields = fields
        self.creates = operation == "create"


BUSINESS_METHOD = MethodEffect(None, "write")
ARCHIVES = MethodEffect("write", "write", fields=("active",))
METHOD_EFFECTS = {
    "write": MethodEffect("write", "write", values_argument=("vals", 0)),
    "update": MethodEffect("write", "write", values_argument=("values", 0)),
    "create": MethodEffect("create", "create", values_argument=("vals_list", 0)),
    "copy": MethodEffect("create", "create", values_argument=("default", 0), values_optional=True),
    "unlink": MethodEffect("unlink", "unlink", risk="destructive"),
    "toggle_active": ARCHIVES,
    "action_archive": ARCHIVES,
    "action_unarchive": ARCHIVES,
}
# The record tool to use instead of a generic method that answers with records' data.
RECORD_TOOLS = {
    "read": "read", "web_read": "read", "copy_data": "read", "fetch": "read", "export_data": "export_records",
    "search_read": "search_read", "web_search_read": "search_read", "search": "search_read",
    "search_fetch": "search_read", "name_search": "name_search", "search_count": "search_count",
    "read_group": "aggregate", "web_read_group": "aggregate", "fields_get": "describe_model",
    "name_create": "create", "load": "batch", "web_save": "write", "message_post": "post_message",
    "activity_schedule": "schedule_activity",
}


def method_effect(method):
    """The effect of calling ``method`` (a method name) through call_method."""
    return METHOD_EFFECTS.get(method, BUSINESS_METHOD)


def method_origin(model, method):
    """The model that first defined ``method`` (a mixin such as ``mail.thread``, or None for every model's
    own ORM methods): a business action is a method its model defines itself."""
    definers = [cls for cls in type(model).__mro__ if method in vars(cls)]
    return getattr(definers[-1], "_name", None) if definers else None


def _method_name(arguments):
    method = arguments.get("method") if isinstance(arguments, dict) else None
    return method if isinstance(method, str) else ""


def method_call_risk(arguments):
    """``call_risk`` of the call_method tool: the risk of the method it runs."""
    return method_effect(_method_name(arguments)).risk


def method_parts(arguments):
    """``parts`` of the call_method tool: the record tool a generic method stands for, if any."""
    effect = method_effect(_method_name(arguments))
    if not effect.tool:
        return []
    return [(effect.tool, {key: arguments[key] for key in ("model", "ids", "context") if key in arguments})]


def carries_values(value):
    """Whether an argument holds an object (field values, a context, options) anywhere inside."""
    if isinstance(value, dict):
        return True
    if isinstance(value, (list, tuple)):
        return any(carries_values(item) for item in value)
    return False
