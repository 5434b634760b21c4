/* Records as a table sorted by a click on a column header, or as cards (window.McpRecords). Records are
 * search_read/read rows: {id, field: value}, relations as {id, name}. */
(function () {
    "use strict";

    var V = window.McpView;

    function columnsOf(records) {
        var columns = [];
        records.forEach(function (record) {
            Object.keys(record).forEach(function (name) {
                if (columns.indexOf(name) < 0) {
                    columns.push(name);
                }
            });
        });
        return columns;
    }

    function sortKey(value) {
        if (typeof value === "number") {
            return value;
        }
        return V.label(value).toLowerCase();
    }

    function sortBy(records, column, ascending) {
        return records.slice().sort(function (a, b) {
            var x = sortKey(a[column]);
            var y = sortKey(b[column]);
            if (typeof x !== typeof y) {
                x = String(x);
                y = String(y);
            }
            return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
    }

    function fillBody(body, records, columns) {
        body.textContent = "";
        records.forEach(function (record) {
            var row = V.el("tr");
            columns.forEach(function (name) {
                var value = record[name];
                row.appendChild(V.el("td", typeof value === "number" ? "mcp-num" : "", V.label(value)));
            });
            body.appendChild(row);
        });
    }

    /* A <table> of `records`; a click on a header sorts by that column (again: the other way). */
    function table(records) {
        var columns = columnsOf(records);
        var node = V.el("table", "mcp-table");
        var head = V.el("tr");
        var body = V.el("tbody");
        columns.forEach(function (name) {
            var header = V.el("th");
            var button = V.el("button", "mcp-sort", name === "id" ? "#" : V.fieldTitle(name));
            button.type = "button";
            button.addEventListener("click", function () {
                var ascending = header.getAttribute("aria-sort") !== "ascending";
                Array.prototype.forEach.call(head.children, function (other) {
                    other.removeAttribute("aria-sort");
                });
                header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                fillBody(body, sortBy(records, name, ascending), columns);
            });
            header.appendChild(button);
            head.appendChild(header);
        });
        node.appendChild(V.el("thead")).appendChild(head);
        node.appendChild(body);
        fillBody(body, records, columns);
        return node;
    }

    /* One record as a card: its name as the title, then each field and its value. */
    function card(record, model) {
        var node = V.el("article", "mcp-card");
        var title = record.display_name || record.name || "#" + record.id;
        node.appendChild(V.el("h2", "", V.label(title)));
        node.appendChild(V.el("p", "mcp-muted", (model || "") + " #" + record.id));
        var list = V.el("dl");
        Object.keys(record).forEach(function (name) {
            if (name === "id" || name === "display_name") {
                return;
            }
            list.appendChild(V.el("dt", "", V.fieldTitle(name)));
            list.appendChild(V.el("dd", "", V.label(record[name])));
        });
        node.appendChild(list);
        return node;
    }

    window.McpRecords = {table: table, card: card};
})();
