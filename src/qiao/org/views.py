from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from qiao.core.forms import add_service_errors

from . import queries, services
from .filters import EmployeeFilter
from .forms import DepartmentForm, EmployeeForm, HandoverForm
from .models import Department, User
from .tables import EmployeeTable


@login_required
def employee_list(request):
    """The address book (ORG-5): every colleague's phone, department and position, searchable."""
    employees = User.objects.visible_to(request.user).select_related("department")
    employee_filter = EmployeeFilter(request.GET, queryset=employees, user=request.user)
    table = EmployeeTable(employee_filter.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = (
        "org/employee_list.html#results" if request.htmx and not request.htmx.boosted else "org/employee_list.html"
    )
    return render(request, template, {"filter": employee_filter, "table": table})


@login_required
def employee_detail(request, pk: int):
    employee = get_object_or_404(User.objects.visible_to(request.user).prefetch_related("roles"), pk=pk)
    colleagues = (
        User.objects.visible_to(request.user)
        .filter(department_id=employee.department_id, is_active=True)
        .exclude(pk=employee.pk)
        .order_by("full_name")[:12]
    )
    return render(
        request,
        "org/employee_detail.html",
        {
            "employee": employee,
            "colleagues": colleagues,
            "department_trail": Department.objects.get_ancestors(employee.department) if employee.department else [],
            "can_manage": request.user.has_code("org.manage"),
        },
    )


@login_required
def employee_edit(request, pk: int | None = None):
    services.require_code(request.user, "org.manage")
    employee = get_object_or_404(User.objects.visible_to(request.user, "edit"), pk=pk) if pk else None
    form = EmployeeForm(request.POST or None, instance=employee, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password", "")
        data["roles"] = list(data["roles"])
        try:
            if employee is None:
                employee = services.employee_create(actor=request.user, password=password, **data)
                messages.success(request, _("%(name)s has joined.") % {"name": employee.full_name})
            else:
                services.employee_update(actor=request.user, employee=employee, **data)
                if password:
                    services.employee_set_password(actor=request.user, employee=employee, password=password)
                messages.success(request, _("Saved %(name)s.") % {"name": employee.full_name})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("org:employee_detail", pk=employee.pk)
    return render(request, "org/employee_form.html", {"form": form, "employee": employee})


@login_required
def department_list(request):
    departments = list(
        Department.objects.visible_to(request.user).annotate(direct_count=Count("employees", distinct=True))
    )
    return render(
        request,
        "org/department_list.html",
        {
            "departments": queries.with_subtree_headcounts(departments),
        },
    )


@login_required
def department_edit(request, pk: int | None = None):
    """Add a department (under `?parent=`, else the root), or rename and move one (ORG-1)."""
    services.require_code(request.user, "org.manage")
    department = get_object_or_404(Department.objects.visible_to(request.user, "edit"), pk=pk) if pk else None
    # The drop-down preselects `?parent=` when it is one of its choices; otherwise the root, listed first.
    initial = {"parent": request.GET.get("parent")} if department is None else {}
    form = DepartmentForm(request.POST or None, actor=request.user, department=department, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if department is None:
                department = services.department_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Added %(name)s.") % {"name": department.name})
            else:
                services.department_update(actor=request.user, department=department, **form.cleaned_data)
                messages.success(request, _("Saved %(name)s.") % {"name": department.name})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("org:department_list")
    return render(request, "org/department_form.html", {"form": form, "department": department})


@login_required
def department_delete(request, pk: int):
    """Remove a department after a confirmation; the service refuses the root and any department
    that still has sub-departments or employees (ORG-1)."""
    services.require_code(request.user, "org.manage")
    department = get_object_or_404(Department.objects.visible_to(request.user, "edit"), pk=pk)
    if request.method == "POST":
        try:
            services.department_delete(actor=request.user, department=department)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Removed %(name)s.") % {"name": department.name})
        return redirect("org:department_list")
    return render(
        request,
        "org/department_confirm_delete.html",
        {"department": department, "department_trail": Department.objects.get_ancestors(department)},
    )


@login_required
def employee_handover(request, pk: int):
    """ORG-6: hand every record a leaving employee owns, and their open activities, to a colleague."""
    services.require_code(request.user, "org.manage")
    leaving = get_object_or_404(User.objects.visible_to(request.user, "edit"), pk=pk)
    form = HandoverForm(request.POST or None, actor=request.user, leaving=leaving)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.employee_handover(
                actor=request.user,
                leaving=leaving,
                successor=form.cleaned_data["successor"],
                deactivate=form.cleaned_data["deactivate"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)d records went to %(name)s.")
                % {"count": moved, "name": form.cleaned_data["successor"].get_full_name()},
            )
            return redirect("org:employee_detail", pk=leaving.pk)
    return render(
        request,
        "org/employee_handover.html",
        {"form": form, "employee": leaving, "summary": services.handover_summary(leaving)},
    )
