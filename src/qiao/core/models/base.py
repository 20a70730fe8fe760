"""The base of every main object (customer, opportunity, contract, …): the organization, the four
relations of PERM-2, the version for optimistic locking (NFR-2), soft delete for the recycle bin
(PERM-11) and per-record history (CUS-11, NFR-3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..permissions import engine
from ..permissions.condition import piecewise_count, piecewise_first_ids

LIVE = models.Q(deleted_at__isnull=True)

# A list that counted at most this many records is paged relation by relation: the first rows of
# each piece of the scope, then the page among them (permissions/condition.py). Above it the
# records are dense enough that walking the newest-first index meets a page soon (bench/permissions).
FEW_ENOUGH_TO_PAGE_BY_PIECES = 2000


class ScopedQuerySet(models.QuerySet):
    # What count() found piece by piece, for the page that paginators slice from this same queryset
    # next. A copy (filtered, ordered …) is a new object without it: its count may differ.
    _piecewise_count = None

    def visible_to(self, user, action: str = "view", *, include_deleted: bool = False):
        return engine.visible_to(self, user, action, include_deleted=include_deleted)

    def count(self) -> int:
        """Counts a permission-filtered list relation by relation (permissions/condition.py):
        the same number, without reading every record of the organization."""
        if self._result_cache is None:
            count = piecewise_count(self.query, using=self.db)
            if count is not None:
                self._piecewise_count = count
                return count
        return super().count()

    def __getitem__(self, key):
        """A page of a list that counted few records is read among the first rows of each
        relation (permissions/condition.py `piecewise_first_ids`): the same rows in the same
        order, without walking the organization's records to find them. (Where the order ties
        rows, either path gives one of the pages the order allows.)"""
        counted_few = self._piecewise_count is not None and self._piecewise_count <= FEW_ENOUGH_TO_PAGE_BY_PIECES
        a_page = isinstance(key, slice) and key.stop is not None and key.stop > 0 and not key.step
        if counted_few and a_page and self._result_cache is None:
            first_ids = piecewise_first_ids(self.query, key.stop, using=self.db)
            if first_ids is not None:
                return self.filter(pk__in=first_ids)[key]
        return super().__getitem__(key)


class LiveManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Hides records in the recycle bin; `all_objects` sees them (the bin, restore, purge)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class OrgOwned(models.Model):
    org = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+", editable=False)

    class Meta:
        abstract = True


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = LiveManager()
    all_objects = AllObjectsManager()

    class Meta:
        abstract = True


class MainObject(OrgOwned, Versioned):
    """Subclasses add `history = HistoricalRecords()` and their own fields, and register with
    `permissions.register_object_type` in their app's ready()."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    related_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("related employees"), related_name="+", blank=True
    )
    related_departments = models.ManyToManyField(
        "org.Department", verbose_name=_("related departments"), related_name="+", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True
        # Partial indexes of the live records, one per relation branch of the permission engine
        # and one for the newest-first page: counting a department's records reads only the
        # index (bench/permissions). The foreign keys keep their own full indexes for the
        # recycle bin and for PROTECT checks.
        indexes = [
            models.Index(
                fields=[*columns, "-created_at"], condition=LIVE, name=f"%(app_label)s_%(class)s_live_{suffix}"
            )
            for suffix, columns in (("own", ["org", "owner"]), ("dep", ["org", "owner_department"]), ("new", ["org"]))
        ]
