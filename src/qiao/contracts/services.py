"""Writes to contracts (CON-1): the shared main-object writes, with the contract's own rules — a
customer and an amount, a number no other contract of the organization has (the recycle bin's
included: restoring one must not make two), the end not before the start, and a signed file of an
accepted type and size."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qiao.core import services as core_services
from qiao.core.attachments import MAX_ATTACHMENT_BYTES
from qiao.core.forms import field_error

from .errors import ContractError
from .models import Contract

# Scans and photos of the signed paper, the PDF or OFD (China's e-document format) of an e-signed
# one, the Word file it was drafted in, or all of that zipped.
SIGNED_FILE_SUFFIXES = {".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".webp", ".doc", ".docx", ".zip"}


def prepare_contract(contract: Contract) -> None:
    """The prepare hook of the contract type: runs in every create and update."""
    errors = {}
    contract.number = " ".join((contract.number or "").split())
    if not contract.number:
        errors["number"] = ValidationError(_("Give the contract number."), code=ContractError.REQUIRED)
    elif Contract.all_objects.filter(org_id=contract.org_id, number=contract.number).exclude(pk=contract.pk).exists():
        errors["number"] = ValidationError(
            _("Another contract (perhaps one in the recycle bin) has the number %(number)s.")
            % {"number": contract.number},
            code=ContractError.NUMBER_TAKEN,
        )
    if contract.customer_id is None:
        errors["customer"] = ValidationError(_("Choose the customer who signed."), code=ContractError.REQUIRED)
    elif contract.customer.org_id != contract.org_id:
        errors["customer"] = ValidationError(_("Unknown customer."), code="invalid")
    if contract.opportunity_id is not None and "customer" not in errors:
        opportunity = contract.opportunity
        if opportunity.org_id != contract.org_id:
            errors["opportunity"] = ValidationError(_("Unknown opportunity; choose one you can see."), code="invalid")
        elif opportunity.customer_id is not None and opportunity.customer_id != contract.customer_id:
            errors["opportunity"] = ValidationError(
                _("The opportunity “%(opportunity)s” is another customer's; choose one of %(customer)s.")
                % {"opportunity": opportunity, "customer": contract.customer},
                code=ContractError.OPPORTUNITY_CUSTOMER,
            )
    if contract.amount is None:
        errors["amount"] = ValidationError(_("Give the contract amount."), code=ContractError.REQUIRED)
    if contract.sign_date is None:
        errors["sign_date"] = ValidationError(_("Give the signing date."), code=ContractError.REQUIRED)
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        errors["end_date"] = ValidationError(_("The contract cannot end before it starts."), code=ContractError.DATES)
    upload = contract.signed_file
    if upload and not getattr(upload, "_committed", True):  # a new upload, not the stored file
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in SIGNED_FILE_SUFFIXES:
            errors["signed_file"] = ValidationError(
                _("A signed contract is a PDF, OFD, image, Word document or ZIP file, not “%(suffix)s”.")
                % {"suffix": suffix or _("(none)")},
                code=ContractError.FILE_TYPE,
            )
        elif upload.size > MAX_ATTACHMENT_BYTES:
            errors["signed_file"] = ValidationError(
                _("The file is larger than %(limit)d MB.") % {"limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
                code=ContractError.FILE_TOO_LARGE,
            )
        else:
            contract.signed_file_name = PurePath(upload.name).name[:255]
    if errors:
        raise ValidationError(errors)


def _guard_number(write):
    """Two contracts saved with the same number at the same moment: the database's constraint
    decides, and the loser gets the same message as a sequential duplicate."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as error:
        if "contract_number_unique_in_org" not in str(error) and "number" not in str(error):
            raise
        raise ValidationError(
            {"number": ValidationError(_("Another contract has this number."), code=ContractError.NUMBER_TAKEN)}
        ) from error


def _require_visible_opportunity(actor, data: dict, current=None) -> None:
    """A contract names only an opportunity its author can see (PERM-3); one kept from before by an
    edit is not asked again. Invisible and missing read alike."""
    opportunity = data.get("opportunity")
    if opportunity is None or (current is not None and opportunity.pk == current.opportunity_id):
        return
    from qiao.sales.models import Opportunity

    if not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise field_error(
            "opportunity", _("Unknown opportunity; choose one you can see."), ContractError.OPPORTUNITY_UNKNOWN
        )


@transaction.atomic
def contract_create(*, actor, data: dict) -> Contract:
    _require_visible_opportunity(actor, data)
    return _guard_number(lambda: core_services.main_object_create(actor=actor, model=Contract, data=data))


@transaction.atomic
def contract_update(*, actor, contract: Contract, data: dict, version: int | None = None) -> Contract:
    _require_visible_opportunity(actor, data, contract)
    return _guard_number(
        lambda: core_services.main_object_update(actor=actor, obj=contract, data=data, version=version)
    )
