"""Secrets issued by the authorization server: random, recognisable by their marker, stored as SHA-256.

A secret is 32 random bytes (URL-safe base64) after a marker that tells what it is, so a leaked
token can be recognised by secret scanners and routed without a database lookup. The server keeps
only the SHA-256 of a secret (high entropy needs no slow KDF) and a short prefix to recognise it.
"""
import hashlib
import secrets

from odoo.tools import SQL

OAUTH_MARKER = "mcpo_"
ACCESS_MARKER = "mcpo_at_"
REFRESH_MARKER = "mcpo_rt_"
CODE_MARKER = "mcpo_ac_"
CLIENT_SECRET_MARKER = "mcpo_cs_"
CLIENT_ID_MARKER = "mcpc_"
PREFIX_LENGTH = len(ACCESS_MARKER) + 6
MAX_SECRET_LENGTH = 200


def new_secret(marker):
    return marker + secrets.token_urlsafe(32)


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def new_client_id():
    return CLIENT_ID_MARKER + secrets.token_urlsafe(18)


def add_hash_column(cr, table, column):
    """Add ``column`` (varchar, not an ORM field: never read or exported through the ORM) to ``table``
    for the SHA-256 of its secrets, with the unique index ``<table>_hash_uniq`` that finds one in a lookup."""
    cr.execute(SQL("ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s varchar",
                   SQL.identifier(table), SQL.identifier(column)))
    cr.execute(SQL("CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s)", SQL.identifier("%s_hash_uniq" % table),
                   SQL.identifier(table), SQL.identifier(column)))
