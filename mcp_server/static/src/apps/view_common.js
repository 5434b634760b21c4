/* What every view shares: its texts in the user's language, building DOM nodes, showing Odoo values, the
 * theme's colours, and the life of a view (window.McpView.start): connect to the host, wait for the tool's input and result, render the
 * result's structuredContent, render again when the host's theme changes. */
(function () {
    "use strict";

    /* The server's translations of the views' texts, keyed by the English text (lib/app_view_strings.py). */
    var STRINGS = (function () {
        var block = document.getElementById("mcp-strings");
        try {
            return (block && JSON.parse(block.textContent)) || {};
        } catch (error) {
            return {};
        }
    }());

    /* `text` (English) in the user's language, its %(name)s placeholders replaced by `values`. */
    function t(text, values) {
        var translated = Object.prototype.hasOwnProperty.call(STRINGS, text) ? STRINGS[text] : text;
        return translated.replace(/%\((\w+)\)s/g, function (whole, name) {
            return values && name in values ? String(values[name]) : whole;
        });
    }

    function el(tag, className, text) {
        var node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined && text !== null) {
            node.textContent = String(text);
        }
        return node;
    }

    function locale() {
        return window.McpApp.context().locale || undefined;
    }

    function number(value, currency) {
        var options = Number.isInteger(value) ? {} : {maximumFractionDigits: 2};
        var text = Number(value).toLocaleString(locale(), options);
        return currency ? text + " " + currency : text;
    }

    /* An Odoo value as text: {id, name} relations, lists, booleans, empty values. */
    function label(value) {
        if (value === null || value === undefined || value === false) {
            return "—";
        }
        if (value === true) {
            return "✓";
        }
        if (typeof value === "number") {
            return number(value);
        }
        if (Array.isArray(value)) {
            return value.map(label).join(", ");
        }
        if (typeof value === "object") {
            if ("id" in value) {
                return value.name || value.display_name || "#" + value.id;
            }
            return JSON.stringify(value);
        }
        return String(value);
    }

    /* "partner_id:month" -> "Partner (month)", "amount_total:sum" -> "Amount total (sum)". */
    function fieldTitle(spec) {
        if (spec === "__count") {
            return t("Count");
        }
        var parts = String(spec).split(":");
        var words = parts[0].replace(/_ids?$/, "").replace(/_/g, " ");
        var title = words.charAt(0).toUpperCase() + words.slice(1);
        return parts[1] ? title + " (" + parts[1] + ")" : title;
    }

    /* Resolved colours of the theme (host variables may be light-dark() expressions). */
    function themeColors() {
        var probe = el("span", "mcp-probe");
        document.body.appendChild(probe);
        var style = getComputedStyle(probe);
        var colors = {text: style.color, grid: style.borderTopColor, card: style.backgroundColor};
        probe.remove();
        return colors;
    }

    function clear() {
        var root = document.getElementById("app");
        root.textContent = "";
        return root;
    }

    function status(text, className) {
        clear().appendChild(el("p", className || "mcp-status", text));
    }

    function resultText(result) {
        return (result.content || []).filter(function (block) {
            return block.type === "text";
        }).map(function (block) {
            return block.text;
        }).join("\n");
    }

    /* `render(root, structuredContent, toolArguments, toolName)` draws the view. */
    function start(name, render) {
        var state = {args: {}, result: null};
        status(t("Waiting for the result…"));
        function draw() {
            var result = state.result;
            if (result.isError) {
                status(resultText(result) || t("The tool failed."), "mcp-error");
                return;
            }
            var info = window.McpApp.context().toolInfo;
            var tool = info && info.tool ? info.tool.name : null;
            render(clear(), result.structuredContent || {}, state.args, tool);
        }
        window.McpApp.on("ui/notifications/tool-input", function (params) {
            state.args = params.arguments || {};
        });
        window.McpApp.on("ui/notifications/tool-result", function (result) {
            state.result = result;
            draw();
        });
        window.McpApp.on("ui/notifications/tool-cancelled", function (params) {
            status(params.reason ? t("The tool was cancelled: %(reason)s", {reason: params.reason}) :
                t("The tool was cancelled."));
        });
        window.McpApp.connect({name: "odoo-" + name + "-view", version: "1.0.0"}, function () {
            if (state.result) {
                draw();
            }
        }).catch(function (error) {
            status(String(error.message || error), "mcp-error");
        });
    }

    window.McpView = {
        t: t,
        el: el,
        label: label,
        number: number,
        fieldTitle: fieldTitle,
        themeColors: themeColors,
        resultText: resultText,
        start: start,
    };
})();
