"""The customer list's filters: the search box (CUS-6), the classifications (CUS-4), tags, region,
owner and department. Every choice offered comes from what the user can see."""

import functools

import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from qiao.core.filters import MainObjectFilter

from . import queries
from .models import Customer, Tag, choices

CLASSIFICATION_FILTERS = [
    *choices.CLASSIFICATION_FIELDS,
    "source",
]


@functools.cache
def provinces() -> list[str]:
    """China's provinces, municipalities and regions, as the address parser writes them, in
    their administrative code order (北京市, 天津市, 河北省 …): a fixed list, no query."""
    import csv
    from importlib import resources

    with resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as lines:
        rows = [row for row in csv.DictReader(lines) if row["adcode"][2:6] == "0000"]
    return [row["name"] for row in sorted(rows, key=lambda row: row["adcode"])]


def _choice_filter(field: str, choice_class) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=capfirst(Customer._meta.get_field(field).verbose_name), choices=choice_class.choices, empty_label=_("Any")
    )


class CustomerFilter(MainObjectFilter):
    search_placeholder = _("Name, pinyin or initials, phone, contact, tag, credit code or address")

    size = _choice_filter("size", choices.Size)
    cooperation_status = _choice_filter("cooperation_status", choices.CooperationStatus)
    nature = _choice_filter("nature", choices.Nature)
    volume = _choice_filter("volume", choices.Volume)
    tenure = _choice_filter("tenure", choices.Tenure)
    abc_class = _choice_filter("abc_class", choices.AbcClass)
    value_tier = _choice_filter("value_tier", choices.ValueTier)
    lifecycle = _choice_filter("lifecycle", choices.Lifecycle)
    source = _choice_filter("source", choices.Source)
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.none(), field_name="tags", empty_label=_("Any tag")
    )
    province = django_filters.ChoiceFilter(label=_("Province"), choices=[], empty_label=_("Any"))

    class Meta:
        model = Customer
        fields = ["q", "owner", "owner_department", "tag", "province", *CLASSIFICATION_FILTERS]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.org_id = request.user.org_id
        # The base class has built the form already: its fields get the choices too.
        tags = Tag.objects.filter(org_id=self.org_id)
        self.filters["tag"].queryset = self.form.fields["tag"].queryset = tags
        province_choices = [("", _("Any")), *((p, p) for p in provinces())]
        self.filters["province"].extra["choices"] = self.form.fields["province"].choices = province_choices
        self.form.fields["q"].widget.attrs["aria-label"] = _("Search customers")
        for name in self.form.fields:
            if name != "q":
                self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, queryset, name, value):
        return queries.search(queryset, value, org_id=self.org_id)

    @property
    def active_count(self) -> int:
        """How many filters besides the search box are set (the "More filters" badge)."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.filters if name != "q" and self.data.get(name))
