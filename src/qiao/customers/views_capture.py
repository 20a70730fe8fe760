"""Lead capture forms (LEAD-4): the pages where employees with `lead.add` manage their forms, and the
public page at /f/<token>/ where visitors (at a trade show, from a QR code) leave their details —
no login, phone-sized, in Chinese or English. Spam is kept out without any outside service: a hidden
field that only robots fill in, a signed time stamp that must be old enough (nobody types a form in
two seconds) and young enough, and a limit of entries per address through the cache."""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from qiao.core.forms import StyledFormMixin, add_service_errors
from qiao.org.models import User

from .errors import CustomerError
from .leads import capture
from .models import CaptureForm, Lead

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 12 * 3600
# A trade-show hall shares one address among many visitors: generous, but a script stops quickly.
RATE_LIMIT_ENTRIES = 30
RATE_LIMIT_WINDOW_SECONDS = 600
SIGNING_SALT = "qiao.customers.capture"


# --- Management (employees with lead.add) ---------------------------------------------------------


class CaptureFormForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CaptureForm
        fields = ["title", "introduction", "source", "owner", "is_active"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "introduction": gettext_lazy("Shown above the form, e.g. what visitors get for leaving their details."),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        owners = User.objects.visible_to(actor).filter(is_active=True).order_by("full_name")
        if not actor.has_code("org.manage"):
            owners = owners.filter(pk=actor.pk)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = None
        if not self.instance.pk:
            self.initial.setdefault("owner", actor.pk)

    def _post_clean(self):
        pass  # validated by the service


def _forms_page_allowed(user) -> None:
    if not user.has_code("lead.add"):
        raise Http404


@login_required
def capture_form_list(request):
    _forms_page_allowed(request.user)
    capture_forms = list(capture.capture_forms_visible_to(request.user))
    visible_leads = Lead.objects.visible_to(request.user)
    for capture_form in capture_forms:
        capture_form.public_url = request.build_absolute_uri(reverse("capture_public", args=[capture_form.token]))
        capture_form.entries = visible_leads.filter(capture_form=capture_form).count()
    return render(request, "customers/capture_form_list.html", {"capture_forms": capture_forms})


@login_required
def capture_form_edit(request, pk: int | None = None):
    _forms_page_allowed(request.user)
    capture_form = None
    if pk is not None:
        capture_form = capture.capture_forms_visible_to(request.user).filter(pk=pk).first()
        if capture_form is None:
            raise Http404
    form = CaptureFormForm(request.POST or None, instance=capture_form, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            capture.capture_form_save(actor=request.user, data=form.cleaned_data, capture_form=capture_form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the form “%(title)s”.") % {"title": form.cleaned_data["title"]})
            return redirect("customers:capture_forms")
    return render(request, "customers/capture_form_edit.html", {"form": form, "capture_form": capture_form})


# --- The public page ------------------------------------------------------------------------------


class PublicLeadForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    company = forms.CharField(label=gettext_lazy("Company or shop"), max_length=200, required=False)
    title = forms.CharField(label=gettext_lazy("Your position"), max_length=60, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    wechat = forms.CharField(label=gettext_lazy("WeChat"), max_length=64, required=False)
    address = forms.CharField(label=gettext_lazy("City or address"), max_length=255, required=False)
    notes = forms.CharField(
        label=gettext_lazy("What are you interested in?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Robots fill in every field; people never see this one (hidden, out of the tab order).
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        label=gettext_lazy("Leave this field empty"),
    )
    started = forms.CharField(widget=forms.HiddenInput)


def stamp(token: str) -> str:
    """When the form was handed out, signed so that it cannot be forged or moved to another form."""
    return signing.dumps({"form": token, "at": time.time()}, salt=SIGNING_SALT)


def stamp_problem(value: str, token: str) -> str | None:
    """Why the form's time stamp does not pass: "forged", "expired" or "too_fast"; None if it does."""
    try:
        data = signing.loads(value, salt=SIGNING_SALT, max_age=MAX_FORM_AGE_SECONDS)
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "forged"
    if not isinstance(data, dict) or data.get("form") != token or not isinstance(data.get("at"), (int, float)):
        return "forged"
    age = time.time() - data["at"]
    if age > MAX_FORM_AGE_SECONDS:
        return "expired"
    if age < MIN_FILL_SECONDS:
        return "too_fast"
    return None


def client_address(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client says. Behind a proxy the
    # proxy sets REMOTE_ADDR (docs/deploy.md).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_rate_limit(request, token: str) -> bool:
    """Counts this entry for the address and form; True once the window's limit is passed."""
    key = f"qiao:capture:{token}:{client_address(request)}"
    cache.add(key, 0, RATE_LIMIT_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_LIMIT_WINDOW_SECONDS)
        count = 1
    return count > RATE_LIMIT_ENTRIES


@never_cache
def public_capture(request, token: str):
    capture_form = CaptureForm.objects.filter(token=token).select_related("owner", "org").first()
    if capture_form is None:
        raise Http404
    if not (capture_form.is_active and capture_form.owner.is_active):
        return render(request, "customers/capture_closed.html", {"capture_form": capture_form}, status=410)
    if request.GET.get("sent") == "1":
        return render(request, "customers/capture_thanks.html", {"capture_form": capture_form})
    form = PublicLeadForm(request.POST or None, initial={"started": stamp(token)})
    status = 200
    if request.method == "POST":
        if over_rate_limit(request, token):
            form.add_error(
                None,
                ValidationError(
                    _("Too many entries from your network just now. Please try again in a few minutes."),
                    code=CustomerError.SPAM,
                ),
            )
            status = 429
        elif form.is_valid():
            problem = stamp_problem(form.cleaned_data["started"], token)
            if form.cleaned_data["website"] or problem == "forged":
                # A robot: it is told that all went well, and nothing is created.
                return redirect(f"{request.path}?sent=1")
            if problem:
                message = (
                    _("The form had been open too long; please send it again.")
                    if problem == "expired"
                    else _("That was quick! Please check your details and send them again.")
                )
                form.add_error(None, ValidationError(message, code=CustomerError.SPAM))
            else:
                try:
                    capture.lead_capture_as_system(capture_form=capture_form, data=form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    return redirect(f"{request.path}?sent=1")
        if form.errors:
            # A fresh stamp for the next try: the time counts from now.
            form.data = form.data.copy()
            form.data["started"] = stamp(token)
    return render(
        request,
        "customers/capture_public.html",
        {"capture_form": capture_form, "form": form},
        status=status,
    )
