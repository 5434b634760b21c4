#!/usr/bin/env python3
"""Indexing throughput and ``search_knowledge`` latency of ``mcp_knowledge``.

Run with the Python that runs Odoo 18 (``import odoo`` works; reportlab and pdfminer.six installed).
It:

1. creates a fresh database and installs ``mcp_knowledge`` without demo data;
2. creates 200 partners and 2 000 documents attached to them, a third each of one-page PDFs
   (written by reportlab, Odoo's own PDF library), DOCX and plain text, about 250 words each
   from a Zipf-distributed vocabulary, each with a unique reference word;
3. indexes the queue with ``--index-workers`` processes (default 2: the 2 cores), each on its share
   of the documents, one transaction per document as the job runner does, and reports documents per
   second (Odoo runs a cron in one worker at a time: the cron alone indexes at the one-process rate);
   then re-indexes 60 documents of each type in one process for a rate per type;
4. adds synthetic chunks (random text from the same vocabulary, written with ``COPY`` and
   vectorised in SQL) until the index holds ``--chunks`` chunks (default 100 000);
5. starts ``odoo-bin`` (threaded) and calls ``search_knowledge`` (keyword) through ``/mcp`` with
   an MCP key of the administrator granted ``res.partner:read``: distinctive queries (a document's
   reference word and a common word) and common two-word queries, printing p50/p95 latency;
6. drops the database (unless ``--keep-db``).

Example::

    python3 bench/bench_knowledge.py --documents 2000 --chunks 100000 --requests 200
"""
import argparse
import functools
import io
import multiprocessing
import os
import random
import time
import uuid

from benchlib.database import BenchDatabase, add_database_options, add_odoo_options
from benchlib.http_client import session_tool_caller
from benchlib.odoo_side import log, machine_description
from benchlib.stats import markdown_table, percentile

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "pa", "ol", "ir", "um", "en", "as", "tri", "bel",
             "cor", "dan", "fel"]
