"""Roles (ORG-3): the list, and the editor — a matrix of object types × actions with a data scope
in each cell, the activity switches, and the special function permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core import permissions

from . import services
from .models import Role


@login_required
def role_list(request):
    roles = list(Role.objects.visible_to(request.user).annotate(holders=Count("users")).order_by("pk"))
    for role in roles:
        # What the role lets its holders see of customers, the records a role is mostly chosen for.
        role.customer_view = _cell_scope(role.permissions, role.data_scopes, "customer", "view")
    return render(request, "org/role_list.html", {"roles": roles})


def _cell_scope(codes, scopes: dict, type_code: str, action: str) -> permissions.Scope:
    """The scope a role gives for one object type and action, as the engine counts it: its data
    scope, with the action's function permission."""
    grant = permissions.grant_of(codes, scopes, type_code, action)
    return grant.effective if grant is not None else permissions.Scope.NONE


def _matrix(codes: set[str], scopes: dict) -> list[dict]:
    """One row per object type: the scope in each action's cell, whether it may add, its switches."""
    rows = []
    for kind in permissions.object_types():
        cells = [
            {"action": action, "scope": _cell_scope(codes, scopes, kind.code, action).code}
            for action in permissions.ACTIONS
        ]
        switches = (
            [{"name": name, "on": bool(scopes.get(kind.code, {}).get(name))} for name in permissions.ACTIVITY_SWITCHES]
            if kind.is_activity
            else []
        )
        rows.append({"kind": kind, "cells": cells, "can_add": f"{kind.code}.add" in codes, "switches": switches})
    return rows


def _special_codes():
    object_codes = {
        f"{kind.code}.{action}" for kind in permissions.object_types() for action in ("view", "add", "change", "delete")
    }
    return [code for code in permissions.all_codes() if code.code not in object_codes]


def _read_matrix(post) -> tuple[list[str], dict]:
    """The codes and data scopes a submitted matrix stands for: a scope other than `none` in a cell
    grants that action's function permission too, so the two never disagree."""
    codes = [code for code in post.getlist("codes") if permissions.is_known(code)]
    data_scopes = {}
    for kind in permissions.object_types():
        entry = {}
        for action in permissions.ACTIONS:
            scope = post.get(f"scope-{kind.code}-{action}", "none")
            entry[action] = scope
            if scope != "none":
                codes.append(f"{kind.code}.{permissions.code_for(action)}")
        if post.get(f"add-{kind.code}"):
            codes.append(f"{kind.code}.add")
        if kind.is_activity:
            entry.update({name: bool(post.get(f"switch-{kind.code}-{name}")) for name in permissions.ACTIVITY_SWITCHES})
        data_scopes[kind.code] = entry
    return codes, data_scopes


@login_required
def role_edit(request, pk: int | None = None):
    services.require_code(request.user, "org.manage")
    role = get_object_or_404(Role.objects.visible_to(request.user, "edit"), pk=pk) if pk else None
    errors = []
    codes, data_scopes = (role.permissions, role.data_scopes) if role else ([], {})
    if request.method == "POST":
        # On a refusal the page shows what was submitted, so nothing the admin chose is lost.
        codes, data_scopes = _read_matrix(request.POST)
        try:
            role = services.role_save(
                actor=request.user,
                role=role,
                name=request.POST.get("name", "").strip(),
                description=request.POST.get("description", ""),
                permissions=codes,
                data_scopes=data_scopes,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Saved the role “%(name)s”.") % {"name": role.name})
            return redirect("org:role_list")
    return render(
        request,
        "org/role_form.html",
        {
            "role": role,
            "matrix": _matrix(set(codes), data_scopes),
            "scopes": [(scope.code, scope.label) for scope in permissions.Scope],
            "special_codes": _special_codes(),
            "held_codes": set(codes),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
        },
    )


@login_required
@require_POST
def role_delete(request, pk: int):
    role = get_object_or_404(Role.objects.visible_to(request.user, "delete"), pk=pk)
    try:
        services.role_delete(actor=request.user, role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed the role “%(name)s”.") % {"name": role.name})
    return redirect("org:role_list")
