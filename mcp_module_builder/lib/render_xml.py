"""XML files of a generated module (views, actions, menus, groups, record rules), built with lxml.

Element and attribute names are fixed here; every value from the spec is either a checked identifier
or text that lxml escapes (labels, help): no spec text can open a tag or an attribute.
"""
from lxml import etree
from lxml.builder import E

from .render_python import table_name

LIST_TYPES = ("char", "integer", "float", "monetary", "boolean", "date", "datetime", "selection", "many2one")
FORM_SKIPPED = ("one2many", "many2many", "html", "text")
COMPANY_GROUP = "base.group_multi_company"


def xml_document(*records):
    root = E.odoo(*records)
    return etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True).decode()


def field_node(name, **attributes):
    return E.field({"name": name, **attributes})


def view_record(model, view_type, arch):
    return E.record(
        {"id": "view_%s_%s" % (table_name(model["name"]), view_type), "model": "ir.ui.view"},
        E.field({"name": "name"}, "%s.%s" % (model["name"], view_type)),
        E.field({"name": "model"}, model["name"]),
        E.field({"name": "arch", "type": "xml"}, arch))


def title_field(model):
    return model.get("rec_name") or "id"


def list_arch(model):
    columns = [field_node(f["name"]) for f in model["fields"] if f["type"] in LIST_TYPES][:8]
    columns.append(field_node("company_id", groups=COMPANY_GROUP))
    return E.list({"string": model["description"]}, *columns)


def form_arch(model):
    header = []
    status = model.get("kanban_group_by")
    if status:
        header.append(E.header(field_node(status, widget="statusbar", options="{'clickable': '1'}")))
    rec_name = model.get("rec_name")
    simple = [f for f in model["fields"] if f["type"] not in FORM_SKIPPED and f["name"] not in (rec_name, status)]
    half = (len(simple) + 1) // 2
    left = [field_node(f["name"]) for f in simple[:half]]
    right = [field_node(f["name"]) for f in simple[half:]] + [field_node("company_id", groups=COMPANY_GROUP)]
    sheet = [E.div({"class": "oe_title"}, E.h1(field_node(rec_name, placeholder=model["description"])))] \
        if rec_name else []
    sheet.append(E.group(E.group(*left), E.group(*right)))
    wide = [f for f in model["fields"] if f["type"] in FORM_SKIPPED and f["name"] != rec_name]
    if wide:
        sheet.append(E.notebook(*[E.page({"string": f["string"], "name": f["name"]}, field_node(f["name"]))
                                  for f in wide]))
    children = [*header, E.sheet(*sheet)]
    if model["mail_thread"]:
        children.append(E.chatter())
    return E.form({"string": model["description"]}, *children)


def search_arch(model):
    nodes = [field_node(f["name"]) for f in model["fields"] if f["type"] in ("char", "many2one", "selection")]
    nodes.append(E.filter({"name": "inactive", "string": "Archived", "domain": "[('active', '=', False)]"}))
    groups = [E.filter({"name": "group_by_%s" % f["name"], "string": f["string"],
                        "context": "{'group_by': '%s'}" % f["name"]})
              for f in model["fields"] if f["type"] in ("selection", "many2one")]
    if groups:
        nodes.append(E.group({"expand": "0", "string": "Group By"}, *groups))
    return E.search(*nodes)


def kanban_arch(model):
    details = [field_node(f["name"]) for f in model["fields"]
               if f["type"] in ("many2one", "date", "datetime", "monetary") and f["name"] != model["rec_name"]][:3]
    card = E.t({"t-name": "card"}, field_node(title_field(model), **{"class": "fw-bold"}),
               *[E.div(node) for node in details])
    return E.kanban({"default_group_by": model["kanban_group_by"], "class": "o_kanban_small_column"},
                    E.templates(card))


def calendar_arch(model):
    return E.calendar({"string": model["description"], "date_start": model["calendar_date"], "mode": "month"},
                      field_node(title_field(model)))


ARCHES = {"list": list_arch, "form": form_arch, "search": search_arch, "kanban": kanban_arch,
          "calendar": calendar_arch}
VIEW_MODE_ORDER = ("kanban", "list", "form", "calendar")


def action_record(model):
    table = table_name(model["name"])
    modes = [mode for mode in VIEW_MODE_ORDER if mode in model["views"]]
    return E.record({"id": "action_%s" % table, "model": "ir.actions.act_window"},
                    E.field({"name": "name"}, model["menu"]),
                    E.field({"name": "res_model"}, model["name"]),
                    E.field({"name": "view_mode"}, ",".join(modes)))


def render_views(model):
    records = [view_record(model, view_type, ARCHES[view_type](model))
               for view_type in ("list", "form", "search", "kanban", "calendar") if view_type in model["views"]]
    records.append(action_record(model))
    return xml_document(*records)


def render_menus(spec):
    items = [E.menuitem({"id": "menu_root", "name": spec["title"], "sequence": "50",
                         "groups": "group_user"})]
    for sequence, model in enumerate(spec["models"], start=1):
        table = table_name(model["name"])
        items.append(E.menuitem({"id": "menu_%s" % table, "name": model["menu"], "parent": "menu_root",
                                 "action": "action_%s" % table, "sequence": str(sequence * 10)}))
    return xml_document(*items)


def render_security(spec):
    """Category, the user and manager groups, and one multi-company rule per model."""
    records = [
        E.record({"id": "module_category", "model": "ir.module.category"}, E.field({"name": "name"}, spec["title"])),
        E.record({"id": "group_user", "model": "res.groups"},
                 E.field({"name": "name"}, spec["user_group"]),
                 E.field({"name": "category_id", "ref": "module_category"}),
                 E.field({"name": "implied_ids", "eval": "[Command.link(ref('base.group_user'))]"})),
        E.record({"id": "group_manager", "model": "res.groups"},
                 E.field({"name": "name"}, spec["manager_group"]),
                 E.field({"name": "category_id", "ref": "module_category"}),
                 E.field({"name": "implied_ids", "eval": "[Command.link(ref('group_user'))]"}),
                 E.field({"name": "users", "eval": "[Command.link(ref('base.user_root')), "
                                                   "Command.link(ref('base.user_admin'))]"})),
    ]
    for model in spec["models"]:
        table = table_name(model["name"])
        records.append(E.record(
            {"id": "rule_%s_company" % table, "model": "ir.rule"},
            E.field({"name": "name"}, "%s: multi-company" % model["description"]),
            E.field({"name": "model_id", "ref": "model_%s" % table}),
            E.field({"name": "domain_force"}, "[('company_id', 'in', company_ids)]")))
    return xml_document(*records)
