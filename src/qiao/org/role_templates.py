"""Default roles of a new organization, from the seed's position list (ORG-4) plus the sales
representative every distributor has. Each names the
function permissions and the data scopes per object type and action; object types registered
later start at `none` until an administrator widens them."""

from django.utils.translation import gettext_lazy as _

from qiao.core import permissions

ALL_ACTIONS = ("view", "add", "change", "delete")


def _object_codes(type_code: str, actions=ALL_ACTIONS) -> list[str]:
    return [f"{type_code}.{action}" for action in actions]


def _scopes(view: str, edit: str, delete: str, **switches) -> dict:
    return {"view": view, "edit": edit, "delete": delete, **switches}


def templates() -> list[dict]:
    """(name, description, codes, scopes for main objects, scopes for activities)."""
    return [
        {
            "name": _("CRM supervisor"),
            "description": _("Sees all data and assigns permissions."),
            "codes": [code.code for code in permissions.all_codes()],
            "main": _scopes("all", "all", "all"),
            "activity": _scopes("all", "all", "all", owned_objects=True, visible_objects=True),
        },
        {
            "name": _("Customer-management specialist"),
            "description": _("Keeps the customer archive complete and correct for the whole company."),
            # The seed's sales assistant reviews opportunity registrations (OPP-2).
            "codes": ["knowledge.browse", "knowledge.manage", "opportunity.review"],
            "object_actions": ALL_ACTIONS,
            "main": _scopes("all", "all", "owner_department"),
            "activity": _scopes("related_department", "owner", "owner", visible_objects=True),
        },
        {
            "name": _("Senior order follower"),
            "description": _("Follows orders and opportunities of their department and the ones below it."),
            # Team leads and sales managers review their teams' opportunity registrations (OPP-2).
            "codes": ["knowledge.browse", "lead.targets", "opportunity.review"],
            "object_actions": ALL_ACTIONS,
            "main": _scopes("related_department", "owner_department", "owner"),
            "activity": _scopes("related_department", "owner", "owner", owned_objects=True),
        },
        {
            "name": _("Sales representative"),
            "description": _("Works their own customers and the ones they are added to."),
            "codes": ["knowledge.browse"],
            "object_actions": ALL_ACTIONS,
            "main": _scopes("related_employee", "owner", "owner"),
            "activity": _scopes("related_employee", "owner", "owner", owned_objects=True),
        },
        {
            "name": _("Pre-sales support"),
            "description": _("Works on the records they are added to."),
            "codes": ["knowledge.browse"],
            "object_actions": ("view", "change"),
            "main": _scopes("related_employee", "related_employee", "none"),
            "activity": _scopes("related_employee", "owner", "owner", visible_objects=True),
        },
        {
            "name": _("Market-information specialist"),
            "description": _("Collects and enters market and prospect information."),
            "codes": ["knowledge.browse"],
            "object_actions": ("view", "add", "change"),
            "main": _scopes("all", "owner", "none"),
            # Prospects are their work: they keep every lead's details correct. Opportunities they
            # register stay theirs to follow; contracts are not their business.
            "types": {
                "lead": _scopes("all", "all", "none"),
                "opportunity": _scopes("owner", "owner", "none"),
                "contract": _scopes("none", "none", "none"),
            },
            "activity": _scopes("owner", "owner", "owner"),
        },
        {
            "name": _("Call-centre agent"),
            "description": _("Calls customers to verify and follow up; sees the archive, edits their own records."),
            "codes": ["knowledge.browse"],
            "object_actions": ("view", "add", "change"),
            "main": _scopes("all", "owner", "none"),
            # The archive, not the sales pipeline: only the opportunities they register, no contracts.
            "types": {"opportunity": _scopes("owner", "owner", "none"), "contract": _scopes("none", "none", "none")},
            "activity": _scopes("related_employee", "owner", "owner"),
        },
        {
            "name": _("Intern"),
            "description": _("Own data only."),
            "codes": ["knowledge.browse"],
            "object_actions": ("view", "add", "change"),
            "main": _scopes("owner", "owner", "none"),
            "activity": _scopes("owner", "owner", "none"),
        },
    ]


def role_fields(template: dict) -> dict:
    """The Role fields for one template, over the object types registered now."""
    codes = [code for code in template["codes"] if permissions.is_known(code)]
    data_scopes = {}
    for kind in permissions.object_types():
        if "object_actions" in template:
            codes += _object_codes(kind.code, template["object_actions"])
        main = template.get("types", {}).get(kind.code, template["main"])
        data_scopes[kind.code] = dict(template["activity"] if kind.is_activity else main)
    return {
        "name": str(template["name"]),
        "description": str(template["description"]),
        "permissions": sorted(set(codes)),
        "data_scopes": data_scopes,
    }
