import django_filters
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import LookupSelect
from qiao.org.filters import DepartmentSubtreeFilter
from qiao.org.models import Department, User


class MainObjectFilter(django_filters.FilterSet):
    """Search plus the relations every main object has; choices come from what the user sees."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    # Looked up as the user types: an organization may have thousands of employees, and rendering
    # them all as options made a list page several times slower.
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
        widget=LookupSelect(reverse_lazy("user-list"), "full_name", empty_label=_("Anyone")),
    )
    owner_department = DepartmentSubtreeFilter(
        label=_("Owner department"),
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
        field_name="owner_department",
    )
    search_fields: list[str] = []
    search_placeholder = _("Search")

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = User.objects.visible_to(request.user).order_by("full_name")
        self.filters["owner_department"].queryset = Department.objects.visible_to(request.user)
        self.form.fields["q"].widget.attrs.update(
            {"class": "form-control", "type": "search", "autocomplete": "off", "placeholder": self.search_placeholder}
        )
        for name, field in self.form.fields.items():
            if name != "q":
                field.widget.attrs.setdefault("class", "form-select")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
