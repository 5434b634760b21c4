"""Window actions the addons' wizards return."""


def dialog_action(record, name):
    """A window action showing ``record`` (one record) in its form view, in a dialog titled ``name``."""
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": record._name,
        "res_id": record.id,
        "view_mode": "form",
        "target": "new",
    }
