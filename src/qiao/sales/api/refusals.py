"""Service refusals as API answers: 409 for a state or version conflict, 400 for a registration
the organization cannot take; shared by the opportunities' and competitors' viewsets."""

import contextlib

from rest_framework import exceptions, status

from qiao.core.services import StaleVersion

from ..errors import STALE_MESSAGE, SalesError, TransitionRefused


class StateConflict(exceptions.APIException):
    """409: the opportunity's state does not allow this now (or someone else changed it first)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@contextlib.contextmanager
def refusals():
    """Service refusals as API answers: state and version conflicts 409 with a code; validation
    errors 400 `{"field": [...]}` (the core handler's shape)."""
    try:
        yield
    except StaleVersion as error:
        raise StateConflict({"detail": str(STALE_MESSAGE), "code": SalesError.STALE_VERSION.value}) from error
    except TransitionRefused as error:
        raise StateConflict({"detail": str(error.message), "code": error.code.value}) from error


@contextlib.contextmanager
def creation_refusals():
    """A registration the organization cannot take now (e.g. it has no open sales stage, OPP-4):
    there is no existing state to conflict with, so it is invalid input, 400 `{"non_field_errors":
    [...]}` with the service's message, never a 500 (API-4)."""
    try:
        yield
    except TransitionRefused as error:
        raise exceptions.ValidationError({"non_field_errors": [str(error.message)]}, code=error.code.value) from error
