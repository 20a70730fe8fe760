"""The base of the REST API (SPEC API-1 … API-4): pagination, errors and the 409 for stale writes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from .ordering import in_one_order


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` (M ≤ 200) → `{"count", "next", "previous", "results"}`, in an order
    that ends with the primary key (core/ordering.py), whatever `?ordering=` asked for."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(in_one_order(queryset), request, view)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which every list uses, skipped when the request names none of the
    filters: building the filter form deep-copies each form field and widget, about 3 ms per
    request for the customer list, to filter nothing. A parameter counts as naming a filter when it
    starts with the filter's name, so range widgets' `<name>_min` / `<name>_after` still do."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(parameter.startswith(names) for parameter in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class Conflict(exceptions.APIException):
    """Someone else saved the record since the client read it (optimistic locking, NFR-2)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This record was changed by someone else. Reload it and apply your change again.")
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors raised by services, which become the same
    `{"field": ["message", …]}` 400 body as serializer errors instead of a 500, and a uniform 404."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                field if field != "__all__" else "non_field_errors": [str(m) for m in messages]
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        # Django's message names the model in English; the API answers in the request's language
        # and says no more than "not found" (API-4).
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
