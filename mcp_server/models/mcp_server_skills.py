"""The Skills extension (``io.modelcontextprotocol/skills``): ``skills/list``, ``skills/get``, the
``skill://<name>/SKILL.md`` resources, and each skill again as a prompt for clients without the extension.

A skill is offered to a key only when every model it works on is installed and readable under the
key's policy, and every tool it calls is available to the key (the tool catalog's own rule).
"""
from odoo import _, api, models

from ..lib import jsonrpc
from ..lib.jsonrpc import JsonRpcError
from ..lib.skills import EXTENSION_ID, MIME_TYPE, SKILLS, URI_PREFIX


class McpServerSkills(models.AbstractModel):
    _inherit = "mcp.server"

    # ------------------------------------------------------------------
    # Availability
    # ------------------------------------------------------------------
    @api.model
    def _skills_for(self, call):
        """The shipped skills this credential can carry out, in name order."""
        return [skill for skill in SKILLS if self._skill_available(skill, call)]

    @api.model
    def _skill_available(self, skill, call):
        if not all(model in self.env and call.policy.allows(model, "read") for model in skill.models):
            return False
        registry = self.env["mcp.tool.registry"]
        catalog = registry._catalog()
        return all(name in catalog and registry._tool_available(catalog[name], call) for name in skill.tools)

    @api.model
    def _skill_by_uri(self, uri, call):
        """The available skill whose ``SKILL.md`` is at ``uri``, or None."""
        skill = next((skill for skill in SKILLS if skill.uri == uri), None)
        return skill if skill and self._skill_available(skill, call) else None

    # ------------------------------------------------------------------
    # Protocol
    # ------------------------------------------------------------------
    def _extensions(self, call):
        return dict(super()._extensions(call), **{EXTENSION_ID: {
            "skills/list": self._rpc_skills_list, "skills/get": self._rpc_skills_get}})

    def _rpc_skills_list(self, params, call):
        """``{skills: [Skill entry], nextCursor?}``: each entry whole on one page."""
        return self._paginate([skill.entry() for skill in self._skills_for(call)], params, "skills")

    def _rpc_skills_get(self, params, call):
        """``{skill: Skill entry}`` for ``params.uri``; -32602 when it names no skill this key is offered."""
        uri = params.get("uri")
        if not isinstance(uri, str):
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _("skills/get needs the 'uri' of a skill's SKILL.md."))
        skill = self._skill_by_uri(uri, call)
        if skill is None:
            raise JsonRpcError(jsonrpc.INVALID_PARAMS, _(
                "Unknown skill: %s. skills/list gives the skills this key can use.", uri[:200]), {"uri": uri[:200]})
        return {"skill": skill.entry()}

    # ------------------------------------------------------------------
    # Resources
    # ------------------------------------------------------------------
    def _resource_descriptions(self, call):
        return super()._resource_descriptions(call) + [
            self._with_icons([skill.resource()], call, self._skill_icon_path(skill))[0]
            for skill in self._skills_for(call)]

    def _rpc_resources_read(self, params, call):
        uri = params.get("uri")
        skill = self._skill_by_uri(uri, call) if isinstance(uri, str) and uri.startswith(URI_PREFIX) else None
        if skill is None:
            return super()._rpc_resources_read(params, call)
        return {"contents": [{"uri": skill.uri, "mimeType": MIME_TYPE, "text": skill.text}]}

    # ------------------------------------------------------------------
    # Prompts (clients without the extension)
    # ------------------------------------------------------------------
    def _prompt_descriptions(self, call):
        return super()._prompt_descriptions(call) + [
            self._with_icons([{"name": skill.prompt_name, "title": skill.title, "description": skill.description,
                               "arguments": []}], call, self._skill_icon_path(skill))[0]
            for skill in self._skills_for(call)]

    @api.model
    def _skill_icon_path(self, skill):
        """A skill shows the icon of the app of its first model."""
        return self._app_icon_path(skill.models[0]) if skill.models else self._addon_icon_path("mcp_server")

    def _rpc_prompts_get(self, params, call):
        name = params.get("name")
        skill = next((s for s in SKILLS if s.prompt_name == name), None)
        if skill is None or not self._skill_available(skill, call):
            return super()._rpc_prompts_get(params, call)
        text = _("Follow this Odoo skill (%(uri)s) to do the task. Call only the tools it names, with the "
                 "arguments it shows; stop and ask when a step is refused.\n\n%(body)s", uri=skill.uri, body=skill.body)
        return {"description": skill.description,
                "messages": [{"role": "user", "content": {"type": "text", "text": text}}]}
