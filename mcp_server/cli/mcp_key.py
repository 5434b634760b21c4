"""``odoo-bin mcp-key``: create an MCP API key (and its access profile) from the command line."""
import argparse
import json
import sys
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.cli import Command
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tools import config

from ..lib.domain_parser import DomainError, parse_domain
from ..lib.suggestions import did_you_mean

OPERATIONS = ("read", "create", "write", "unlink")


class McpKeyCommand(Command):
    """Create an MCP API key; prints the key alone as the last line of stdout"""

    name = "mcp-key"

    def _parser(self):
        parser = argparse.ArgumentParser(
            prog="odoo-bin --addons-path=ADDONS mcp-key",
            description="Create an MCP API key acting as a user. Without --grant the key reaches nothing.",
        )
        parser.add_argument("-d", "--database", required=True, help="database name")
        parser.add_argument("-c", "--config", help="Odoo configuration file")
        parser.add_argument("--db_host")
        parser.add_argument("--db_port")
        parser.add_argument("--db_user")
        parser.add_argument("--db_password")
        parser.add_argument("--login", required=True, help="login of the user the key acts as")
        parser.add_argument("--name", required=True, help="name of the key")
        parser.add_argument("--grant", action="append", default=[], metavar="MODEL:OPS",
                            help="allow operations on a model, e.g. res.partner:read,write (repeatable)")
        parser.add_argument("--domain", action="append", default=[], metavar="MODEL=JSON_DOMAIN",
                            help="restrict a granted model to records matching a domain (repeatable)")
        parser.add_argument("--fields", action="append", default=[], metavar="MODEL=f1,f2",
                            help="restrict a granted model to these fields (repeatable)")
        parser.add_argument("--methods", action="append", default=[], metavar="MODEL=m1,m2",
                            help="methods or buttons call_method may run on a granted model, e.g. "
                                 "sale.order=action_confirm,action_cancel (repeatable)")
        parser.add_argument("--expires-days", type=int, metavar="N", help="the key expires after N days")
        return parser

    def run(self, args):
        parser = self._parser()
        opts = parser.parse_args(args)
        try:
            grants = self._parse_grants(opts)
        except ValueError as exc:
            parser.error(str(exc))
        config_args = ["-d", opts.database]
        if opts.config:
            config_args += ["-c", opts.config]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if getattr(opts, option):
                config_args += ["--%s=%s" % (option, getattr(opts, option))]
        config.parse_config(config_args)
        try:
            registry = Registry(opts.database)
        except Exception as exc:  # noqa: BLE001 - any failure to open the database is a user error here
            sys.exit("mcp-key: error: cannot open database %r: %s" % (opts.database, exc))
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if "mcp.api.key" not in env:
                sys.exit("mcp-key: error: the mcp_server module is not installed in %r" % opts.database)
            try:
                secret = self._create_key(env, opts, grants)
            except (ValueError, UserError) as exc:  # UserError: a constraint of the key or profile
                cr.rollback()
                sys.exit("mcp-key: error: %s" % exc)
        print(secret)

    def _parse_grants(self, opts):
        grants = {}
        for grant in opts.grant:
            model, sep, ops = grant.partition(":")
            operations = [op.strip() for op in ops.split(",") if op.strip()]
            if not sep or not model or not operations:
                raise ValueError("--grant %r: expected MODEL:OPS, e.g. res.partner:read,write" % grant)
            unknown = [op for op in operations if op not in OPERATIONS]
            if unknown:
                raise ValueError("--grant %r: unknown operation(s) %s; use %s" % (
                    grant, ", ".join(unknown), ",".join(OPERATIONS)))
            grants.setdefault(model, {"operations": set(), "domain": None, "fields": None, "methods": None})
            grants[model]["operations"].update(operations)
        for option, key in (("domain", "domain"), ("fields", "fields"), ("methods", "methods")):
            for value in getattr(opts, option):
                model, sep, rest = value.partition("=")
                if not sep or not rest:
                    raise ValueError("--%s %r: expected MODEL=%s" % (option, value, "JSON_DOMAIN" if key == "domain"
                                                                      else "m1,m2" if key == "methods" else "f1,f2"))
                if model not in grants:
                    raise ValueError("--%s %r: model %s has no --grant" % (option, value, model))
                if key == "domain":
                    try:
                        raw = json.loads(rest)
                    except ValueError:
                        raw = rest  # Odoo's own syntax, e.g. [('is_company', '=', True)]
                    try:
                        grants[model]["domain"] = parse_domain(raw)
                    except DomainError as exc:
                        raise ValueError("--domain %r: %s" % (value, exc)) from None
                else:
                    grants[model][key] = [name.strip() for name in rest.split(",") if name.strip()]
        return grants

    def _create_key(self, env, opts, grants):
        user = env["res.users"].with_context(active_test=False).search([("login", "=", opts.login)], limit=1)
        if not user:
            raise ValueError("no user with login %r" % opts.login)
        if not user.active:
            raise ValueError("user %r is archived" % opts.login)
        rules = []
        for model_name, grant in sorted(grants.items()):
            model = env["ir.model"]._get(model_name)
            if not model:
                raise ValueError("model %r does not exist in this database.%s" % (
                    model_name, did_you_mean(model_name, env.registry.models)))
            rule = {"model_id": model.id, **{"perm_%s" % op: op in grant["operations"] for op in OPERATIONS}}
            if grant["domain"]:
                unknown = [leaf[0] for leaf in grant["domain"]
                           if isinstance(leaf, list) and leaf[0].split(".")[0] not in env[model_name]._fields]
                if unknown:
                    raise ValueError("--domain for %s: unknown field(s) %s.%s" % (
                        model_name, ", ".join(unknown), did_you_mean(unknown[0], env[model_name]._fields)))
                rule["domain"] = repr(grant["domain"])  # Odoo's syntax: True, not JSON's true
            if grant["fields"]:
                field_records = env["ir.model.fields"].search(
                    [("model_id", "=", model.id), ("name", "in", grant["fields"])])
                unknown = sorted(set(grant["fields"]) - set(field_records.mapped("name")))
                if unknown:
                    raise ValueError("--fields for %s: unknown field(s) %s.%s" % (
                        model_name, ", ".join(unknown), did_you_mean(unknown[0], env[model_name]._fields)))
                rule["field_ids"] = [(6, 0, field_records.ids)]
            if grant.get("methods"):
                rule["allowed_methods"] = ", ".join(grant["methods"])  # checked by the rule's constraint
            rules.append((0, 0, rule))
        granted = set().union(*(grant["operations"] for grant in grants.values()))
        scope = "full" if "unlink" in granted else "read_write" if granted & {"create", "write"} else "read_only"
        profile = env["mcp.access.profile"].create({
            "name": "%s (%s, %s)" % (opts.name, opts.login, datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")),
            "description": "Created by odoo-bin mcp-key",
            "scope": scope,
            "rule_ids": rules,
        })
        values = {"name": opts.name, "user_id": user.id, "owner_id": user.id, "profile_id": profile.id}
        if opts.expires_days is not None:
            if opts.expires_days <= 0:
                raise ValueError("--expires-days must be a positive number of days")
            values["expires_at"] = fields.Datetime.now() + timedelta(days=opts.expires_days)
        _key, secret = env["mcp.api.key"]._create_with_secret(values)
        return secret
