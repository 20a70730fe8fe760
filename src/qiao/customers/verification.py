"""Data verification calls (CUS-5, seed 003 step 3): an office clerk calls each customer, introduces
themselves, says the call is to check the customer's details, confirms the shop name and the
address, asks for a mobile number when a landline was called, and notes the other side's gender
and attitude. The call is recorded and what it confirmed or corrected goes into the archive, in one
transaction, through the shared update service (optimistic locking, edit permission,
`prepare_customer`'s normalization and validation)."""

import re
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core import services as core_services

from . import chinese
from . import services as customer_services
from .errors import CustomerError
from .models import Customer, VerificationCall, choices

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def is_mobile(number: str) -> bool:
    """Whether a (Chinese) number is a mobile phone rather than a landline."""
    return bool(MOBILE.match(chinese.digits(chinese.normalize_phone(number) or number)))


# Archive fields the service writes → the names the call's form gives them.
FORM_FIELD_OF = {"name": "corrected_name", "address": "corrected_address", "mobile": "mobile"}


def _check(
    *,
    called_number: str,
    reached: bool,
    name_confirmed: bool,
    corrected_name: str,
    address_confirmed: bool,
    corrected_address: str,
    mobile: str,
    gender: str,
    attitude: str,
) -> tuple[str, dict]:
    """The number called in its normalized form, and the problems of the call's answers by field."""
    errors = {}
    normalized = chinese.normalize_phone(called_number) if called_number else None
    if not called_number:
        errors["called_number"] = ValidationError(_("Enter the number you called."), code="required")
    elif normalized is None:
        errors["called_number"] = ValidationError(
            _("“%(value)s” is not a valid phone number. Write it like 138 1234 5678 or 0571 8888 6666.")
            % {"value": called_number},
            code=CustomerError.INVALID_PHONE,
        )
    if reached:
        if mobile:
            # The archive's own check and message, so that every problem is named at once.
            customer_services._phone_or_error(SimpleNamespace(mobile=mobile), "mobile", errors)
        if not name_confirmed and not corrected_name:
            errors["corrected_name"] = ValidationError(
                _("Either confirm the shop name or write it as the customer gave it."), code="required"
            )
        if not address_confirmed and not corrected_address:
            errors["corrected_address"] = ValidationError(
                _("Either confirm the address or write it as the customer gave it."), code="required"
            )
        if gender not in choices.Gender.values:
            errors["gender"] = ValidationError(_("Note whether you spoke to a man or a woman."), code="required")
        if attitude not in choices.Attitude.values:
            errors["attitude"] = ValidationError(_("Note the customer's attitude on the call."), code="required")
    return normalized or called_number, errors


@transaction.atomic
def verification_call_record(
    *,
    actor,
    customer: Customer,
    version: int | None,
    called_number: str,
    reached: bool,
    name_confirmed: bool = False,
    corrected_name: str = "",
    address_confirmed: bool = False,
    corrected_address: str = "",
    mobile: str = "",
    gender: str = "",
    attitude: str = "",
    notes: str = "",
) -> VerificationCall:
    """Records a verification call on `customer` by `actor`, who must be able to edit it (404 when
    invisible, 403 when only visible). When someone answered, a corrected name or address and a
    new mobile go into the archive (the address is parsed again and the map position moves to the
    new district's centre), the boss's gender is filled in when unknown, and the customer counts as
    verified now. Problems raise ValidationError naming the form's fields; a stale `version` raises
    StaleVersion; either way nothing is saved."""
    core_services.require(actor, "edit", customer)
    corrected_name = " ".join((corrected_name or "").split())
    corrected_address = (corrected_address or "").strip()
    mobile = (mobile or "").strip()
    called_number, errors = _check(
        called_number=(called_number or "").strip(),
        reached=reached,
        name_confirmed=name_confirmed,
        corrected_name=corrected_name,
        address_confirmed=address_confirmed,
        corrected_address=corrected_address,
        mobile=mobile,
        gender=gender,
        attitude=attitude,
    )
    if errors:
        raise ValidationError(errors)
    if reached:
        data = {"last_verified_at": timezone.now()}
        if not name_confirmed and corrected_name != customer.name:
            data["name"] = corrected_name
        if not address_confirmed and corrected_address != customer.address:
            # Parsed again by prepare_customer, which also puts the customer at the new district's centre.
            data.update(address=corrected_address, province="", city="", district="", street="")
            data.update(latitude=None, longitude=None)
        if mobile:
            data["mobile"] = mobile
        if gender and not customer.boss_gender:
            data["boss_gender"] = gender
        try:
            core_services.main_object_update(actor=actor, obj=customer, data=data, version=version)
        except ValidationError as error:
            raise ValidationError(
                {FORM_FIELD_OF.get(field, field): messages for field, messages in error.error_dict.items()}
                if hasattr(error, "error_dict")
                else error
            ) from error
        mobile = customer.mobile if mobile else ""
    return VerificationCall.objects.create(
        org_id=customer.org_id,
        customer=customer,
        caller=actor,
        called_number=called_number,
        reached=reached,
        name_confirmed=bool(reached and name_confirmed),
        address_confirmed=bool(reached and address_confirmed),
        mobile=mobile if reached else "",
        gender=gender if reached else "",
        attitude=attitude if reached else "",
        notes=(notes or "").strip(),
    )


def verification_calls_visible_to(user):
    """The calls on customers `user` may see (they follow their customer's permissions)."""
    return VerificationCall.objects.filter(
        org_id=user.org_id, customer__in=Customer.objects.visible_to(user).values("pk")
    ).select_related("caller", "customer")
