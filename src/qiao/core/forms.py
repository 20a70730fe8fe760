from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError next to the form fields it names, and the rest above
    the form, so the user sees every problem where it is."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class StyledFormMixin:
    """Gives every widget the UI kit's classes, and marks fields with errors as invalid, so that
    templates render fields uniformly with core/_form_fields.html."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if getattr(widget, "input_type", None) in {"checkbox", "radio"}:
                css = "form-check-input"  # lists of boxes are drawn box by box (core/_form_field.html)
            elif widget.__class__.__name__ in {"Select", "SelectMultiple"}:
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Every error, from clean() or from a service, passes here.
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                    attrs["aria-invalid"] = "true"


# The largest id a database integer column holds; a larger one is "not found", never a 500.
MAX_ID = 2**63 - 1


def form_errors_as_message(form) -> str:
    """A form's errors as one sentence, for a form posted from a panel of another page, whose
    answer is a redirect back with a message instead of the form shown again."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def whole_number(value, default: int | None = None) -> int | None:
    """A non-negative whole number typed into a query string or form (an id, a page, a version),
    or `default`. Only ASCII digits: `str.isdigit` also accepts "²", which `int` refuses (a 500),
    and nothing larger than a database integer holds."""
    text = str(value if value is not None else "")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        return default
    return int(text)


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A ValidationError naming the field it belongs to and carrying the error code."""
    return ValidationError({field: ValidationError(message, code=code)})


def error_codes(error: ValidationError) -> set[str]:
    """Every code inside a (possibly nested) ValidationError."""
    return (
        {e.code for e in error.error_list}
        if not hasattr(error, "error_dict")
        else {e.code for errors in error.error_dict.values() for e in errors}
    )


class MainObjectForm(StyledFormMixin, forms.ModelForm):
    """The four relations (PERM-2) and the version (NFR-2) on every main object's form; choices
    come from what the user can see."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    RELATION_FIELDS = ["owner", "owner_department", "related_users", "related_departments"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        from qiao.org.fields import DepartmentChoiceField
        from qiao.org.models import Department, User

        employees = User.objects.visible_to(actor).filter(is_active=True).order_by("full_name")
        departments = Department.objects.visible_to(actor)
        if "owner" in self.fields:
            self.fields["owner"].queryset = employees
            self.fields["owner"].help_text = _("Leave empty to put the record in the public pool.")
        if "owner_department" in self.fields:
            self.fields["owner_department"] = DepartmentChoiceField(
                queryset=departments,
                required=False,
                label=self.fields["owner_department"].label,
                help_text=_("Defaults to the owner's department."),
            )
            self.fields["owner_department"].widget.attrs["class"] = "form-select"
        for name, queryset in (("related_users", employees), ("related_departments", departments)):
            if name in self.fields:
                self.fields[name].queryset = queryset
                self.fields[name].widget.attrs.update({"data-enhance": "1", "class": "form-select"})
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        elif "owner" in self.fields:
            self.initial.setdefault("owner", actor.pk)

    def _post_clean(self):
        # The record is validated by the service inside its transaction, with the actor's scope.
        pass


class LookupSelect(forms.Select):
    """A drop-down that renders only the chosen record: the collection may hold thousands or a
    million, so qiao.js looks the others up as the user types (data-lookup: the API collection,
    which answers only with what the user may see; data-lookup-label: the field shown)."""

    def __init__(self, lookup_url, label_field: str = "name", attrs=None, *, empty_label="—"):
        super().__init__(attrs)
        self.empty_label = empty_label
        self.attrs.update(
            {
                "data-lookup": lookup_url,
                "data-lookup-label": label_field,
                "class": "form-select",
                "autocomplete": "off",
            }
        )

    def optgroups(self, name, value, attrs=None):
        chosen = [number for item in value if (number := whole_number(item)) is not None]
        queryset = self.choices.queryset.filter(pk__in=chosen) if chosen else []
        options = [self.create_option(name, "", self.empty_label, not chosen, 0)]
        options += [self.create_option(name, str(c.pk), str(c), True, i + 1) for i, c in enumerate(queryset)]
        return [(None, options, 0)]