WORDS_PER_DOCUMENT = 250
TYPE_COLUMNS = [("Type", "%s"), ("Documents", "%d"), ("One process (documents/s)", "%.1f")]
QUERY_COLUMNS = [("Queries", "%s"), ("p50 (ms)", "%.1f"), ("p95 (ms)", "%.1f"), ("With results", "%.0f%%")]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--chunks", type=int, default=100000, help="Chunks in the index when searching.")
    parser.add_argument("--requests", type=int, default=200, help="Measured calls per query set.")
    parser.add_argument("--index-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8285)
    add_database_options(parser)
    add_odoo_options(parser)
    parser.set_defaults(db="mcp_bench_knowledge_%s" % uuid.uuid4().hex[:6])
    return parser.parse_args(argv)


def vocabulary(size=4000, seed=7):
    rng = random.Random(seed)
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    words = sorted(words)
    weights = [1.0 / (rank + 1) for rank in range(size)]  # Zipf: a few common words, many rare ones
    return words, weights


def sentences(rng, words, weights, count):
    chosen = rng.choices(words, weights, k=count)
    return [" ".join(chosen[i:i + 12]).capitalize() + "." for i in range(0, count, 12)]


@functools.lru_cache
def sample_files():
    """``mcp_knowledge/tests/files.py`` (the tests' document builders), loaded without the test package."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "mcp_knowledge", "tests",
                        "files.py")
    spec = importlib.util.spec_from_file_location("mcp_knowledge_sample_files", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def document_content(kind, lines):
    files = sample_files()
    if kind == "pdf":
        wrapped = [line[:95] for line in lines]
        return "contract-%s.pdf", files.pdf_bytes([wrapped]), "application/pdf"
    if kind == "docx":
        return "policy-%s.docx", files.docx_bytes(lines), \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return "notes-%s.txt", "\n\n".join(lines).encode(), "text/plain"


def create_documents(odoo_side, count, words, weights):
    """Partners and attached documents (queued by the attachment hook); answers the creation time."""
    rng = random.Random(11)
    started = time.perf_counter()
    with odoo_side.registry.cursor() as cr:
        env = odoo_side.env(cr)
        partners = env["res.partner"].create([{"name": "Bench Customer %03d" % i, "is_company": True}
                                              for i in range(200)])
        for start in range(0, count, 100):
            values = []
            for index in range(start, min(start + 100, count)):
                kind = ("pdf", "docx", "txt")[index % 3]
                lines = ["Reference ref%05d for customer %d." % (index, index % 200)]
                lines += sentences(rng, words, weights, WORDS_PER_DOCUMENT)
                name, data, mimetype = document_content(kind, lines)
                values.append({"name": name % index, "raw": data, "mimetype": mimetype,
                               "res_model": "res.partner", "res_id": partners[index % 200].id})
            env["ir.attachment"].create(values)
            cr.commit()
    return time.perf_counter() - started


def index_part(job):
    """One indexing process (forked: Odoo's configuration is inherited): the queued documents whose id
    modulo ``parts`` is ``part``, one transaction per document as the job runner does. Answers the count."""
    db, part, parts = job
    import odoo
    from odoo.modules.registry import Registry

    registry = Registry(db)
    with registry.cursor() as cr:
        ids = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["mcp.knowledge.document"].search(
            [("state", "=", "queued")], order="id").ids
    ids = [document_id for document_id in ids if document_id % parts == part]
    for document_id in ids:
        with registry.cursor() as cr:
            odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["mcp.knowledge.document"].browse(
                document_id)._index_documents()
    return len(ids)


def index_all(odoo_side, args):
    """Index the queue with ``args.index_workers`` processes; answers (wall seconds, documents)."""
    import odoo

    odoo.sql_db.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.index_workers) as pool:
        counts = pool.map(index_part, [(args.db, part, args.index_workers) for part in range(args.index_workers)])
    return time.perf_counter() - started, sum(counts)


def per_type_rates(odoo_side, sample=60):
    """``{type: documents/s}`` of one process re-indexing ``sample`` documents of each type (rolled back)."""
    rates = {}
    with odoo_side.registry.cursor() as cr:
        Document = odoo_side.env(cr)["mcp.knowledge.document"]
        for kind in ("pdf", "docx", "txt"):
            documents = Document.search([("file_type", "=", kind), ("state", "=", "done")], limit=sample)
            began = time.perf_counter()
            documents._index_documents()
            rates[kind] = (len(documents), len(documents) / (time.perf_counter() - began))
        cr.rollback()
    return rates


def add_synthetic_chunks(odoo_side, target, words, weights):
    """Fill the index up to ``target`` chunks with random passages of the same vocabulary (COPY + SQL)."""
    rng = random.Random(13)
    with odoo_side.registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM mcp_knowledge_chunk")
        missing = target - cr.fetchone()[0]
        cr.execute("SELECT id, attachment_id, res_id FROM mcp_knowledge_document WHERE state = 'done'")
        documents = cr.fetchall()
        started = time.perf_counter()
        buffer = io.StringIO()
        for index in range(max(0, missing)):
            document_id, attachment_id, res_id = documents[index % len(documents)]
            text = " ".join(sentences(rng, words, weights, 150))
            buffer.write("%s\t%s\tres.partner\t%s\t%s\t1\t0\t%s\tenglish\n" % (
                document_id, attachment_id, res_id, 1000 + index, text))
        buffer.seek(0)
        cr.copy_from(buffer, "mcp_knowledge_chunk", columns=(
            "document_id", "attachment_id", "res_model", "res_id", "sequence", "page", "char_offset", "content",
            "ts_config"))
        cr.execute("UPDATE mcp_knowledge_chunk SET tsv = to_tsvector(ts_config::regconfig, content) WHERE tsv IS NULL")
        cr.execute("ANALYZE mcp_knowledge_chunk")
        cr.execute("SELECT count(*) FROM mcp_knowledge_chunk")
        total = cr.fetchone()[0]
    log("added %d synthetic chunks in %.0f s; the index holds %d chunks" % (
        max(0, missing), time.perf_counter() - started, total))
    return total


def mcp_caller(port, key):
    call_tool = session_tool_caller(port, key)

    def call(query):
        return call_tool("search_knowledge", {"query": query, "limit": 10})["structuredContent"]["count"]
    return call


def measure_queries(call, queries, requests):
    for query in queries[:10]:
        call(query)  # warm-up
    latencies, hits = [], 0
    for index in range(requests):
        began = time.perf_counter()
        hits += call(queries[index % len(queries)]) > 0
        latencies.append(time.perf_counter() - began)
    latencies.sort()
    return percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000, hits / requests


def search_latency(args, database, words, key):
    rng = random.Random(17)
    by_frequency = words  # vocabulary() weights words by their rank in this list
    distinctive = ["ref%05d %s" % (rng.randrange(args.documents), by_frequency[rng.randrange(10)])
                   for _ in range(100)]
    mid = ["%s %s" % (by_frequency[rng.randrange(50, 500)], by_frequency[rng.randrange(50, 500)]) for _ in range(100)]
    frequent = ["%s %s" % (by_frequency[rng.randrange(10)], by_frequency[rng.randrange(10)]) for _ in range(100)]
    with database.serve(0, args.port):
        call = mcp_caller(args.port, key)
        return {"distinctive (a reference + a frequent word)": measure_queries(call, distinctive, args.requests),
                "two words of rank 50-500": measure_queries(call, mid, args.requests),
                "two of the 10 most frequent words": measure_queries(call, frequent, args.requests)}


def index_and_report(args, odoo_side, words, weights):
    """Create and index the documents; print the indexing rates."""
    created = create_documents(odoo_side, args.documents, words, weights)
    log("created %d attachments in %.1f s (Odoo's own indexation at upload included)" % (args.documents, created))
    wall, indexed = index_all(odoo_side, args)
    odoo_side.load()
    print("\n## mcp_knowledge benchmark (%s)\n" % machine_description())
    print("Indexing %d documents (a third each PDF, DOCX, text) with %d processes: %.1f s, "
          "**%.1f documents/s**\n" % (indexed, args.index_workers, wall, indexed / wall))
    rates = [(kind, count, rate) for kind, (count, rate) in per_type_rates(odoo_side).items()]
    print("\n".join(markdown_table(TYPE_COLUMNS, rates)))


def main(argv=None):
    args = parse_args(argv)
    with BenchDatabase(args) as database:
        odoo_side = database.odoo_side
        database.install("mcp_knowledge")
        words, weights = vocabulary()
        index_and_report(args, odoo_side, words, weights)
        total = add_synthetic_chunks(odoo_side, args.chunks, words, weights)
        with odoo_side.registry.cursor() as cr:
            cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = 'web.base.url'",
                       ["http://127.0.0.1:%d" % args.port])
            cr.execute("UPDATE ir_config_parameter SET value = 'True' WHERE key = 'mcp_server.enabled'")
        results = search_latency(args, database, words, database.mcp_key("admin"))
        print("\nsearch_knowledge (keyword, limit 10) through /mcp, %d chunks, %d calls per set, one client:\n" % (
            total, args.requests))
        rows = [(name, p50, p95, hit_rate * 100) for name, (p50, p95, hit_rate) in results.items()]
        print("\n".join(markdown_table(QUERY_COLUMNS, rows)))


if __name__ == "__main__":
    main()
