from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import StyledFormMixin

from .fields import DepartmentChoiceField
from .models import Department, Role, User


class EmployeeForm(StyledFormMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("At least eight characters, not only digits, not a common password."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "department", "position", "phone", "email", "roles", "is_active"]
        field_classes = {"department": DepartmentChoiceField}
        widgets = {"roles": forms.CheckboxSelectMultiple}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.visible_to(actor)
        self.fields["department"].required = True
        self.fields["roles"].queryset = Role.objects.visible_to(actor).order_by("name")
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["password"].label = _("New password")
            self.fields["password"].help_text = _("Leave empty to keep the current password.")
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.instance)
        return password


class DepartmentForm(StyledFormMixin, forms.Form):
    """Adds a department, or renames and moves one (ORG-1). A plain form, not a ModelForm, so
    the instance stays untouched until the service has checked the change. The root department
    has no parent to choose."""

    name = forms.CharField(label=_("Name"), max_length=Department._meta.get_field("name").max_length)
    parent = DepartmentChoiceField(label=_("Parent department"), queryset=Department.objects.none())

    def __init__(self, *args, actor: User, department: Department | None = None, **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        if department is not None:
            initial.setdefault("name", department.name)
            initial.setdefault("parent", Department.objects.get_parent(department))
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["parent"].queryset = Department.objects.visible_to(actor)
        if department is not None and department.is_root():
            del self.fields["parent"]


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class PasswordChangeStyledForm(StyledFormMixin, PasswordChangeForm):
    pass


class HandoverForm(StyledFormMixin, forms.Form):
    successor = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    deactivate = forms.BooleanField(label=_("Deactivate the employee afterwards"), required=False, initial=True)

    def __init__(self, *args, actor: User, leaving: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            User.objects.visible_to(actor).filter(is_active=True).exclude(pk=leaving.pk).order_by("full_name")
        )
        self.fields["successor"].widget.attrs["data-enhance"] = "1"
