/** @odoo-module ignore **/
/* Portal pages: draw the charts (Chart.js, bundled by Odoo; configurations shared with the MCP Apps chart
 * view in mcp_server/static/src/js/mcp_chart.js) from the JSON the server embedded in the page, and make
 * tables sortable. Everything else is rendered by the server. */
(function () {
    "use strict";

    function cssVar(name, fallback) {
        var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
        return value || fallback;
    }

    function themeColors() {
        return {
            text: cssVar("--mcp-text", "#1f2328"),
            grid: cssVar("--mcp-border", "#d0d7de"),
            card: cssVar("--mcp-card", "#ffffff"),
        };
    }

    function drawCharts(data) {
        if (typeof window.Chart === "undefined" || typeof window.McpChart === "undefined") {
            return [];
        }
        var colors = themeColors();
        var charts = [];
        data.sections.forEach(function (section) {
            var canvas = document.getElementById("mcp-chart-" + section.id);
            if (canvas && section.labels.length) {
                charts.push(new window.Chart(canvas, window.McpChart.config(section, data.theme.palette, colors)));
            }
        });
        return charts;
    }

    function sortValue(cell) {
        var raw = cell.getAttribute("data-sort");
        if (raw !== null && raw !== "" && !isNaN(Number(raw))) {
            return Number(raw);
        }
        return (raw === null || raw === "" ? cell.textContent : raw).trim().toLowerCase();
    }

    function enableSorting(table) {
        var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
        headers.forEach(function (header, column) {
            var button = header.querySelector(".mcp-sort");
            if (!button) {
                return;
            }
            button.addEventListener("click", function () {
                var ascending = header.getAttribute("aria-sort") !== "ascending";
                headers.forEach(function (other) {
                    other.removeAttribute("aria-sort");
                });
                header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                    var x = sortValue(a.cells[column]);
                    var y = sortValue(b.cells[column]);
                    if (typeof x !== typeof y) {
                        x = String(x);
                        y = String(y);
                    }
                    return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
                });
                rows.forEach(function (row) {
                    body.appendChild(row);
                });
            });
        });
    }

    function init() {
        var node = document.getElementById("mcp-page-data");
        var data = node ? JSON.parse(node.textContent) : {sections: [], theme: {palette: []}};
        var charts = drawCharts(data);
        Array.prototype.forEach.call(document.querySelectorAll("table.mcp-sortable"), enableSorting);
        window.addEventListener("beforeprint", function () {
            charts.forEach(function (chart) {
                chart.resize();
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
