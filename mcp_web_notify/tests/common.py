"""Reading what was sent on the bus in a test (bus rows are written when the transaction commits)."""
import json

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from ..models.res_users import NOTIFICATION_TYPE


def sent_notifications(env, user):
    """The mcp_web_notify payloads sent to ``user`` so far in this transaction, oldest first."""
    env.cr.precommit.run()
    channel = json_dump(channel_with_db(env.cr.dbname, user.partner_id))
    messages = [json.loads(row.message) for row in env["bus.bus"].sudo().search([("channel", "=", channel)],
                                                                                order="id")]
    return [message["payload"] for message in messages if message["type"] == NOTIFICATION_TYPE]
