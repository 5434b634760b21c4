"""Business vocabulary: words people use ("customer", "open deal") mapped to a model and a domain, per company."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.domain_parser import DomainError, check_structure, parse_domain


class McpVocabularyTerm(models.Model):
    _name = "mcp.vocabulary.term"
    _description = "MCP Business Term"
    _order = "term, company_id, id"

    term = fields.Char(required=True, help="The business word, e.g. 'customer' or 'open deal'.")
    synonyms = fields.Char(help="Other words for the same thing, separated by commas.")
    description = fields.Text(help="What the term means here; shown to the agent.")
    model_id = fields.Many2one("ir.model", string="Model", required=True, ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Model Name", store=True)
    domain = fields.Char(default="[]", required=True,
                         help="Odoo domain selecting the records the term means, e.g. [('customer_rank', '>', 0)].")
    company_id = fields.Many2one("res.company", string="Company", default=lambda self: self.env.company,
                                 help="Leave empty to share the term with every company.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("term_company_unique", "unique(term, company_id, model_id)",
         "A term is defined once per model and company."),
    ]

    def words(self):
        """The term and its synonyms, stripped and lowercased, the term first."""
        self.ensure_one()
        words = [self.term, *(self.synonyms or "").split(",")]
        return list(dict.fromkeys(word.strip().lower() for word in words if word and word.strip()))

    def domain_list(self):
        """The stored domain as a list (parsed without evaluation)."""
        self.ensure_one()
        return parse_domain(self.domain or "[]")

    @api.constrains("domain", "model_id")
    def _check_domain(self):
        for term in self:
            try:
                domain = term.domain_list()
                check_structure(domain)
                self.env[term.model_name]._where_calc(domain)
            except (DomainError, ValueError, KeyError, TypeError) as exc:
                raise ValidationError(_("The domain of the term '%(term)s' is not valid for %(model)s: %(error)s",
                                        term=term.term, model=term.model_name, error=exc)) from None

    @api.model
    def _create_default_terms(self):
        """Create the default terms whose model and fields exist in this database (install hook)."""
        defaults = [
            ("company", "organisation, organization", "res.partner", [("is_company", "=", True)],
             _("Partners that are companies, not individual contacts.")),
            ("customer", "client, buyer", "res.partner", [("customer_rank", ">", 0)],
             _("Partners the company has sold to.")),
            ("vendor", "supplier", "res.partner", [("supplier_rank", ">", 0)],
             _("Partners the company buys from.")),
            ("unpaid invoice", "open invoice, receivable", "account.move",
             [("move_type", "=", "out_invoice"), ("state", "=", "posted"),
              ("payment_state", "in", ["not_paid", "partial"])],
             _("Posted customer invoices not fully paid.")),
            ("open deal", "open opportunity, pipeline", "crm.lead",
             [("type", "=", "opportunity"), ("stage_id.is_won", "=", False), ("active", "=", True)],
             _("Opportunities in a stage that is not won.")),
        ]
        for term, synonyms, model_name, domain, description in defaults:
            if model_name not in self.env or self._domain_unusable(model_name, domain):
                continue
            self.create({"term": term, "synonyms": synonyms, "model_id": self.env["ir.model"]._get_id(model_name),
                         "domain": repr(domain), "description": description, "company_id": False})

    @api.model
    def _domain_unusable(self, model_name, domain):
        model = self.env[model_name]
        return any(leaf[0].split(".")[0] not in model._fields for leaf in domain)
