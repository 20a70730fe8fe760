"""The customer archive (CUS-1 … CUS-4, CUS-11): the main object sales teams live in."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qiao.core.models import MainObject, OrgOwned, SearchKeyField, Versioned

from ..chinese import NAME_KEY_LENGTH
from . import choices


class Birthday(models.Model):
    """A birthday as people give it: a solar or a lunar month and day, the year when known, and
    for a lunar birthday whether the month is a leap month (闰月). customers/birthdays.py turns
    it into this year's date."""

    birthday_calendar = models.CharField(
        _("birthday calendar"), max_length=8, choices=choices.BirthdayCalendar.choices, default="solar"
    )
    birthday_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    birthday_month = models.PositiveSmallIntegerField(
        _("birthday month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birthday_day = models.PositiveSmallIntegerField(
        _("birthday day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    birthday_leap_month = models.BooleanField(_("leap month"), default=False)

    class Meta:
        abstract = True

    @property
    def has_birthday(self) -> bool:
        return bool(self.birthday_month and self.birthday_day)


class Tag(OrgOwned):
    name = models.CharField(_("name"), max_length=40)
    color = models.CharField(_("colour"), max_length=16, default="blue")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="customers_tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Customer(Birthday, MainObject):
    # Identity and contact channels
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    unified_social_credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=64, blank=True)
    website = models.URLField(_("website"), blank=True)
    preferred_channel = models.CharField(
        _("preferred contact channel"), max_length=16, choices=choices.Channel.choices, blank=True
    )

    # Address, parsed from free text, and the map position (CUS-9)
    address = models.CharField(_("address"), max_length=255, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=32, blank=True)
    district = models.CharField(_("district"), max_length=32, blank=True)
    # As long as the address it is parsed from when left empty (services.fill_address).
    street = models.CharField(_("street"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # Classifications (CUS-4): each a filter, a column and a report dimension
    source = models.CharField(_("source"), max_length=20, choices=choices.Source.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    size = models.CharField(_("size"), max_length=12, choices=choices.Size.choices, blank=True)
    nature = models.CharField(_("nature"), max_length=20, choices=choices.Nature.choices, blank=True)
    cooperation_status = models.CharField(
        _("cooperation status"), max_length=20, choices=choices.CooperationStatus.choices, blank=True
    )
    volume = models.CharField(_("volume"), max_length=12, choices=choices.Volume.choices, blank=True)
    tenure = models.CharField(_("customer age"), max_length=12, choices=choices.Tenure.choices, blank=True)
    abc_class = models.CharField(_("ABC class"), max_length=1, choices=choices.AbcClass.choices, blank=True)
    value_tier = models.CharField(_("value tier"), max_length=8, choices=choices.ValueTier.choices, blank=True)
    lifecycle = models.CharField(_("lifecycle stage"), max_length=12, choices=choices.Lifecycle.choices, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="customers", blank=True)

    # Personal profile of the boss / key person (seed 003 step 10); the birthday comes from Birthday
    boss_name = models.CharField(_("boss / key person"), max_length=60, blank=True)
    boss_gender = models.CharField(_("gender"), max_length=8, choices=choices.Gender.choices, blank=True)
    boss_family = models.CharField(_("family"), max_length=200, blank=True)
    boss_occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    boss_income_band = models.CharField(_("income band"), max_length=60, blank=True)
    boss_education = models.CharField(_("education"), max_length=60, blank=True)
    boss_personality = models.CharField(_("personality and communication style"), max_length=200, blank=True)
    boss_hobbies = models.CharField(_("hobbies"), max_length=200, blank=True)
    boss_social_network = models.CharField(_("social network"), max_length=200, blank=True)

    # Business profile
    capital_strength = models.CharField(_("capital strength"), max_length=100, blank=True)
    budget = models.DecimalField(_("budget (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    sales_status = models.CharField(_("sales status"), max_length=200, blank=True)
    payment_record = models.CharField(_("payment record"), max_length=200, blank=True)
    management_level = models.CharField(_("management level"), max_length=100, blank=True)

    notes = models.TextField(_("notes"), blank=True)

    # Kept by services, never typed: search keys (CUS-6), duplicate keys (CUS-8), follow-up
    # dates for the public pool (CUS-12) and the last verification call (CUS-5).
    name_pinyin = SearchKeyField(max_length=400)
    name_initials = SearchKeyField(max_length=200)
    name_key = SearchKeyField(max_length=NAME_KEY_LENGTH)
    phone_digits = models.CharField(max_length=80, blank=True, editable=False)
    last_followed_at = models.DateTimeField(_("last follow-up"), null=True, blank=True, editable=False)
    last_deal_at = models.DateTimeField(_("last deal"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=["related_users", "related_departments", "tags"])

    class Meta(MainObject.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            *MainObject.Meta.indexes,
            models.Index(fields=["org", "name_key"], name="customers_customer_name_key"),
            models.Index(fields=["org", "unified_social_credit_code"], name="customers_customer_uscc"),
            # Duplicate checks look phones up as stored (normalized): bench/dedupe
            models.Index(fields=["org", "phone"], name="customers_customer_phone"),
            models.Index(fields=["org", "mobile"], name="customers_customer_mobile"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(Birthday, OrgOwned, Versioned):
    """A person at a customer (CUS-2). Seen and changed by whoever may see and change the customer
    (`contacts_visible_to`); deleting one only marks it, and the customer's page can bring it back."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=64, blank=True)
    communication_style = models.CharField(_("communication style"), max_length=200, blank=True)
    preferred_channel = models.CharField(
        _("preferred contact channel"), max_length=16, choices=choices.Channel.choices, blank=True
    )
    decision_role = models.CharField(
        _("decision role"), max_length=20, choices=choices.DecisionRole.choices, blank=True
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    phone_digits = models.CharField(max_length=80, blank=True, editable=False)
    name_pinyin = SearchKeyField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "pk"]

    def __str__(self) -> str:
        return self.name


def photo_path(photo, filename: str) -> str:
    return f"customers/{photo.org_id}/{photo.customer_id}/{photo.kind}-{filename}"


class CustomerPhoto(OrgOwned):
    """CUS-3: the storefront and owner photos (seed 003 step 9), and any others."""

    class Kind(models.TextChoices):
        STOREFRONT = "storefront", _("Storefront")
        OWNER = "owner", _("Owner")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    image = models.ImageField(_("photo"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["kind", "-uploaded_at"]


class VerificationCall(OrgOwned):
    """CUS-5: a data verification call following the seed's script, and what it confirmed."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="verification_calls")
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    called_at = models.DateTimeField(_("called at"), auto_now_add=True)
    called_number = models.CharField(_("number called"), max_length=32)
    reached = models.BooleanField(_("reached someone"), default=True)
    name_confirmed = models.BooleanField(_("shop name confirmed"), default=False)
    address_confirmed = models.BooleanField(_("address confirmed"), default=False)
    mobile = models.CharField(_("mobile (when a landline was called)"), max_length=32, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=choices.Gender.choices, blank=True)
    attitude = models.CharField(_("attitude"), max_length=10, choices=choices.Attitude.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("verification call")
        verbose_name_plural = _("verification calls")
        ordering = ["-called_at", "-pk"]
