"""Adversarial checks of the access policy: a scoped key must not leak a single value.

Data (see conftest ``data``): companies Acme (city paris) and Globex (city lyon), contacts Alice
(paris, works for Globex) and Bob (lyon, works for Acme). Every e-mail address holds a secret.

* ``companies`` key: res.partner, domain is_company = True, fields name and city.
* ``parisians`` key: res.partner, domain city = paris, fields name, city and parent_id.
* Rita: an internal user without any administration right, for Odoo's own rules on top.
"""
import json

import pytest

from conftest import TAG, McpError, create_key, last_audit, max_audit_id

SECRET_MARKERS = ("secret-acme", "secret-globex", "@private.test", "@acme.test", "@globex.test")
ALL_OPS = "res.partner:read,create,write,unlink"


@pytest.fixture(scope="module")
def companies_key(data):
    return create_key("e2e companies", grants=[ALL_OPS], domains={"res.partner": [["is_company", "=", True]]},
                      fields={"res.partner": ["name", "city"]})


@pytest.fixture(scope="module")
def parisians_key(data):
    return create_key("e2e parisians", grants=[ALL_OPS], domains={"res.partner": [["city", "=", data["paris"]]]},
                      fields={"res.partner": ["name", "city", "parent_id"]})


@pytest.fixture
def companies(connect, companies_key):
    return connect(companies_key)


@pytest.fixture
def parisians(connect, parisians_key):
    return connect(parisians_key)


@pytest.fixture
def audit(db):
    """``audit.check(secret, tool)``: the calls since the test started produced one 'denied' row each."""

    class Audit:
        start = max_audit_id(db)

        def denied(self, secret, tool=None):
            rows = last_audit(db, secret, self.start)
            assert rows, "no audit row"
            latest = rows[0]
            assert latest["status"] == "denied", latest
            if tool:
                assert latest["tool"] == tool, latest
            return latest

    return Audit()


def assert_no_secret(payload):
    text = json.dumps(payload)
    for marker in SECRET_MARKERS:
        assert marker not in text, "leaked %s in %s" % (marker, text[:500])


def partner(admin, partner_id, *fields):
    """A partner as the administrator sees it (the ground truth)."""
    return admin.ok("read", model="res.partner", ids=[partner_id], fields=list(fields))["records"][0]


# -- reading --------------------------------------------------------------------------------------
def test_search_read_stays_in_the_domain_and_the_field_allowlist(companies, data):
    ours = ["%s %s" % (name, TAG) for name in ("Acme", "Globex", "Alice", "Bob")]
    result = companies.ok("search_read", model="res.partner", domain=[["name", "in", ours]])
    assert {r["id"] for r in result["records"]} == {data["acme"], data["globex"]}
    for record in result["records"]:
        assert set(record) <= {"id", "name", "city", "display_name"}, record
    assert_no_secret(result)
    # An OR in the caller's domain cannot widen the key's domain.
    escaped = companies.ok("search_read", model="res.partner", domain=[
        "|", ["name", "=", "Alice %s" % TAG], ["id", "=", data["bob"]]])
    assert escaped["records"] == []


def test_counts_match_the_domain(companies, admin, data):
    all_companies = admin.ok("search_count", model="res.partner", domain=[["is_company", "=", True]])["count"]
    assert companies.ok("search_count", model="res.partner")["count"] == all_companies
    # is_company is outside the field allowlist: the key may not even filter on it.
    assert companies.tool("search_count", model="res.partner", domain=[["is_company", "=", False]])["isError"]
    assert companies.ok("search_count", model="res.partner", domain=[["name", "=", "Alice %s" % TAG]])["count"] == 0


def test_read_by_id_outside_the_domain_is_refused(companies, companies_key, audit, data):
    message = companies.fails("read", model="res.partner", ids=[data["alice"]], fields=["name"])
    assert str(data["alice"]) in message and "not accessible" in message
    assert "Alice" not in message
    audit.denied(companies_key, "read")
    # One forbidden id refuses the whole call: nothing of the allowed record is returned either.
    mixed = companies.tool("read", model="res.partner", ids=[data["acme"], data["alice"]])
    assert mixed["isError"] is True
    assert "Acme" not in json.dumps(mixed)
    audit.denied(companies_key, "read")


@pytest.mark.parametrize("fields", [["email"], ["name", "email"], ["parent_id"], ["child_ids"], ["phone"]])
def test_fields_outside_the_allowlist_are_refused(companies, companies_key, audit, data, fields):
    message = companies.fails("read", model="res.partner", ids=[data["acme"]], fields=fields)
    assert fields[-1] in message
    audit.denied(companies_key, "read")
    result = companies.tool("search_read", model="res.partner", domain=[["id", "=", data["acme"]]], fields=fields)
    assert result["isError"] is True
    assert_no_secret(result)
    audit.denied(companies_key, "search_read")


