"""What a public model method does, as ``call_method`` must treat it.

A method's effect says which access-profile operation the key needs on the model, the risk of the
call (for approvals and the scope preset), and which argument carries field values (checked like the
values of ``create``/``write``). Methods that return records' data are never run through
``call_method``: the record tools read them under the key's field list and domain. Any method not
listed here is taken to write.
"""


class MethodEffect:
    """The access-profile operation, risk and value argument of one kind of method."""

    def __init__(self, operation, risk="write", values_argument=None, fields=()):
        self.operation = operation
        self.risk = risk
        # (keyword name, position) of the argument holding field values, e.g. ("vals", 0) for write.
        self.values_argument = values_argument
        # Fields the method sets by itself (archiving sets ``active``): checked like written values.
        self.fields = fields
        self.creates = operation == "create"


WRITES = MethodEffect("write")
ARCHIVES = MethodEffect("write", fields=("active",))
METHOD_EFFECTS = {
    "write": MethodEffect("write", values_argument=("vals", 0)),
    "update": MethodEffect("write", values_argument=("values", 0)),
    "create": MethodEffect("create", values_argument=("vals_list", 0)),
    "copy": MethodEffect("create", values_argument=("default", 0)),
    "unlink": MethodEffect("unlink", risk="destructive"),
    "toggle_active": ARCHIVES,
    "action_archive": ARCHIVES,
    "action_unarchive": ARCHIVES,
}
# Methods whose answer is records' data: the record tools serve it under the policy.
DATA_METHODS = {
    "read": "read", "web_read": "read", "copy_data": "read", "export_data": "export_records",
    "search_read": "search_read", "web_search_read": "search_read", "search": "search_read",
    "search_fetch": "search_read", "fetch": "read", "name_search": "name_search", "search_count": "search_count",
    "read_group": "aggregate", "web_read_group": "aggregate", "read_progress_bar": "aggregate",
    "fields_get": "describe_model", "default_get": "describe_model", "get_views": "describe_model",
    "onchange": "describe_model", "get_metadata": "read", "get_base_url": "read",
}


def method_effect(method):
    """The effect of calling ``method`` (a method name)."""
    return METHOD_EFFECTS.get(method, WRITES)


def method_call_risk(arguments):
    """``call_risk`` of the call_method tool: the risk of the method it runs."""
    method = arguments.get("method") if isinstance(arguments, dict) else None
    return method_effect(method if isinstance(method, str) else "").risk


def carries_values(value):
    """Whether an argument holds an object (field values, a context, options) anywhere inside."""
    if isinstance(value, dict):
        return True
    if isinstance(value, (list, tuple)):
        return any(carries_values(item) for item in value)
    return False
