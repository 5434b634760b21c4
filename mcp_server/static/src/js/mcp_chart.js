/** @odoo-module ignore **/
/* Chart.js configurations shared by the portal pages (/mcp-page) and the MCP Apps chart view.
 *
 * A "section" is what both draw: {chart_type: "bar"|"line"|"area"|"pie"|"doughnut", labels: [string],
 * datasets: [{label, data: [number|null], texts: [string]}], stacked: bool, format: "integer"|...}.
 * `texts` are the values as shown in tooltips (amounts with their currency). Colours come from the caller:
 * a palette of hex colours and {text, grid, card} CSS colours of the page's theme. */
(function () {
    "use strict";

    var PALETTE = ["#714B67", "#017E84", "#E4A900", "#D9534F", "#5B8DEF", "#3DA35D", "#F28E2B", "#8E6BBF",
                   "#4E9A9A", "#B07AA1"];

    function withAlpha(hex, alpha) {
        var n = parseInt(hex.slice(1), 16);
        return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
    }

    function dataset(section, source, index, palette, colors) {
        var round = section.chart_type === "pie" || section.chart_type === "doughnut";
        var area = section.chart_type === "area";
        var color = palette[index % palette.length];
        var config = {label: source.label, data: source.data, borderWidth: round ? 1 : 2};
        if (round) {
            config.backgroundColor = source.data.map(function (value, i) {
                return palette[i % palette.length];
            });
            config.borderColor = colors.card;
        } else {
            config.backgroundColor = area ? withAlpha(color, 0.25) : color;
            config.borderColor = color;
            config.fill = area ? (section.stacked && index > 0 ? "-1" : "origin") : false;
            config.cubicInterpolationMode = "monotone";
            config.pointRadius = section.labels.length > 40 ? 0 : 3;
        }
        return config;
    }

    function config(section, palette, colors) {
        var round = section.chart_type === "pie" || section.chart_type === "doughnut";
        var datasets = section.datasets.map(function (source, index) {
            return dataset(section, source, index, palette, colors);
        });
        var options = {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: {
                legend: {
                    display: round || datasets.length > 1,
                    position: round ? "right" : "top",
                    labels: {color: colors.text},
                },
                tooltip: {
                    callbacks: {
                        label: function (item) {
                            var source = section.datasets[item.datasetIndex];
                            var name = round ? item.label : source.label;
                            return name + ": " + source.texts[item.dataIndex];
                        },
                    },
                },
            },
        };
        if (!round) {
            options.scales = {
                x: {stacked: !!section.stacked, ticks: {color: colors.text}, grid: {color: colors.grid}},
                y: {
                    stacked: !!section.stacked,
                    beginAtZero: true,
                    ticks: {color: colors.text, precision: section.format === "integer" ? 0 : undefined},
                    grid: {color: colors.grid},
                },
            };
        }
        var type = section.chart_type === "area" ? "line" : section.chart_type;
        return {type: type, data: {labels: section.labels, datasets: datasets}, options: options};
    }

    window.McpChart = {PALETTE: PALETTE, withAlpha: withAlpha, config: config};
})();
