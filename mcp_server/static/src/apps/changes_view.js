/* The changes view of create, write and unlink: a dry run's report (each change, fields before -> after:
 * what the person is asked to confirm) or the summary of what was done. */
(function () {
    "use strict";

    var V = window.McpView;

    function fieldRows(rows) {
        var table = V.el("table", "mcp-table");
        var head = V.el("tr");
        ["Field", "Before", "After"].forEach(function (title) {
            head.appendChild(V.el("th", "", title));
        });
        table.appendChild(V.el("thead")).appendChild(head);
        var body = table.appendChild(V.el("tbody"));
        rows.forEach(function (row) {
            var line = V.el("tr", row[1] === row[2] ? "" : "mcp-changed");
            line.appendChild(V.el("td", "", V.fieldTitle(row[0])));
            line.appendChild(V.el("td", "mcp-before", row[1]));
            line.appendChild(V.el("td", "mcp-after", row[2]));
            body.appendChild(line);
        });
        return table;
    }

    function change(item) {
        var node = V.el("section", "mcp-card");
        var model = item.model || "";
        if (item.operation === "write") {
            node.appendChild(V.el("h2", "", "Change " + model + " #" + item.id));
            var before = item.before || {};
            node.appendChild(fieldRows(Object.keys(item.after || {}).map(function (name) {
                return [name, V.label(before[name]), V.label(item.after[name])];
            })));
        } else if (item.operation === "create") {
            node.appendChild(V.el("h2", "", "Create a " + model + " record"));
            node.appendChild(fieldRows(Object.keys(item.values || {}).map(function (name) {
                return [name, "—", V.label(item.values[name])];
            })));
        } else if (item.operation === "unlink") {
            var record = item.record || {};
            node.appendChild(V.el("h2", "mcp-danger", "Delete " + model + " #" + item.id));
            node.appendChild(V.el("p", "", V.label(record.display_name || record.name || "")));
        } else {
            node.appendChild(V.el("h2", "", (item.operation || "Change") + " " + model));
            node.appendChild(V.el("pre", "", JSON.stringify(item, null, 2)));
        }
        return node;
    }

    function dryRun(root, data) {
        var changes = data.changes || [];
        root.appendChild(V.el("h1", "", data.would_succeed === false ? "This change would fail" :
            changes.length + (changes.length === 1 ? " change" : " changes") + " to confirm"));
        if (data.error) {
            root.appendChild(V.el("p", "mcp-error", data.error));
        }
        changes.forEach(function (item) {
            root.appendChild(change(item));
        });
    }

    function done(root, data) {
        var model = data.model || "";
        var text;
        if (data.deleted) {
            text = "Deleted " + data.deleted.length + " " + model + " record(s): #" + data.deleted.join(", #");
        } else if (data.updated !== undefined) {
            text = "Updated " + data.updated + " " + model + " record(s): #" + (data.ids || []).join(", #");
        } else if (data.id !== undefined) {
            text = "Created " + model + " #" + data.id + (data.display_name ? " (" + data.display_name + ")" : "");
        } else {
            text = JSON.stringify(data);
        }
        root.appendChild(V.el("h1", "", "Done"));
        root.appendChild(V.el("p", "", text));
    }

    V.start("changes", function (root, data) {
        (data.dry_run ? dryRun : done)(root, data);
    });
})();
