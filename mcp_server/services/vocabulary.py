"""Business vocabulary under a policy: which terms a key may use and what they resolve to."""
from odoo import _

from ..lib.jsonrpc import ToolError
from ..lib.suggestions import closest


class Vocabulary:
    """The business terms of the user's companies that the policy lets the key use.

    Terms are configuration (``mcp.vocabulary.term``, edited by MCP administrators); they are read for the
    user's own companies (and shared terms), whatever the user's groups, and offered only when the policy
    allows reading their model.
    """

    def __init__(self, env, policy):
        self.env = env
        self.policy = policy

    def terms(self):
        """The usable terms, current company's first: a recordset of ``mcp.vocabulary.term``."""
        user = self.env.user
        terms = self.env["mcp.vocabulary.term"].sudo().search(
            [("company_id", "in", [*user.company_ids.ids, False])])
        usable = terms.filtered(lambda term: term.model_name and self.policy.allows(term.model_name, "read"))
        return usable.sorted(lambda term: (term.company_id != self.env.company, not term.company_id, term.term))

    def usable_terms(self):
        """The usable terms whose domain the policy accepts too (what ``odoo://vocabulary`` lists)."""
        def accepted(term):
            try:
                self.policy.secure_domain(self.env[term.model_name], term.domain_list())
            except ToolError:
                return False
            return True
        return self.terms().filtered(accepted)

    def describe(self, term):
        """``{term, synonyms, model, domain, description, company?}`` of one term record (no company: shared)."""
        described = {"term": term.term, "synonyms": term.words()[1:], "model": term.model_name,
                     "domain": term.domain_list(), "description": term.description or ""}
        if term.company_id:
            described["company"] = term.company_id.name
        return described

    def resolve(self, word):
        """``{term, matched, model, domain, applied_domain, description, company, synonyms}`` for a word.

        ``matched`` is the term or synonym the word matched; ``applied_domain`` is the domain as the key's
        searches apply it (the policy's record domain added). Matching ignores case and surrounding spaces and
        prefers the current company's term. Raises ``ToolError`` naming the closest known terms when none
        matches, and ``AccessDeniedByPolicy`` when the domain uses a field the key may not filter on.
        """
        wanted = " ".join((word or "").lower().split())
        terms = self.terms()
        for term in terms:
            if wanted in term.words():
                model = self.policy.check_model(self.env, term.model_name, "read")
                applied = self.policy.secure_domain(model, term.domain_list())
                return dict(self.describe(term), matched=wanted, applied_domain=applied)
        known = [w for term in terms for w in term.words()]
        suggestions = closest(wanted, known)
        hint = _(" Closest known terms: %s.", ", ".join(suggestions)) if suggestions else ""
        raise ToolError(_("Unknown business term '%(term)s' for this key.%(hint)s Read odoo://vocabulary for the "
                          "terms defined here.", term=(word or "")[:100], hint=hint))
