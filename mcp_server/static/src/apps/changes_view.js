/* The changes view of create, write and unlink: a dry run's report (each change, fields before -> after:
 * what the person is asked to confirm) or the summary of what was done. */
(function () {
    "use strict";

    var V = window.McpView;

    function fieldRows(rows) {
        var table = V.el("table", "mcp-table");
        var head = V.el("tr");
        [V.t("Field"), V.t("Before"), V.t("After")].forEach(function (title) {
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
            node.appendChild(V.el("h2", "", V.t("Change %(model)s #%(id)s", {model: model, id: item.id})));
            var before = item.before || {};
            node.appendChild(fieldRows(Object.keys(item.after || {}).map(function (name) {
                return [name, V.label(before[name]), V.label(item.after[name])];
            })));
        } else if (item.operation === "create") {
            node.appendChild(V.el("h2", "", V.t("Create a %(model)s record", {model: model})));
            node.appendChild(fieldRows(Object.keys(item.values || {}).map(function (name) {
                return [name, "—", V.label(item.values[name])];
            })));
        } else if (item.operation === "unlink") {
            var record = item.record || {};
            node.appendChild(V.el("h2", "mcp-danger", V.t("Delete %(model)s #%(id)s", {model: model, id: item.id})));
            node.appendChild(V.el("p", "", V.label(record.display_name || record.name || "")));
        } else {
            node.appendChild(V.el("h2", "", (item.operation || "Change") + " " + model));
            node.appendChild(V.el("pre", "", JSON.stringify(item, null, 2)));
        }
        return node;
    }

    function dryRun(root, data) {
        var changes = data.changes || [];
        root.appendChild(V.el("h1", "", data.would_succeed === false ? V.t("This change would fail") :
            changes.length === 1 ? V.t("1 change to confirm") :
                V.t("%(count)s changes to confirm", {count: changes.length})));
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
            text = V.t("Deleted %(count)s %(model)s record(s): %(ids)s",
                {count: data.deleted.length, model: model, ids: "#" + data.deleted.join(", #")});
        } else if (data.updated !== undefined) {
            text = V.t("Updated %(count)s %(model)s record(s): %(ids)s",
                {count: data.updated, model: model, ids: "#" + (data.ids || []).join(", #")});
        } else if (data.id !== undefined) {
            text = V.t("Created %(model)s #%(id)s", {model: model, id: data.id}) +
                (data.display_name ? " (" + data.display_name + ")" : "");
        } else {
            text = JSON.stringify(data);
        }
        root.appendChild(V.el("h1", "", V.t("Done")));
        root.appendChild(V.el("p", "", text));
    }

    V.start("changes", function (root, data) {
        (data.dry_run ? dryRun : done)(root, data);
    });
})();
