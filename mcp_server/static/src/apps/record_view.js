/* The record card view: each record of a read result as a card. */
(function () {
    "use strict";

    window.McpView.start("record", function (root, data) {
        (data.records || []).forEach(function (record) {
            root.appendChild(window.McpRecords.card(record, data.model));
        });
        Object.keys(data.failed_fields || {}).forEach(function (name) {
            root.appendChild(window.McpView.el("p", "mcp-muted", name + ": " + data.failed_fields[name]));
        });
    });
})();
