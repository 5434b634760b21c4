/** @odoo-module ignore **/
/* Portal pages: draw the charts (Chart.js, bundled by Odoo) from the JSON the server embedded in the
 * page, and make tables sortable. Everything else is rendered by the server. */
(function () {
    "use strict";

    function cssVar(name, fallback) {
        var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
        return value || fallback;
    }

    function withAlpha(hex, alpha) {
        var n = parseInt(hex.slice(1), 16);
        return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
    }

    function chartConfig(section, palette) {
        var type = section.chart_type;
        var round = type === "pie" || type === "doughnut";
        var area = type === "area";
        var text = cssVar("--mcp-text", "#1f2328");
        var grid = cssVar("--mcp-border", "#d0d7de");
        var datasets = section.datasets.map(function (dataset, index) {
            var color = palette[index % palette.length];
            var config = {label: dataset.label, data: dataset.data, borderWidth: round ? 1 : 2};
            if (round) {
                config.backgroundColor = dataset.data.map(function (value, i) {
                    return palette[i % palette.length];
                });
                config.borderColor = cssVar("--mcp-card", "#ffffff");
            } else {
                config.backgroundColor = area ? withAlpha(color, 0.25) : color;
                config.borderColor = color;
                config.fill = area ? (section.stacked && index > 0 ? "-1" : "origin") : false;
                config.cubicInterpolationMode = "monotone";
                config.pointRadius = section.labels.length > 40 ? 0 : 3;
            }
            return config;
        });
        var options = {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: {
                legend: {
                    display: round || datasets.length > 1,
                    position: round ? "right" : "top",
                    labels: {color: text},
                },
                tooltip: {
                    callbacks: {
                        label: function (item) {
                            var dataset = section.datasets[item.datasetIndex];
                            var name = round ? item.label : dataset.label;
                            return name + ": " + dataset.texts[item.dataIndex];
                        },
                    },
                },
            },
        };
        if (!round) {
            options.scales = {
                x: {stacked: !!section.stacked, ticks: {color: text}, grid: {color: grid}},
                y: {
                    stacked: !!section.stacked,
                    beginAtZero: true,
                    ticks: {color: text, precision: section.format === "integer" ? 0 : undefined},
                    grid: {color: grid},
                },
            };
        }
        return {type: area ? "line" : type, data: {labels: section.labels, datasets: datasets}, options: options};
    }

    function drawCharts(data) {
        if (typeof window.Chart === "undefined") {
            return [];
        }
        var charts = [];
        data.sections.forEach(function (section) {
            var canvas = document.getElementById("mcp-chart-" + section.id);
            if (canvas && section.labels.length) {
                charts.push(new window.Chart(canvas, chartConfig(section, data.theme.palette)));
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
