"""The Odoo skills this server ships (the MCP Skills extension, ``io.modelcontextprotocol/skills``).

A skill is a directory ``data/skills/<name>/`` holding a ``SKILL.md``: YAML front matter (``name``,
``description`` and a ``metadata`` map) followed by instructions for an agent. The front matter's
``metadata`` says what a skill needs, as space-separated strings (the Agent Skills format keeps
metadata values strings): ``odoo-models``, the models it works on, and ``odoo-tools``, the tools of
this server it calls. The files are read once, when this module is imported; their bytes are what
``resources/read`` serves and what the digests cover.
"""
import hashlib
import os
import re

import yaml

EXTENSION_ID = "io.modelcontextprotocol/skills"
SKILLS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "skills")
SKILL_FILE = "SKILL.md"
URI_PREFIX = "skill://"
MIME_TYPE = "text/markdown"
# Agent Skills naming rule: 1-64 characters, lowercase letters, digits and single hyphens inside.
NAME_RULE = re.compile(r"^(?!.*--)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$")
FRONT_MATTER = re.compile(rb"^---\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)


class Skill:
    """One shipped skill: its ``SKILL.md`` bytes, parsed front matter and requirements."""

    def __init__(self, name, content):
        match = FRONT_MATTER.match(content)
        if not match:
            raise ValueError("%s/%s has no YAML front matter" % (name, SKILL_FILE))
        self.frontmatter = yaml.safe_load(match.group(1).decode("utf-8"))
        if self.frontmatter.get("name") != name or not NAME_RULE.match(name):
            raise ValueError("the skill in %s/ must be named %r by its front matter" % (name, name))
        if not self.frontmatter.get("description"):
            raise ValueError("%s/%s has no description" % (name, SKILL_FILE))
        metadata = self.frontmatter.get("metadata") or {}
        self.name = name
        self.title = metadata.get("title", name)
        self.description = self.frontmatter["description"]
        self.content = content
        self.models = tuple(metadata.get("odoo-models", "").split())
        self.tools = tuple(metadata.get("odoo-tools", "").split())
        self.uri = "%s%s/%s" % (URI_PREFIX, name, SKILL_FILE)
        self.prompt_name = "skill_%s" % name.replace("-", "_")
        self.digest = "sha256:%s" % hashlib.sha256(content).hexdigest()

    @property
    def text(self):
        return self.content.decode("utf-8")

    @property
    def body(self):
        """The instructions without the front matter."""
        return self.text[FRONT_MATTER.match(self.content).end():].strip()

    def entry(self):
        """The ``Skill`` entry of ``skills/list`` and ``skills/get``: its one file with digest and size."""
        return {"uri": self.uri, "frontmatter": self.frontmatter,
                "resources": [{"uri": self.uri, "digest": self.digest, "size": len(self.content)}]}

    def resource(self):
        """The ``SKILL.md`` as listed by ``resources/list``."""
        return {"uri": self.uri, "name": self.name, "title": self.title, "description": self.description,
                "mimeType": MIME_TYPE}


def load_skills(directory=SKILLS_DIR):
    """The skills found in ``directory``, in name order."""
    skills = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name, SKILL_FILE)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                skills.append(Skill(name, handle.read()))
    return tuple(skills)


SKILLS = load_skills()
