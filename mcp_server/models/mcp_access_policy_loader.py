"""The loader of access policies: ``mcp.access.policy._load(profile_id)``, cached per worker."""
from odoo import api, models, tools

from .mcp_access_policy import AccessPolicy
from .mcp_cache_version import ACCESS


class McpAccessPolicyLoader(models.AbstractModel):
    _name = "mcp.access.policy"
    _description = "MCP access policy loader"

    @api.model
    def _load(self, profile_id):
        """The (cached) policy of a profile; an empty policy when there is none. Cached per worker with
        the version of the access configuration: a change to any profile or rule applies to the next request."""
        if not profile_id:
            return AccessPolicy({})
        return self._load_cached(profile_id, self.env["mcp.cache.version"]._current(ACCESS))

    @api.model
    @tools.ormcache("profile_id", "version")
    def _load_cached(self, profile_id, version):
        profile = self.env["mcp.access.profile"].sudo().browse(profile_id)
        if not profile.exists() or not profile.active:
            return AccessPolicy({})
        entries = {}
        for rule in profile.rule_ids:
            if rule.model_name in self.env:
                entries[rule.model_name] = rule._as_policy_entry()
        return AccessPolicy(entries, profile._governance())
