/* The record table view: the records of a search_read result, sortable, with the paging notice. */
(function () {
    "use strict";

    var V = window.McpView;

    window.McpView.start("table", function (root, data) {
        var records = data.records || [];
        var heading = data.model ? data.model + ": " : "";
        root.appendChild(V.el("h1", "", heading + (records.length === 1 ? V.t("1 record") :
            V.t("%(count)s records", {count: records.length}))));
        if (data.has_more) {
            root.appendChild(V.el("p", "mcp-muted", V.t("More records match: ask for the next page (offset %(offset)s).",
                {offset: data.next_offset === undefined ? "…" : data.next_offset})));
        }
        if (data.notice) {
            root.appendChild(V.el("p", "mcp-muted", data.notice));
        }
        if (records.length) {
            root.appendChild(window.McpRecords.table(records));
        }
    });
})();