@pytest.mark.parametrize("domain", [
    [["email", "ilike", "secret-acme"]],
    [["phone", "!=", False]],
    [["parent_id.email", "ilike", "private"]],
    [["child_ids.email", "ilike", "private"]],
    [["child_ids", "any", [["email", "ilike", "private"]]]],
    [["parent_id", "ilike", "Globex"]],
    ["|", ["name", "=", "x"], ["email", "ilike", "secret"]],
    [["name", "=", "x"], "!", ["email", "=", False]],
    "[('email', 'ilike', 'secret')]",
])
def test_filters_on_forbidden_fields_are_refused(companies, companies_key, audit, domain):
    for tool in ("search_read", "search_count"):
        result = companies.tool(tool, model="res.partner", domain=domain)
        assert result["isError"] is True, (tool, domain, result)
        assert_no_secret(result)
        audit.denied(companies_key, tool)


def test_display_name_search_cannot_probe_emails(companies, data):
    """Odoo searches a partner's name *and e-mail* on display_name: the key only gets the name."""
    token = "secret-acme-%s" % TAG
    assert companies.ok("search_count", model="res.partner", domain=[["display_name", "ilike", token]])["count"] == 0
    assert companies.ok("name_search", model="res.partner", name=token)["results"] == []
    found = companies.ok("name_search", model="res.partner", name="Acme %s" % TAG)["results"]
    assert found == [{"id": data["acme"], "name": "Acme %s" % TAG}]


def test_name_search_stays_in_the_domain(companies):
    assert companies.ok("name_search", model="res.partner", name="Alice %s" % TAG)["results"] == []
    assert companies.ok("name_search", model="res.partner", name=TAG, operator="ilike")["results"] != []


@pytest.mark.parametrize("order", ["email", "name, email desc", "parent_id", "child_ids"])
def test_sorting_by_forbidden_fields_is_refused(companies, order):
    result = companies.tool("search_read", model="res.partner", order=order)
    assert result["isError"] is True, order


def test_sorting_by_a_one2many_is_a_clear_error(admin):
    """x2many fields cannot sort; the server says so instead of failing internally."""
    message = admin.fails("search_read", model="res.partner", order="child_ids", limit=1)
    assert "child_ids" in message and "sort" in message


@pytest.mark.parametrize("domain", [[["name", "child_of", None]], [["name", "parent_of", 1]]])
def test_operators_the_orm_cannot_apply_are_clear_errors(admin, domain):
    message = admin.fails("search_read", model="res.partner", domain=domain)
    assert "Invalid domain" in message


def test_describe_model_shows_only_allowed_fields(companies):
    described = companies.ok("describe_model", model="res.partner")
    assert set(described["fields"]) <= {"id", "name", "city", "display_name"}
    assert {"name", "city"} <= set(described["fields"])
    assert described["scope_restricted"] is True


def test_many2one_labels_outside_the_scope_stay_hidden(parisians, data):
    """Alice is in paris; her company Globex is in lyon, out of this key's reach: id only, no name."""
    alice = parisians.ok("read", model="res.partner", ids=[data["alice"]], fields=["name", "parent_id"])["records"][0]
    assert alice["parent_id"] == {"id": data["globex"]}
    assert "Globex" not in json.dumps(alice)
    result = parisians.tool("read", model="res.partner", ids=[data["globex"]], fields=["name"])
    assert result["isError"] is True


def test_resources_respect_the_policy(companies, companies_key, audit, data):
    acme = json.loads(companies.request("resources/read", {
        "uri": "odoo://record/res.partner/%d" % data["acme"]})["contents"][0]["text"])
    assert acme["name"] == "Acme %s" % TAG
    assert set(acme) <= {"id", "name", "city", "display_name"}
    assert_no_secret(acme)
    for uri in ("odoo://record/res.partner/%d" % data["alice"], "odoo://model/res.users/schema",
                "odoo://record/res.users/2"):
        with pytest.raises(McpError) as denied:
            companies.request("resources/read", {"uri": uri})
        assert denied.value.code == -32002
        assert "Alice" not in denied.value.message
        audit.denied(companies_key)
    uris = {r["uri"] for r in companies.request("resources/list")["resources"]}
    assert "odoo://model/res.partner/schema" in uris
    assert not any("res.users" in uri for uri in uris)


def test_models_not_granted_are_refused(companies, companies_key, audit):
    models = [m["model"] for m in companies.ok("list_models")["models"]]
    assert models == ["res.partner"]
    for model in ("res.users", "ir.config_parameter", "mcp.api.key"):
        message = companies.fails("search_read", model=model)
        assert "not allowed" in message
        audit.denied(companies_key, "search_read")
    assert companies.fails("describe_model", model="res.users")
    with pytest.raises(McpError) as prompt:
        companies.request("prompts/get", {"name": "explore_model", "arguments": {"model": "res.users"}})
    assert prompt.value.code == -32602
    audit.denied(companies_key)


# -- writing --------------------------------------------------------------------------------------
def test_write_outside_the_domain_is_refused_and_changes_nothing(companies, companies_key, audit, admin, data):
    message = companies.fails("write", model="res.partner", ids=[data["alice"]], values={"name": "Hacked"})
    assert str(data["alice"]) in message
    audit.denied(companies_key, "write")
    assert partner(admin, data["alice"], "name")["name"] == "Alice %s" % TAG


