/* The chart view: draws an analytics result with Chart.js (configuration from mcp_chart.js, shared with the
 * portal pages) in the host's theme. A click on a bar or point asks the host to call search_read with the
 * domain of the records behind it (the tool's own domain and that group's values) and lists them. */
(function () {
    "use strict";

    var V = window.McpView;
    var DRILL_LIMIT = 80;
    var charts = [];

    function pythonValue(value) {
        if (value === true || value === false) {
            return value ? "True" : "False";
        }
        return value === null ? "None" : JSON.stringify(value);
    }

    /* The tool's domain (a JSON list or Odoo's string syntax) and `extra` conditions, all required. */
    function combine(domain, extra) {
        if (typeof domain === "string" && domain.trim().replace(/^\[|\]$/g, "").trim()) {
            var inner = domain.trim().replace(/^\[|\]$/g, "");
            return "[" + inner + ", " + extra.map(function (c) {
                return "(" + c.map(pythonValue).join(", ") + ")";
            }).join(", ") + "]";
        }
        return (Array.isArray(domain) ? domain : []).concat(extra);
    }

    function showRecords(node, label, result) {
        node.textContent = "";
        if (result.isError) {
            node.appendChild(V.el("p", "mcp-error", V.resultText(result)));
            return;
        }
        var data = result.structuredContent || {};
        var records = data.records || [];
        var more = data.has_more ? "+" : "";
        node.appendChild(V.el("h2", "", V.t("%(label)s: %(count)s records", {label: label, count: records.length + more})));
        if (records.length) {
            node.appendChild(window.McpRecords.table(records));
        }
    }

    function drill(section, element, data, args, node) {
        var domain = section.drill[element.index];
        var column = section.columnDrill ? section.columnDrill[element.datasetIndex] : [];
        if (!domain || !column || !data.model) {
            return;
        }
        var label = section.labels[element.index];
        node.textContent = "";
        node.appendChild(V.el("p", "mcp-status", V.t("Loading the records of %(label)s…", {label: label})));
        window.McpApp.callTool("search_read", {
            model: data.model, domain: combine(args.domain, domain.concat(column)), limit: DRILL_LIMIT,
        }).then(function (result) {
            showRecords(node, label, result);
        }, function (error) {
            node.textContent = "";
            node.appendChild(V.el("p", "mcp-error", String(error.message || error)));
        });
    }

    function draw(root, section, data, args, details) {
        root.appendChild(V.el("h1", "", section.title));
        if (!section.labels.length) {
            root.appendChild(V.el("p", "mcp-muted", V.t("No records.")));
            return;
        }
        var frame = root.appendChild(V.el("div", "mcp-chart"));
        var canvas = frame.appendChild(V.el("canvas"));
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", section.title);
        var config = window.McpChart.config(section, window.McpChart.PALETTE, V.themeColors());
        if (section.drill) {
            root.appendChild(V.el("p", "mcp-muted", V.t("Click a bar or point to list its records.")));
            config.options.onClick = function (event, elements) {
                if (elements.length) {
                    drill(section, elements[0], data, args, details);
                }
            };
            config.options.onHover = function (event, elements) {
                canvas.style.cursor = elements.length ? "pointer" : "default";
            };
        }
        charts.push(new window.Chart(canvas, config));
    }

    V.start("chart", function (root, data, args, tool) {
        charts.forEach(function (chart) {
            chart.destroy();
        });
        charts = [];
        var details = V.el("div", "mcp-details");
        details.id = "mcp-details";
        window.McpChartData.sections(data, args, tool).forEach(function (section) {
            draw(root, section, data, args, details);
        });
        root.appendChild(details);
    });
})();
