import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import DepartmentChoiceField
from .models import Department, User


class DepartmentSubtreeFilter(django_filters.ModelChoiceFilter):
    """A department includes its sub-departments, as managers expect."""

    field_class = DepartmentChoiceField

    def filter(self, queryset, department):
        if not department:
            return queryset
        return queryset.filter(**{f"{self.field_name}__path__startswith": department.path})


class EmployeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    department = DepartmentSubtreeFilter(
        label=_("Department"),
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
        field_name="department",
    )
    is_active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("true", _("Active")), ("false", _("Deactivated"))],
        empty_label=_("All"),
        method="by_status",
    )

    class Meta:
        model = User
        fields = ["q", "department", "is_active"]

    def __init__(self, data=None, *args, user, **kwargs):
        if data is not None and "is_active" not in data:
            # An address book lists current colleagues; "All" (an empty value) shows former ones too.
            data = data.copy()
            data["is_active"] = "true"
        super().__init__(data, *args, **kwargs)
        self.filters["department"].queryset = Department.objects.visible_to(user)
        self.form.fields["q"].widget.attrs.update(
            {
                "class": "form-control",
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Name, username, phone, position or e-mail"),
            }
        )
        for name in ("department", "is_active"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(username__icontains=value)
            | Q(phone__contains=value)
            | Q(position__icontains=value)
            | Q(email__icontains=value)
        )

    def by_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "true")