def test_write_of_a_forbidden_field_is_refused_and_changes_nothing(companies, companies_key, audit, admin, data):
    companies.fails("write", model="res.partner", ids=[data["acme"]], values={"email": "attacker@evil.test"})
    audit.denied(companies_key, "write")
    assert partner(admin, data["acme"], "email")["email"] == "secret-acme-%s@acme.test" % TAG
    companies.fails("write", model="res.partner", ids=[data["acme"]], values={"is_company": False})
    assert partner(admin, data["acme"], "is_company")["is_company"] is True


def test_write_moving_a_record_out_of_the_domain_is_refused(parisians, parisians_key, audit, admin, data):
    message = parisians.fails("write", model="res.partner", ids=[data["acme"]], values={"city": "Berlin-%s" % TAG})
    assert "nothing was changed" in message or "outside" in message
    audit.denied(parisians_key, "write")
    assert partner(admin, data["acme"], "city")["city"] == data["paris"]


def test_write_inside_the_domain_works(parisians, admin, data):
    parisians.ok("write", model="res.partner", ids=[data["acme"]], values={"name": "Acme Renamed %s" % TAG})
    assert partner(admin, data["acme"], "name")["name"] == "Acme Renamed %s" % TAG
    parisians.ok("write", model="res.partner", ids=[data["acme"]], values={"name": "Acme %s" % TAG})


def test_create_outside_the_domain_is_refused_and_creates_nothing(companies, companies_key, parisians,
                                                                  parisians_key, audit, admin, data):
    # The companies key cannot set is_company, so whatever it creates is a contact: outside its domain.
    companies.fails("create", model="res.partner", values={"name": "Intruder A %s" % TAG})
    audit.denied(companies_key, "create")
    parisians.fails("create", model="res.partner", values={"name": "Intruder B %s" % TAG, "city": data["lyon"]})
    audit.denied(parisians_key, "create")
    parisians.fails("create", model="res.partner", values={"name": "Intruder C %s" % TAG, "city": data["paris"],
                                                           "email": "x@evil.test"})
    assert admin.ok("search_count", model="res.partner", domain=[["name", "like", "Intruder"]])["count"] == 0


def test_create_and_unlink_inside_the_domain_work(parisians, admin, data):
    created = parisians.ok("create", model="res.partner", values={"name": "Newcomer %s" % TAG,
                                                                  "city": data["paris"]})
    assert partner(admin, created["id"], "city")["city"] == data["paris"]
    assert parisians.ok("unlink", model="res.partner", ids=[created["id"]])["deleted"] == [created["id"]]
    assert admin.ok("search_count", model="res.partner", domain=[["id", "=", created["id"]]])["count"] == 0


def test_unlink_outside_the_domain_is_refused_and_deletes_nothing(companies, companies_key, audit, admin, data):
    companies.fails("unlink", model="res.partner", ids=[data["alice"]])
    audit.denied(companies_key, "unlink")
    companies.fails("unlink", model="res.partner", ids=[data["globex"], data["bob"]])
    audit.denied(companies_key, "unlink")
    assert admin.ok("search_count", model="res.partner", domain=[
        ["id", "in", [data["alice"], data["bob"], data["globex"]]]])["count"] == 3


# -- Odoo's own access rights apply on top ---------------------------------------------------------
@pytest.fixture(scope="module")
def rita_key(data):
    return create_key("e2e rita", login=data["rita_login"],
                      grants=["res.users:read,write", "ir.config_parameter:read", "res.partner:read"])


def test_odoo_access_rights_apply_on_top_of_the_policy(connect, rita_key, audit, admin, data):
    rita = connect(rita_key)
    context = json.loads(rita.request("resources/read", {"uri": "odoo://context"})["contents"][0]["text"])
    assert context["user"]["login"] == data["rita_login"]

    # The policy allows writing users, Odoo does not let Rita change the administrator's login.
    message = rita.fails("write", model="res.users", ids=[2], values={"login": "owned"})
    assert "not allowed" in message.lower() or "access" in message.lower()
    audit.denied(rita_key, "write")
    assert admin.ok("read", model="res.users", ids=[2], fields=["login"])["records"][0]["login"] != "owned"
    # A user's name is stored on its partner: the key's read-only res.partner rule refuses it first.
    message = rita.fails("write", model="res.users", ids=[2], values={"name": "Owned"})
    assert "grant write on res.partner" in message

    # System parameters are for administrators only.
    result = rita.tool("search_read", model="ir.config_parameter", fields=["key", "value"])
    assert result["isError"] is True
    assert "mcp_server.enabled" not in json.dumps(result)
    audit.denied(rita_key, "search_read")

    # What Rita may do, she can.
    own = rita.ok("read", model="res.users", ids=[data["rita"]], fields=["name", "login"])["records"][0]
    assert own["login"] == data["rita_login"]
