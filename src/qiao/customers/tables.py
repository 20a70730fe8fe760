"""The customer list's table: every archive column, a few shown by default, the rest chosen by
each user (CUS-4: each classification is a column); exports always hold every column."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData

from qiao.core.tables import Table

from .models import Customer, choices

DEFAULT_COLUMNS = [
    "name",
    "phone",
    "city",
    "size",
    "cooperation_status",
    "abc_class",
    "tags",
    "owner",
    "created_at",
]
ALWAYS_SHOWN = {"name"}


class TagsColumn(tables.ManyToManyColumn):
    def render(self, value):
        tags = list(value.all())
        if not tags:
            return self.default
        return format_html_join(" ", '<span class="badge bg-azure-lt">{}</span>', ((tag.name,) for tag in tags))

    def value(self, value):
        return ", ".join(tag.name for tag in value.all())


class CustomerTable(Table):
    # The results are refreshed by htmx (sorting, pages); opening a customer is a whole page.
    name = tables.Column(
        linkify=("customers:detail", {"pk": tables.A("pk")}),
        attrs={"td": {"class": "qiao-name-cell"}, "a": {"hx-boost": "false"}},
    )
    tags = TagsColumn(orderable=False, verbose_name=_("Tags"))
    owner = tables.Column(default=_("Public pool"), order_by=("owner__full_name",))
    owner_department = tables.Column(order_by=("owner_department__path",))
    created_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT")
    updated_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT")
    last_followed_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT")
    last_verified_at = tables.DateTimeColumn(format="SHORT_DATE_FORMAT")

    class Meta:
        model = Customer
        fields = [
            "name",
            "short_name",
            "phone",
            "mobile",
            "email",
            "wechat",
            "unified_social_credit_code",
            "province",
            "city",
            "district",
            "address",
            "source",
            "industry",
            *choices.CLASSIFICATION_FIELDS,
            "tags",
            "boss_name",
            "preferred_channel",
            "owner",
            "owner_department",
            "last_followed_at",
            "last_verified_at",
            "created_at",
            "updated_at",
        ]
        order_by = ("-created_at",)
        attrs = {"class": "table table-vcenter card-table table-hover text-nowrap"}
        empty_text = _("No customer matches these filters.")

    def render_abc_class(self, value, record):
        return format_html('<span class="badge qiao-abc qiao-abc-{}">{}</span>', record.abc_class, value)

    def value_abc_class(self, value):
        return value

    def show_only(self, names) -> None:
        """Shows the columns `names` (and the name) and hides the others, for the page only."""
        for column in self.columns.iterall():
            if column.name in ALWAYS_SHOWN or column.name in names:
                self.columns.show(column.name)
            else:
                self.columns.hide(column.name)


def column_choices() -> list[tuple[str, str]]:
    """(name, label) of every column a user may show or hide."""
    table = CustomerTable(Customer.objects.none())
    return [(column.name, str(column.header)) for column in table.columns.iterall() if column.name not in ALWAYS_SHOWN]


class SearchResultsData(TableListData):
    """A search's results (customers/queries.py `SearchResults`) as the table's data, read a page at
    a time: django-tables2 makes a list of any data that is not a queryset, which read every match
    to show one page. They come newest first, the table's default order; the list uses them only
    when no other order is asked for."""

    def order_by(self, aliases):
        if tuple(aliases) not in ((), ("-created_at",)):
            raise ValueError(f"a search's results are read newest first, not by {aliases}")
