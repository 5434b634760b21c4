"""Answers of the record tools sized for an agent: limits clamped, pages cut to the byte cap, the table text."""
import json

from odoo import _, api, models

from ..lib.answer_format import frame, table

NAME_SEARCH_MAX = 100


class McpToolsRecordsPaging(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    @api.model
    def _page_limit(self, call, requested):
        """``(limit, notice)``: the default when none is asked, the maximum (and a notice saying so) above it."""
        cap = call.settings.get("max_limit", 500)
        limit = requested or call.settings.get("default_limit", 80)
        if limit <= cap:
            return limit, None
        return cap, _("limit %(limit)s is over the maximum of %(cap)s: this page holds at most %(cap)s records; "
                      "page with next_offset.", limit=limit, cap=cap)

    @api.model
    def _archived_notice(self, model, name, count):
        return _("No active %(model)s matches '%(name)s', but %(count)s archived record(s) do: call again with "
                 "include_archived: true to see them.", model=model._name, name=name[:80], count=count)

    # ------------------------------------------------------------------
    # Text block and byte cap (hooks of the registry)
    # ------------------------------------------------------------------
    @api.model
    def _answer_text(self, spec, structured, arguments):
        if spec is None or not spec.paging or arguments.get("format") != "table" \
                or "records" not in structured:
            return super()._answer_text(spec, structured, arguments)
        return self._table_text(structured)

    @api.model
    def _table_text(self, structured):
        """A line about the page, then the records as a framed table (lossless for the values shown)."""
        facts = [_("%(count)s %(model)s record(s)", count=structured["count"], model=structured["model"])]
        if "next_offset" in structured:
            facts.append(_("more match: next_offset %s", structured["next_offset"]))
        facts.append(_("datetimes UTC, user timezone %s", structured.get("timezone") or "UTC"))
        lines = ["; ".join(facts) + "."]
        if structured.get("notice"):
            lines.append(structured["notice"])
        if structured.get("failed_fields"):
            lines.append(_("Fields not read: %s",
                           json.dumps(structured["failed_fields"], ensure_ascii=False, default=str)))
        lines.append(frame(table(structured["records"]), _("Records as a tab-separated table (\\t \\n \\\\ "
                                                           "escaped, relations as #id name)")))
        return "\n".join(lines)

    @api.model
    def _clamp_answer(self, spec, structured, arguments, cap):
        """The longest first part of the records whose answer fits ``cap`` bytes, with ``has_more``."""
        records = structured.get("records") if spec is not None and spec.paging else None
        if not records:
            return super()._clamp_answer(spec, structured, arguments, cap)
        offset = arguments.get("offset") or 0

        def page(count):
            clamped = dict(structured, records=records[:count], count=count, has_more=True)
            if spec.paging == "offset":
                clamped["next_offset"] = offset + count
                cut = _("Cut to %(count)s record(s) to stay under the %(cap)s KB answer cap; continue "
                        "with offset %(next)s, or ask for fewer fields.",
                        count=count, cap=cap // 1024, next=offset + count)
            else:
                cut = _("Cut to %(count)s of %(total)s record(s) to stay under the %(cap)s KB answer "
                        "cap; read the other ids in another call, or ask for fewer fields.",
                        count=count, total=len(records), cap=cap // 1024)
            # What the answer said already (a lowered limit, names withheld) stays said.
            clamped["notice"] = " ".join(filter(None, [cut, structured.get("notice")]))
            return clamped

        def fits(count):
            candidate = page(count)
            return self._answer_size(self._answer_text(spec, candidate, arguments), candidate, arguments) <= cap

        low, high = 0, len(records) - 1  # the largest count that fits, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            if fits(middle):
                low = middle
            else:
                high = middle - 1
        return page(low) if low and fits(low) else None
