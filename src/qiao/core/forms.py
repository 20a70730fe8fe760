from django.core.exceptions import ValidationError


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
                continue
            css = "form-select" if widget.__class__.__name__ in {"Select", "SelectMultiple"} else "form-control"
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
