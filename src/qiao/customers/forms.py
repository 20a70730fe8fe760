"""Forms of the customer archive: the customer with every field of the standard archive in the
sections people fill them in (CUS-1), and a contact (CUS-2). Validation that needs the rules of
the archive (phones, credit codes, birthdays, addresses) is the services' job: their errors come
back next to the fields they name."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import MainObjectForm, StyledFormMixin

from .models import Contact, Customer, Tag, choices


class TagsField(forms.MultipleChoiceField):
    """Tags by name: the organization's tags to pick from, and new names typed into the box
    (Tom Select's "create"), which the service turns into new tags."""

    widget = forms.SelectMultiple

    def valid_value(self, value) -> bool:
        return True  # a new name is as welcome as an existing one

    def clean(self, value):
        names = []
        for name in super().clean(value) or []:
            name = " ".join(str(name).split())
            if len(name) > 40:
                raise forms.ValidationError(
                    _("A tag has at most 40 characters: “%(name)s” is longer."),
                    code="tag_too_long",
                    params={"name": name},
                )
            if name and name not in names:
                names.append(name)
        return names


BIRTHDAY_FIELDS = ["birthday_calendar", "birthday_year", "birthday_month", "birthday_day", "birthday_leap_month"]


class Section:
    """A titled group of fields on the form and on the customer's page; `widths` gives a field a
    wider column than the default third of a row."""

    def __init__(self, key: str, title, icon: str, fields: list[str], widths: dict | None = None, hint=None):
        self.key, self.title, self.icon, self.fields, self.widths, self.hint = (
            key,
            title,
            icon,
            fields,
            widths or {},
            hint,
        )


SECTIONS = [
    Section(
        "identity",
        _("Identity and channels"),
        "id-badge-2",
        [
            "name",
            "short_name",
            "unified_social_credit_code",
            "phone",
            "mobile",
            "email",
            "wechat",
            "website",
            "preferred_channel",
        ],
        widths={
            "name": "col-md-8",
            "unified_social_credit_code": "col-md-6",
            "phone": "col-md-3",
            "mobile": "col-md-3",
        },
    ),
    Section(
        "address",
        _("Address"),
        "map-pin",
        ["address", "province", "city", "district", "street", "latitude", "longitude"],
        widths={"address": "col-12", "street": "col-md-6", "latitude": "col-md-3", "longitude": "col-md-3"},
        hint=_(
            "Type the address as you would on an envelope; province, city, district and street are filled "
            "from it when you leave them empty, and the map position from the district."
        ),
    ),
    Section(
        "classification",
        _("Classification"),
        "category",
        [
            "source",
            "industry",
            *choices.CLASSIFICATION_FIELDS,
            "tags",
        ],
        widths={"tags": "col-12"},
    ),
    Section(
        "boss",
        _("Boss / key person"),
        "user-star",
        [
            "boss_name",
            "boss_gender",
            *BIRTHDAY_FIELDS,
            "boss_family",
            "boss_occupation",
            "boss_income_band",
            "boss_education",
            "boss_personality",
            "boss_hobbies",
            "boss_social_network",
        ],
        widths={
            "birthday_calendar": "col-md-3",
            "birthday_year": "col-md-2",
            "birthday_month": "col-md-2",
            "birthday_day": "col-md-2",
            "birthday_leap_month": "col-md-3",
            "boss_personality": "col-md-6",
            "boss_hobbies": "col-md-6",
            "boss_family": "col-md-6",
            "boss_social_network": "col-md-6",
        },
    ),
    Section(
        "business",
        _("Business profile"),
        "building-bank",
        ["capital_strength", "budget", "sales_status", "payment_record", "management_level"],
        widths={"sales_status": "col-md-6", "payment_record": "col-md-6"},
    ),
    Section("notes", _("Notes"), "notes", ["notes"], widths={"notes": "col-12"}),
    Section(
        "team",
        _("Owner and team"),
        "users-group",
        MainObjectForm.RELATION_FIELDS,
        widths={
            "owner": "col-md-6",
            "owner_department": "col-md-6",
            "related_users": "col-md-6",
            "related_departments": "col-md-6",
        },
    ),
]

ADDRESS_PARTS = ["province", "city", "district", "street", "latitude", "longitude"]


class BirthdayFormMixin:
    """The calendar of a birthday defaults to the solar one when the field is left out."""

    def clean_birthday_calendar(self):
        return self.cleaned_data.get("birthday_calendar") or "solar"


class CustomerForm(BirthdayFormMixin, MainObjectForm):
    tags = TagsField(label=_("Tags"), required=False)
    website = forms.URLField(
        label=capfirst(Customer._meta.get_field("website").verbose_name), required=False, assume_scheme="https"
    )
    # Only on a new customer: lifts the duplicate check's refusal (CUS-8).
    confirm_not_duplicate = forms.BooleanField(label=_("This is a different customer; save anyway"), required=False)

    class Meta:
        model = Customer
        fields = [name for section in SECTIONS for name in section.fields]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(attrs={"placeholder": _("e.g. 浙江省杭州市西湖区文三路 398 号")}),
            "unified_social_credit_code": forms.TextInput(
                attrs={"placeholder": "91330106MA2XXXXXXX", "autocomplete": "off", "spellcheck": "false"}
            ),
            "phone": forms.TextInput(attrs={"placeholder": _("e.g. 0571 8888 6666"), "inputmode": "tel"}),
            "mobile": forms.TextInput(attrs={"placeholder": _("e.g. 138 1234 5678"), "inputmode": "tel"}),
            "email": forms.TextInput(attrs={"inputmode": "email"}),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "birthday_year": forms.NumberInput(attrs={"placeholder": _("optional")}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        tag_names = list(Tag.objects.filter(org_id=actor.org_id).values_list("name", flat=True))
        if self.instance.pk:
            current = [tag.name for tag in self.instance.tags.all()]
            self.initial["tags"] = current
            tag_names += [name for name in current if name not in tag_names]
        self.fields["tags"].choices = [(name, name) for name in tag_names]
        self.fields["tags"].widget.attrs.update(
            {"data-enhance": "1", "data-create": "1", "class": "form-select", "placeholder": _("Pick or type new tags")}
        )
        self.fields["tags"].help_text = _("Type a new name and press Enter to add a tag.")
        for name in ("related_users", "related_departments"):
            self.fields[name].widget.attrs["placeholder"] = _("Nobody")
        self.fields["name"].widget.attrs["autofocus"] = not self.instance.pk
        self.fields["birthday_calendar"].required = False
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"step": "0.000001"})
        if self.instance.pk:
            del self.fields["confirm_not_duplicate"]

    def sections(self):
        """The form's sections, each with its bound fields and their column widths."""
        for section in SECTIONS:
            fields = [
                (self[name], section.widths.get(name, "col-md-4"))
                for name in section.fields
                if name in self.fields and not self.fields[name].widget.is_hidden
            ]
            yield {
                "section": section,
                "fields": fields,
                "has_errors": any(bound.errors for bound, _width in fields),
            }

    def clean(self):
        data = super().clean()
        # As the field's help says: no department chosen means the owner's (PERM-2).
        if not data.get("owner_department") and data.get("owner") is not None:
            data["owner_department"] = data["owner"].department
        # A new address replaces the parts parsed from the old one unless they were changed too,
        # so that the service fills them again from the new address.
        address_alone = not any(name in self.changed_data for name in ADDRESS_PARTS)
        if self.instance.pk and "address" in self.changed_data and address_alone:
            for name in ADDRESS_PARTS:
                data[name] = None if name in ("latitude", "longitude") else ""
        return data


CONTACT_FIELDS = [
    "name",
    "title",
    "phone",
    "mobile",
    "email",
    "wechat",
    "decision_role",
    "preferred_channel",
    *BIRTHDAY_FIELDS,
    "communication_style",
    "is_primary",
    "notes",
]


class ContactForm(BirthdayFormMixin, StyledFormMixin, forms.ModelForm):
    """A contact of a customer (CUS-2); `contact_save` validates and normalizes."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "mobile": forms.TextInput(attrs={"inputmode": "tel"}),
            "email": forms.TextInput(attrs={"inputmode": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        prefix = f"contact-{self.instance.pk or 'new'}"
        self.auto_id = f"{prefix}-%s"
        self.fields["birthday_calendar"].required = False

    def _post_clean(self):
        # contact_save validates inside its transaction.
        pass

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
