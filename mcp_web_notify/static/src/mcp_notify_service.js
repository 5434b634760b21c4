/**
 * Shows the notifications sent by res.users._mcp_notify() (see models/res_users.py) as toasts,
 * with an optional button that runs an action (opens a record, a list, a menu action...).
 */
import { registry } from "@web/core/registry";

export const mcpNotifyService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, { bus_service: bus, notification, action }) {
        bus.subscribe("mcp_web_notify", ({ title, message, type, sticky, button }) => {
            let close = null;
            const buttons = button
                ? [
                      {
                          name: button.label,
                          primary: true,
                          onClick: async () => {
                              close();
                              await action.doAction(button.action);
                          },
                      },
                  ]
                : [];
            close = notification.add(message, {
                title,
                type,
                sticky,
                buttons,
                className: "o_mcp_web_notify",
            });
        });
        bus.start();
    },
};

registry.category("services").add("mcp_web_notify", mcpNotifyService);
