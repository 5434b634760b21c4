"""Candidate chunks for a query, best first, straight from PostgreSQL (no access filter here).

* keyword: ``websearch_to_tsquery`` in each document language in use against the chunk's ``tsv``
  (GIN index), ranked by ``ts_rank_cd``; when no chunk has every word, any word matches instead.
* fuzzy: ``pg_trgm`` word similarity of the query to the chunk text (trigram GIN index), for
  misspellings and partial words;
* semantic: cosine similarity of embeddings (``mcp.knowledge.embedding``);
* hybrid: keyword and semantic lists fused by reciprocal rank (``1 / (60 + rank)`` summed).

The caller filters the candidates through the key's access and pages on until it has enough. Hybrid
ranks are taken among the passages the key may see (``keep``): a rank counted among every passage
would tell, through the score, how many better passages of documents out of reach exist.
"""
import difflib
import re

from odoo import _, api, models
from odoo.addons.mcp_server.lib.jsonrpc import ToolError
from odoo.tools import SQL

FUZZY_THRESHOLD = "0.4"
HEADLINE_OPTIONS = "MaxWords=40, MinWords=15, StartSel=**, StopSel=**, MaxFragments=2, FragmentDelimiter=\" … \""
SNIPPET_CHARS = 240
RRF_K = 60
RANK_CAP = 1000
MAX_DEPTH = 5000
WORD = re.compile(r"\w+")
PERCENT = SQL("%%")  # a literal % (pg_trgm's <% operator) inside composed SQL


def fuse(rankings):
    """Reciprocal rank fusion of candidate lists: rows with the summed ``1 / (RRF_K + rank)`` as score."""
    scores, rows = {}, {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row[0]] = scores.get(row[0], 0.0) + 1.0 / (RRF_K + rank)
            rows[row[0]] = row[:4]
    order = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))
    return [(*rows[chunk_id], scores[chunk_id]) for chunk_id in order]


def visible_prefix(fetch, keep, want):
    """The first ``want`` rows of ``fetch(limit, offset)`` that ``keep`` (rows -> rows) passes, read
    deeper while too few passed (down to ``MAX_DEPTH`` candidates)."""
    depth = max(want, 1)
    while True:
        rows = fetch(depth, 0)
        kept = keep(rows)
        if len(kept) >= want or len(rows) < depth or depth >= MAX_DEPTH:
            return kept[:want]
        depth = min(depth * 2, MAX_DEPTH)


