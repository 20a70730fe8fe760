from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class SalesError(StrEnum):
    """Codes of the errors users see from opportunities and stages (in API bodies as `code`)."""

    REQUIRED = "required"
    INVALID_PHONE = "invalid_phone"
    NOT_DRAFT = "not_draft"
    NOT_SUBMITTED = "not_submitted"
    NOT_RETURNED = "not_returned"
    NOT_CLASH = "not_clash"
    NOT_OPEN = "not_open"
    UNDER_REVIEW = "under_review"
    CLASH_LOCKED = "clash_locked"
    CLOSED = "closed"
    REGISTRATION_LOCKED = "registration_locked"
    OWN_REGISTRATION = "own_registration"
    NOT_REVIEWER = "not_reviewer"
    NOT_ADMIN = "not_admin"
    REASON_REQUIRED = "reason_required"
    STAGE_NOT_OPEN = "stage_not_open"
    NO_STAGES = "no_stages"
    STAGE_IN_USE = "stage_in_use"
    STAGE_NAME_TAKEN = "stage_name_taken"
    CONTRACT_REQUIRED = "contract_required"
    NO_CUSTOMER = "no_customer"
    CONTACT_NOT_OF_CUSTOMER = "contact_not_of_customer"
    STALE_VERSION = "stale_version"


class TransitionRefused(Exception):
    """A status change the opportunity's current state does not allow (or that someone else made
    first). The API answers 409 with `{"detail", "code"}`; pages show the message."""

    def __init__(self, message: str, code: SalesError):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


STALE_MESSAGE = _("Someone else changed this opportunity a moment ago. Reload it to see their change.")
