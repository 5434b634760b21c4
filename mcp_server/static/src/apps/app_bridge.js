/* A small client of the MCP Apps host protocol (extension io.modelcontextprotocol/ui, 2026-01-26).
 *
 * The view and its host speak JSON-RPC 2.0 over window.postMessage:
 *   view -> host  ui/initialize {protocolVersion, appInfo, appCapabilities}  (request; the answer holds
 *                 hostCapabilities, hostInfo and hostContext: theme, styles.variables, locale...)
 *   view -> host  ui/notifications/initialized, then ui/notifications/size-changed {width, height}
 *   host -> view  ui/notifications/tool-input {arguments}, ui/notifications/tool-result (a CallToolResult),
 *                 ui/notifications/tool-cancelled {reason}, ui/notifications/host-context-changed (partial)
 *   host -> view  ui/resource-teardown and ping (requests, answered with {})
 *   view -> host  tools/call {name, arguments} (the host forwards it to the MCP server)
 * Only messages from the parent window are read. window.McpApp is the API the views use. */
(function () {
    "use strict";

    var PROTOCOL_VERSION = "2026-01-26";
    var host = window.parent;
    var nextId = 1;
    var pending = {};
    var handlers = {};
    var context = {};

    function send(message) {
        message.jsonrpc = "2.0";
        host.postMessage(message, "*");
    }

    function request(method, params) {
        var id = nextId++;
        return new Promise(function (resolve, reject) {
            pending[id] = {resolve: resolve, reject: reject};
            send({id: id, method: method, params: params || {}});
        });
    }

    function notify(method, params) {
        send({method: method, params: params || {}});
    }

    function on(method, handler) {
        handlers[method] = handler;
    }

    function settle(message) {
        var waiting = pending[message.id];
        if (!waiting) {
            return;
        }
        delete pending[message.id];
        if (message.error) {
            waiting.reject(new Error(message.error.message || "Error " + message.error.code));
        } else {
            waiting.resolve(message.result || {});
        }
    }

    function answer(message) {
        if (message.method === "ui/resource-teardown" || message.method === "ping") {
            send({id: message.id, result: {}});
        } else {
            send({id: message.id, error: {code: -32601, message: "Method not found: " + message.method}});
        }
    }

    function receive(event) {
        var message = event.data;
        if (event.source !== host || !message || message.jsonrpc !== "2.0") {
            return;
        }
        if (message.method === undefined) {
            settle(message);
        } else if (message.id !== undefined) {
            answer(message);
        } else if (handlers[message.method]) {
            handlers[message.method](message.params || {});
        }
    }

    function applyContext(update) {
        Object.keys(update || {}).forEach(function (key) {
            context[key] = update[key];
        });
        var root = document.documentElement;
        var theme = context.theme === "dark" ? "dark" : "light";
        root.setAttribute("data-theme", theme);
        root.style.colorScheme = theme;
        var variables = (context.styles && context.styles.variables) || {};
        Object.keys(variables).forEach(function (name) {
            if (name.indexOf("--") === 0 && typeof variables[name] === "string") {
                root.style.setProperty(name, variables[name]);
            }
        });
    }

    function watchSize() {
        var last = "";
        function report() {
            var width = Math.ceil(document.documentElement.scrollWidth);
            var height = Math.ceil(document.documentElement.scrollHeight);
            if (width + "x" + height !== last) {
                last = width + "x" + height;
                notify("ui/notifications/size-changed", {width: width, height: height});
            }
        }
        if (window.ResizeObserver) {
            new window.ResizeObserver(report).observe(document.body);
        }
        report();
    }

    /* Handshake; `onContext(context)` runs after every host context change (theme toggled...). */
    function connect(appInfo, onContext) {
        window.addEventListener("message", receive);
        on("ui/notifications/host-context-changed", function (update) {
            applyContext(update);
            if (onContext) {
                onContext(context);
            }
        });
        return request("ui/initialize", {
            protocolVersion: PROTOCOL_VERSION,
            appInfo: appInfo,
            appCapabilities: {availableDisplayModes: ["inline"]},
        }).then(function (result) {
            applyContext(result.hostContext || {});
            notify("ui/notifications/initialized", {});
            watchSize();
            return result;
        });
    }

    function callTool(name, args) {
        return request("tools/call", {name: name, arguments: args});
    }

    window.McpApp = {
        connect: connect,
        on: on,
        request: request,
        notify: notify,
        callTool: callTool,
        context: function () {
            return context;
        },
    };
})();