class McpKnowledgeSearch(models.AbstractModel):
    _name = "mcp.knowledge.search"
    _description = "MCP knowledge search"

    @api.model
    def _configs_in_use(self):
        self.env.cr.execute(SQL("SELECT DISTINCT ts_config FROM mcp_knowledge_document WHERE state = 'done'"))
        return [config for (config,) in self.env.cr.fetchall() if config]

    @api.model
    def _tsquery(self, config, query, any_word):
        """The tsquery of ``query`` in ``config``: every word (web search syntax), or any word."""
        if any_word:
            return SQL("replace(plainto_tsquery(%s::regconfig, %s)::text, '&', '|')::tsquery", config, query)
        return SQL("websearch_to_tsquery(%s::regconfig, %s)", config, query)

    @api.model
    def _filters(self, res_model, res_id):
        terms = [SQL("TRUE")]
        if res_model:
            terms.append(SQL("c.res_model = %s", res_model))
        if res_id:
            terms.append(SQL("c.res_id = %s", res_id))
        return SQL(" AND ").join(terms)

    @api.model
    def _fetcher(self, mode, query, res_model, res_id, any_word, keep=None):
        """``fetch(limit, offset)`` answering candidate rows of ``mode``, best first (the query embedded once);
        in keyword mode ``fetch.stats["capped"]`` tells that the query matched more chunks than were ranked.
        ``keep`` (rows -> the rows the caller may show) ranks hybrid candidates among visible ones only."""
        if mode == "fuzzy":
            return lambda limit, offset: self._fuzzy_candidates(query, res_model, res_id, limit, offset)
        if mode == "keyword":
            def keyword(limit, offset):
                return self._keyword_candidates(query, res_model, res_id, limit, offset, any_word, keyword.stats)
            keyword.stats = {}
            return keyword
        Embedding = self.env["mcp.knowledge.embedding"]
        vector = Embedding._query_vector(query)
        filters = self._filters(res_model, res_id)
        if mode == "semantic":
            return lambda limit, offset: Embedding._semantic_candidates(vector, filters, limit, offset)

        keep = keep or (lambda rows: rows)

        def hybrid(limit, offset):
            depth = offset + limit
            keyword = visible_prefix(
                lambda size, start: self._keyword_candidates(query, res_model, res_id, size, start), keep, depth) \
                or visible_prefix(lambda size, start: self._keyword_candidates(
                    query, res_model, res_id, size, start, any_word=True), keep, depth)
            semantic = visible_prefix(
                lambda size, start: Embedding._semantic_candidates(vector, filters, size, start), keep, depth)
            return fuse([keyword, semantic])[offset:depth]
        return hybrid

    @api.model
    def _keyword_candidates(self, query, res_model, res_id, limit, offset, any_word=False, stats=None):
        """``[(chunk id, attachment id, res_model, res_id, score)]``, best first.

        Ranking reads every matching chunk's vector: a query matching more than ``RANK_CAP`` chunks ranks
        the first ``RANK_CAP`` found (``stats["capped"]`` is then set) so that broad words stay fast.
        """
        configs = self._configs_in_use()
        if not configs:
            return []
        matches, ranks = [], []
        for config in configs:
            tsquery = self._tsquery(config, query, any_word)
            matches.append(SQL("(c.ts_config = %s AND c.tsv @@ %s)", config, tsquery))
            ranks.append(SQL("WHEN %s THEN ts_rank_cd(c.tsv, %s)", config, tsquery))
        self.env.cr.execute(SQL(
            "SELECT c.id, c.attachment_id, c.res_model, c.res_id, CASE c.ts_config %s END AS score, "
            "count(*) OVER () AS matched FROM (SELECT c.id, c.attachment_id, c.res_model, c.res_id, c.ts_config, "
            "c.tsv FROM mcp_knowledge_chunk c WHERE (%s) AND %s LIMIT %s) c "
            "ORDER BY score DESC, c.id LIMIT %s OFFSET %s",
            SQL(" ").join(ranks), SQL(" OR ").join(matches), self._filters(res_model, res_id), RANK_CAP + 1,
            limit, offset))
        rows = self.env.cr.fetchall()
        if stats is not None and rows and rows[0][5] > RANK_CAP:
            stats["capped"] = True
        return [row[:5] for row in rows]

    @api.model
    def _fuzzy_candidates(self, query, res_model, res_id, limit, offset):
        """``[(chunk id, attachment id, res_model, res_id, similarity)]``: chunks holding words like the query's."""
        if not self.env["mcp.knowledge.chunk"]._trigram_available():
            raise ToolError(_("Fuzzy search needs the PostgreSQL extension pg_trgm, which this database lacks. "
                              "Use mode keyword."))
        self.env.cr.execute(SQL("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                                FUZZY_THRESHOLD))
        self.env.cr.execute(SQL(
            "SELECT c.id, c.attachment_id, c.res_model, c.res_id, word_similarity(%s, c.content) AS score "
            "FROM mcp_knowledge_chunk c WHERE %s <%s c.content AND %s ORDER BY score DESC, c.id LIMIT %s OFFSET %s",
            query, query, PERCENT, self._filters(res_model, res_id), limit, offset))
        return self.env.cr.fetchall()

    @api.model
    def _keyword_snippets(self, chunk_ids, query, any_word):
        """``{chunk id: text with the matches in **bold**}`` (``ts_headline``)."""
        if not chunk_ids:
            return {}
        tsquery = self._tsquery(SQL("c.ts_config"), query, any_word)
        self.env.cr.execute(SQL("SELECT c.id, ts_headline(c.ts_config::regconfig, c.content, %s, %s) "
                                "FROM mcp_knowledge_chunk c WHERE c.id = ANY(%s)",
                                tsquery, HEADLINE_OPTIONS, list(chunk_ids)))
        return dict(self.env.cr.fetchall())

    @api.model
    def _fuzzy_snippets(self, chunk_ids, query):
        """``{chunk id: a passage around the word closest to the query's words, marked in **bold**}``."""
        terms = [term.lower() for term in WORD.findall(query)]
        snippets = {}
        for chunk in self.env["mcp.knowledge.chunk"].sudo().browse(chunk_ids):
            content = chunk.content
            best, best_ratio = None, 0.0
            for match in WORD.finditer(content):
                word = match.group().lower()
                ratio = max((difflib.SequenceMatcher(None, term, word).ratio() for term in terms), default=0.0)
                if ratio > best_ratio:
                    best, best_ratio = match, ratio
            if best is None:
                snippets[chunk.id] = content[:SNIPPET_CHARS]
                continue
            start = max(0, best.start() - SNIPPET_CHARS // 2)
            end = min(len(content), best.end() + SNIPPET_CHARS // 2)
            snippets[chunk.id] = "%s%s**%s**%s%s" % ("…" if start else "", content[start:best.start()], best.group(),
                                                     content[best.end():end], "…" if end < len(content) else "")
        return snippets
