/* Analytics results -> chart sections (the shape mcp_chart.js draws) and, per label, the domain of the
 * records behind it (window.McpChartData). Results: timeseries {series}, aggregate/top_n {groups},
 * pivot {columns, rows, measure}, compare_periods {rows}, funnel {stages}, cohort {cohorts}. */
(function () {
    "use strict";

    var V = window.McpView;
    var MAX_COHORTS = 10;

    function texts(values, currency) {
        return values.map(function (value) {
            return value === null || value === undefined ? "—" : V.number(value, currency);
        });
    }

    function series(label, values, currency) {
        return {label: label, data: values, texts: texts(values, currency)};
    }

    /* The first day after the bucket starting on `day` ("YYYY-MM-DD"). */
    function nextStart(day, granularity) {
        var date = new Date(day.slice(0, 10) + "T00:00:00Z");
        var months = {month: 1, quarter: 3, year: 12}[granularity];
        if (months) {
            date.setUTCMonth(date.getUTCMonth() + months);
        } else {
            date.setUTCDate(date.getUTCDate() + (granularity === "week" ? 7 : 1));
        }
        return date.toISOString().slice(0, 10);
    }

    /* The offset of `zone` (an IANA name) from UTC at the instant `time`, both in milliseconds. */
    function zoneOffset(time, zone) {
        var parts = {};
        new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
            day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"})
            .formatToParts(new Date(time)).forEach(function (part) { parts[part.type] = part.value; });
        return Date.UTC(+parts.year, parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - time;
    }

    /* Midnight at the start of `day` ("YYYY-MM-DD") in `zone`, as Odoo's UTC datetime text "YYYY-MM-DD HH:MM:SS";
     * the day itself when the zone is unknown to the browser. */
    function midnight(day, zone) {
        var wall = Date.parse(day + "T00:00:00Z");
        try {
            // The offset near that instant may differ from the offset at it on the day the clocks change: of
            // both, the first instant whose wall time is that day (the database's day of a datetime).
            var first = wall - zoneOffset(wall, zone);
            var starts = [first, wall - zoneOffset(first, zone)].filter(function (time) {
                return time + zoneOffset(time, zone) >= wall;
            });
            var time = starts.length ? Math.min.apply(null, starts) : first;
            return new Date(time).toISOString().slice(0, 19).replace("T", " ");
        } catch (error) {
            return day;
        }
    }

    /* Domain conditions selecting the records of one group value of `spec` ("field" or "field:month").
     * `zone`: the answer's timezone when the field is a datetime (the answer's datetime_fields): the tool's
     * buckets are days of that zone, so the bounds are its midnights in UTC, the way Odoo compares datetimes. */
    function conditions(spec, value, zone) {
        var parts = String(spec).split(":");
        if (Array.isArray(value)) {
            return null;
        }
        if (parts[1] && typeof value === "string") {
            var start = value.slice(0, 10);
            var end = nextStart(start, parts[1]);
            return zone ? [[parts[0], ">=", midnight(start, zone)], [parts[0], "<", midnight(end, zone)]] :
                [[parts[0], ">=", start], [parts[0], "<", end]];
        }
        if (value && typeof value === "object") {
            return [[parts[0], "=", value.id]];
        }
        return [[parts[0], "=", value === null || value === undefined ? false : value]];
    }

    /* The time zone of `spec`'s buckets when its field is a datetime, else null (dates have no zone). */
    function zoneOf(data, spec) {
        var datetimes = data.datetime_fields || [];
        return datetimes.indexOf(String(spec).split(":")[0]) >= 0 ? data.timezone || "UTC" : null;
    }

    /* The key of `spec` in the answer's rows (`sample`, one of them): the server groups a date given without
     * granularity by month, and its rows are keyed "date_order:month", not "date_order". */
    function keyOf(spec, sample) {
        spec = String(spec);
        if (!sample || spec in sample || spec.indexOf(":") >= 0) {
            return spec;
        }
        var keys = Object.keys(sample).filter(function (key) { return key.indexOf(spec + ":") === 0; });
        return keys.length === 1 ? keys[0] : spec;
    }

    function keysOf(specs, sample) {
        return specs.map(function (spec) { return keyOf(spec, sample); });
    }

    /* The spec of pivot's column: a date or datetime given without granularity is grouped by month (its column
     * values are then the months' first days). */
    function columnSpec(data, spec) {
        if (String(spec).indexOf(":") >= 0 || !data.columns.length) {
            return spec;
        }
        var dates = data.columns.every(function (c) { return typeof c === "string" && /^\d{4}-\d{2}-\d{2}$/.test(c); });
        return dates || zoneOf(data, spec) ? spec + ":month" : spec;
    }

    function allConditions(specs, values, data) {
        var domain = [];
        for (var i = 0; i < specs.length; i++) {
            var part = conditions(specs[i], values[i], zoneOf(data, specs[i]));
            if (!part) {
                return null;
            }
            domain = domain.concat(part);
        }
        return domain;
    }

    function timeseries(data, args) {
        var points = data.series || [];
        var labels = points.map(function (point) {
            return point.period;
        });
        var datasets = [];
        var currencies = points.length && points[0].by_currency ? Object.keys(points[0].by_currency) : [];
        if (currencies.length) {
            currencies.forEach(function (code) {
                datasets.push(series(code, points.map(function (p) { return p.by_currency[code]; }), code));
            });
        } else {
            datasets.push(series(V.fieldTitle(data.measure || "__count"), points.map(function (p) {
                return p.value;
            }), data.currency));
        }
        if (points.length && "previous_value" in points[0]) {
            datasets.push(series(V.t("Previous period"), points.map(function (p) {
                return p.previous_value;
            }), data.currency));
        }
        var spec = args.date_field ? args.date_field + ":" + (data.granularity || args.granularity) : null;
        return [{title: V.t("%(measure)s by %(groups)s", {measure: V.fieldTitle(data.measure || "__count"),
                                                          groups: data.granularity || V.t("period")}),
                 chart_type: labels.length > 31 ? "line" : "bar", labels: labels, datasets: datasets,
                 drill: spec ? labels.map(function (day) { return conditions(spec, day, zoneOf(data, spec)); }) : null}];
    }

    function groupSpecs(data, args, tool) {
        var groups = data.groups || [];
        if (tool === "top_n" || (groups.length && groups[0].rank !== undefined)) {
            return {groupby: keysOf(args.groupby ? [args.groupby] : [], groups[0]),
                    measures: [args.measure || "__count"]};
        }
        if (args.groupby || args.measures) {
            return {groupby: keysOf(args.groupby || [], groups[0]), measures: args.measures || ["__count"]};
        }
        var sample = groups[0] || {};
        var keys = Object.keys(sample).filter(function (key) {
            return key !== "currency" && key !== "rank";
        });
        return {
            groupby: keys.filter(function (key) { return typeof sample[key] !== "number"; }),
            measures: keys.filter(function (key) { return typeof sample[key] === "number"; }),
        };
    }

    function groups(data, args, tool) {
        var specs = groupSpecs(data, args, tool);
        var rows = data.groups || [];
        var labels = rows.map(function (group) {
            var text = specs.groupby.map(function (spec) { return V.label(group[spec]); }).join(" / ") || V.t("Total");
            return group.currency && !data.currency ? text + " (" + group.currency + ")" : text;
        });
        var drill = rows.map(function (group) {
            return allConditions(specs.groupby, specs.groupby.map(function (s) { return group[s]; }), data);
        });
        var by = specs.groupby.map(V.fieldTitle).join(", ");
        // One chart per measure: a count and an amount do not share a scale.
        return specs.measures.map(function (measure) {
            return {title: by ? V.t("%(measure)s by %(groups)s", {measure: V.fieldTitle(measure), groups: by}) :
                        V.fieldTitle(measure), chart_type: "bar", labels: labels, drill: drill,
                    format: measure === "__count" ? "integer" : undefined,
                    datasets: [{label: V.fieldTitle(measure), data: rows.map(function (g) { return g[measure]; }),
                                texts: rows.map(function (g) {
                                    return V.number(g[measure] || 0, measure === "__count" ? null :
                                        g.currency || data.currency);
                                })}]};
        });
    }

    function pivot(data, args) {
        var sample = data.rows.length ? data.rows[0].row : null;
        var rowSpecs = args.rows ? keysOf(args.rows, sample) : (sample ? Object.keys(sample) : []);
        var column = args.columns ? columnSpec(data, args.columns) : null;
        var labels = data.rows.map(function (row) {
            return rowSpecs.map(function (spec) { return V.label(row.row[spec]); }).join(" / ");
        });
        // Date buckets come in the order groups were found: show them in time order.
        var columns = data.columns.every(function (c) { return typeof c === "string"; }) ?
            data.columns.slice().sort() : data.columns;
        var datasets = columns.map(function (value) {
            return series(V.label(value), data.rows.map(function (row) {
                return row.values[String(value)] || 0;
            }), data.currency);
        });
        var measure = V.fieldTitle(data.measure);
        var rowTitle = rowSpecs.map(V.fieldTitle).join(", ");
        return [{title: column ? V.t("%(measure)s by %(rows)s and %(column)s",
                                     {measure: measure, rows: rowTitle, column: V.fieldTitle(column)}) :
                    V.t("%(measure)s by %(groups)s", {measure: measure, groups: rowTitle}),
                 chart_type: "bar", stacked: true, labels: labels, datasets: datasets,
                 drill: data.rows.map(function (row) {
                     return allConditions(rowSpecs, rowSpecs.map(function (spec) { return row.row[spec]; }),
                                          data);
                 }),
                 columnDrill: column ? columns.map(function (value) {
                     return conditions(column, value, zoneOf(data, column));
                 }) : null}];
    }

    function comparePeriods(data, args) {
        var groupby = keysOf(args.groupby || [], data.rows[0]);
        var measure = (args.measures || ["__count"])[0];
        var labels = data.rows.map(function (row) {
            return groupby.map(function (spec) { return V.label(row[spec]); }).join(" / ") || V.t("Total");
        });
        function period(key, name) {
            var range = args[key] ? " (" + args[key].from + " – " + args[key].to + ")" : "";
            return series(name + range, data.rows.map(function (row) {
                return (row[measure] || {})[key === "period_a" ? "a" : "b"] || 0;
            }), data.currency);
        }
        return [{title: V.t("%(measure)s: two periods", {measure: V.fieldTitle(measure)}), chart_type: "bar",
                 labels: labels, drill: null,
                 datasets: [period("period_a", V.t("Period A")), period("period_b", V.t("Period B"))]}];
    }

    function funnel(data, args) {
        var stages = data.stages || [];
        var field = args.stage_field;
        var pct = data.overall_conversion_pct;
        return [{title: pct === null || pct === undefined ? V.t("Funnel") :
                    V.t("Funnel: %(percent)s overall", {percent: V.number(pct) + " %"}),
                 chart_type: "bar", format: "integer",
                 labels: stages.map(function (s) { return V.label(s.label || s.stage); }),
                 datasets: [series(V.t("Reached"), stages.map(function (s) { return s.reached; })),
                            series(V.t("In stage"), stages.map(function (s) { return s.count; }))],
                 drill: field ? stages.map(function (s) { return [[field, "=", s.stage]]; }) : null}];
    }

    function cohort(data) {
        var cohorts = (data.cohorts || []).slice(-MAX_COHORTS);
        var length = cohorts.reduce(function (most, c) { return Math.max(most, c.retention_pct.length); }, 0);
        var labels = [];
        for (var i = 0; i < length; i++) {
            labels.push("+" + i + " " + (data.granularity || ""));
        }
        return [{title: V.t("Retention by cohort") + " (%)", chart_type: "line", labels: labels, drill: null,
                 datasets: cohorts.map(function (c) {
                     return {label: c.cohort + " (" + c.size + ")", data: c.retention_pct,
                             texts: c.retention_pct.map(function (pct) { return V.number(pct) + " %"; })};
                 })}];
    }

    function sections(data, args, tool) {
        if (data.series) {
            return timeseries(data, args);
        }
        if (data.cohorts) {
            return cohort(data);
        }
        if (data.stages) {
            return funnel(data, args);
        }
        if (data.columns && data.rows) {
            return pivot(data, args);
        }
        if (data.groups) {
            return groups(data, args, tool);
        }
        return data.rows ? comparePeriods(data, args) : [];
    }

    window.McpChartData = {sections: sections, conditions: conditions, midnight: midnight};
})();
