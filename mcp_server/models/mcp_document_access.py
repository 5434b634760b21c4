"""What a key may read of documents: stored attachments and rendered reports.

Attachments (every path that returns their content): an attachment is readable when the profile grants
``ir.attachment`` (its domain applies, and its field list must allow ``datas`` or ``raw``), or when it
belongs to a record (``res_model``/``res_id``: chatter files, the PDFs kept by "Send by email") that
the key may read in full: the model is granted for reading without a field list and the record is
within the model's domain. The attachment holding a binary field's value (``res_field``) follows that
field's rule instead, as the read tool does: record within the domain, field allowed.

Reports: a report prints whole records, beyond any field list. It is rendered only when every record it
read is one the key may read in full (the same test as above, record by record): the printed records, and
the related ones it shows (customer, salesperson, parent company...). Not counted: the rendering
engine's own technical data (``ir.*``, ``report.*``, user groups), reference data (languages,
currencies, countries), and the letterhead (the user's companies, their partners and bank accounts,
and the user's own user record).
"""
from collections import defaultdict

from odoo import _, api, models

from ..lib.jsonrpc import AccessDeniedByPolicy

ENGINE_PREFIXES = ("ir.", "report.")
ENGINE_MODELS = frozenset({"res.groups"})  # read by access checks while rendering
REFERENCE_MODELS = frozenset({
    "res.lang", "res.currency", "res.country", "res.country.state", "res.country.group", "res.partner.title",
    "uom.uom", "uom.category",
})


def cached_records(env):
    """``{model name: {ids}}`` of the records that have values in the transaction's cache."""
    loaded = defaultdict(set)
    for field, field_cache in env.cache._data.items():
        if not field_cache or field.name == "id":
            continue
        if isinstance(next(iter(field_cache)), tuple):  # context-dependent field: {context key: {id: value}}
            ids = {record_id for sub_cache in field_cache.values() for record_id in sub_cache}
        else:
            ids = set(field_cache)
        loaded[field.model_name].update(record_id for record_id in ids if isinstance(record_id, int))
    return loaded


class McpDocumentAccess(models.AbstractModel):
    _inherit = "mcp.tool.registry"

    # ------------------------------------------------------------------
    # Attachments
    # ------------------------------------------------------------------
    @api.model
    def _readable_attachments(self, policy, attachments):
        """The attachments among ``attachments`` whose content the key may read (see the module's rule)."""
        Attachment = self.env["ir.attachment"]
        readable = set()
        if policy.allows("ir.attachment", "read") and (
                policy.field_allowed(Attachment, "datas") or policy.field_allowed(Attachment, "raw")):
            readable |= policy.ids_in_scope(Attachment, attachments.ids)
        by_model = defaultdict(list)
        for attachment in attachments.sudo():  # where each file belongs, to apply that record's rule
            if attachment.id not in readable and attachment.res_model and attachment.res_id:
                by_model[attachment.res_model].append(attachment)
        for model_name, group in by_model.items():
            if model_name not in self.env or not policy.allows(model_name, "read"):
                continue
            model = self.env[model_name]
            in_full = not policy.has_field_allowlist(model_name)
            in_scope = policy.ids_in_scope(model, {attachment.res_id for attachment in group})
            readable.update(attachment.id for attachment in group if attachment.res_id in in_scope and (
                policy.field_allowed(model, attachment.res_field) if attachment.res_field else in_full))
        return attachments.browse([attachment_id for attachment_id in attachments.ids if attachment_id in readable])

    @api.model
    def _check_attachment(self, call, attachment_id):
        """The attachment, or a denial saying what an administrator can grant (naming nothing out of reach)."""
        attachment = self.env["ir.attachment"].browse(attachment_id).exists()
        if attachment and self._readable_attachments(call.policy, attachment):
            return attachment
        owner = attachment.sudo()
        if owner and not owner.res_field and owner.res_model in self.env and owner.res_id \
                and call.policy.allows(owner.res_model, "read") and call.policy.has_field_allowlist(owner.res_model) \
                and call.policy.ids_in_scope(self.env[owner.res_model], [owner.res_id]):
            raise AccessDeniedByPolicy(_(
                "Attachment %(id)s belongs to a %(model)s record, which this key reads with a field list: documents "
                "can show any of the record's data, so they are readable only for models granted without a field "
                "list. An administrator can remove the field list of %(model)s or grant read on ir.attachment.",
                id=attachment_id, model=owner.res_model))
        raise AccessDeniedByPolicy(_(
            "Attachment %s is not accessible with this key: documents are readable for records the key may read in "
            "full (model granted without a field list, record within its domain), or with a grant on ir.attachment.",
            attachment_id))

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    @api.model
    def _report_refusals(self, policy, loaded):
        """``{model: reason}`` for the records a rendering read that the key may not read in full."""
        loaded = {model: set(ids) for model, ids in loaded.items()}
        attachments = self.env["ir.attachment"].browse(sorted(loaded.pop("ir.attachment", ())))
        for attachment in (attachments - self._readable_attachments(policy, attachments)).sudo():
            if attachment.res_model and attachment.res_id:  # a record's document: the record's rule decides
                loaded.setdefault(attachment.res_model, set()).add(attachment.res_id)
        self._drop_letterhead(loaded)
        refusals = {}
        for model_name, ids in sorted(loaded.items()):
            if not ids or model_name.startswith(ENGINE_PREFIXES) or model_name in ENGINE_MODELS \
                    or model_name in REFERENCE_MODELS or model_name not in self.env:
                continue
            if not policy.allows(model_name, "read"):
                refusals[model_name] = _("not granted")
            elif policy.has_field_allowlist(model_name):
                refusals[model_name] = _("granted with a field list")
            elif ids - policy.ids_in_scope(self.env[model_name], ids):
                refusals[model_name] = _("records outside its domain")
        return refusals

    @api.model
    def _drop_letterhead(self, loaded):
        """Forget what every report prints: the user's companies, their partners and bank accounts, the user."""
        companies = self.env.user.company_ids.sudo()
        loaded.get("res.company", set()).difference_update(companies.ids)
        loaded.get("res.partner", set()).difference_update(companies.partner_id.ids + self.env.user.partner_id.ids)
        loaded.get("res.users", set()).discard(self.env.user.id)
        banks = loaded.get("res.partner.bank")
        if banks:
            banks.difference_update(self.env["res.partner.bank"].sudo().with_context(active_test=False).search([
                ("id", "in", list(banks)), ("partner_id", "in", companies.partner_id.ids)]).ids)

    @api.model
    def _render_report_checked(self, call, report, ids):
        """``(content, format)`` of ``report`` for ``ids``, refused when it printed what the key may not read."""
        report = report.with_context(report_pdf_no_attachment=True)  # render now: never a stored copy
        self.env.invalidate_all()  # so the cache holds exactly what the rendering reads
        if self._pdf_engine_available():
            content, _kind = report._render_qweb_pdf(report.report_name, ids)
            file_format = "pdf"
        else:
            content, _kind = report._render_qweb_html(report.report_name, ids)
            file_format = "html"
        refusals = self._report_refusals(call.policy, cached_records(self.env))
        if refusals:
            raise AccessDeniedByPolicy(_(
                "Report %(report)s prints data this key may not read in full: %(models)s. Reports are rendered only "
                "when every record they print can be read without a field list and within the domain; an "
                "administrator can grant read on these models without a domain or field list.",
                report=report.report_name,
                models="; ".join("%s (%s)" % (name, reason) for name, reason in refusals.items())))
        return content, file_format
