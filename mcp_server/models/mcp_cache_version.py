"""Versions of what the server's caches are built from: precise invalidation shared by every worker.

A cached lookup (``tools.ormcache``) takes the version of what it depends on as part of its key. A change
bumps that version in the database, in the changing transaction: once it commits, every worker's next
lookup misses and reads the new data, and nothing else is flushed (Odoo's own caches stay warm). Versions
come from a sequence, so a value is never reused, even after a rollback.
"""
from odoo import api, models
from odoo.tools import SQL

# The names of the versions, and what bumps them.
ACCESS = "access"          # access profiles and their rules
KEYS = "keys"              # MCP keys and Odoo API keys
# Per cursor: the versions read in this transaction, until it bumps one (then always read again). A cursor
# outlives its transactions (cron runs, job runners commit between units of work): the memo goes at commit
# and rollback, so that the next transaction reads the versions again.
_MEMO = "mcp_cache_versions"
_MEMO_KEYS = (_MEMO, _MEMO + ".bumped", _MEMO + ".hooked")


def _forget_memo(cache):
    for key in _MEMO_KEYS:
        cache.pop(key, None)


def _memo_until_transaction_ends(cr):
    """Have the cursor forget the memo when the transaction commits or rolls back."""
    cache = cr.cache  # the dict itself: closing a cursor drops its ``cache`` attribute, then rolls back
    if not cache.get(_MEMO + ".hooked"):
        cache[_MEMO + ".hooked"] = True
        cr.postcommit.add(lambda: _forget_memo(cache))
        cr.postrollback.add(lambda: _forget_memo(cache))


class McpCacheVersion(models.AbstractModel):
    _name = "mcp.cache.version"
    _description = "MCP cache versions"

    def init(self):
        self.env.cr.execute(SQL(
            """CREATE SEQUENCE IF NOT EXISTS mcp_cache_version_seq;
               CREATE TABLE IF NOT EXISTS mcp_cache_version (
                   name varchar PRIMARY KEY,
                   version bigint NOT NULL)"""))

    @api.model
    def _current(self, name):
        """The version of ``name`` (0 before its first change); one query per transaction."""
        cache = self.env.cr.cache
        versions = cache.get(_MEMO)
        if versions is None:
            self.env.cr.execute(SQL("SELECT name, version FROM mcp_cache_version"))
            versions = dict(self.env.cr.fetchall())
            if not cache.get(_MEMO + ".bumped"):
                cache[_MEMO] = versions
                _memo_until_transaction_ends(self.env.cr)
        return versions.get(name, 0)

    @api.model
    def _bump(self, *names):
        """Give ``names`` new versions: what was cached for them is not used again once this commits."""
        for name in names:
            self.env.cr.execute(SQL(
                """INSERT INTO mcp_cache_version (name, version) VALUES (%s, nextval('mcp_cache_version_seq'))
                   ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version""", name))
        # A savepoint may roll the bump back: this transaction reads its versions from the database from now on.
        self.env.cr.cache.pop(_MEMO, None)
        self.env.cr.cache[_MEMO + ".bumped"] = True
        _memo_until_transaction_ends(self.env.cr)


class McpCachedConfiguration(models.AbstractModel):
    """Models whose rows feed cached lookups: every change bumps the versions in ``_mcp_cache_names``."""

    _name = "mcp.cached.configuration"
    _description = "MCP cached configuration"
    _mcp_cache_names = ()
    # Fields whose change no cached lookup depends on (bookkeeping).
    _mcp_cache_ignored_fields = frozenset({"message_main_attachment_id"})

    def _bump_cache_versions(self):
        self.env["mcp.cache.version"]._bump(*self._mcp_cache_names)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._bump_cache_versions()
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(vals) - self._mcp_cache_ignored_fields:
            self._bump_cache_versions()
        return result

    def unlink(self):
        result = super().unlink()
        self._bump_cache_versions()
        return result
