"""The customer archive's choice lists (CUS-1, CUS-4, LEAD-1): stable lower-case English codes in
the database and the API, translated labels on pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The classifications of CUS-4, in the order lists, filters, facets and the form show them.
CLASSIFICATION_FIELDS = (
    "size",
    "cooperation_status",
    "nature",
    "volume",
    "tenure",
    "abc_class",
    "value_tier",
    "lifecycle",
)


class Source(models.TextChoices):
    """Where a customer or lead came from (seed 003's prospecting channels, LEAD-1)."""

    ACQUAINTANCE = "acquaintance", _("Acquaintance")
    REFERRAL = "referral", _("Referral")
    COMPANY_LIST = "company_list", _("Company list")
    ASSOCIATION = "association", _("Association")
    TRADE_SHOW = "trade_show", _("Trade show")
    PHONE = "phone", _("Phone")
    MEDIA = "media", _("Newspaper / media")
    INTERNET = "internet", _("Internet directory")
    WALK_IN = "walk_in", _("Walk-in")
    HANDOVER = "handover", _("Predecessor handover")
    OTHER = "other", _("Other")


class Size(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")


class CooperationStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    LOW_PERFORMANCE = "low_performance", _("Low performance")
    HAS_PROBLEMS = "has_problems", _("Has problems")
    NOT_COOPERATING = "not_cooperating", _("Not cooperating")


class Nature(models.TextChoices):
    GOVERNMENT = "government", _("Government agency")
    SPECIAL_BUSINESS = "special_business", _("Special-business company")
    COMPANY = "company", _("Ordinary company")
    CONSUMER = "consumer", _("Consumer")
    PARTNER = "partner", _("Partner")


class Volume(models.TextChoices):
    KEY = "key", _("Key")
    GENERAL = "general", _("General")
    SCATTERED = "scattered", _("Scattered")


class Tenure(models.TextChoices):
    """CUS-4's classification "by time": customers of old, new, or the future (prospects)."""

    OLD = "old", _("Old customer")
    NEW = "new", _("New customer")
    FUTURE = "future", _("Future customer")


class AbcClass(models.TextChoices):
    A = "a", "A"
    B = "b", "B"
    C = "c", "C"


class ValueTier(models.TextChoices):
    HIGH = "high", _("High value")
    MEDIUM = "medium", _("Medium value")
    LOW = "low", _("Low value")


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    NEW = "new", _("New")
    ACTIVE = "active", _("Active / loyal")
    AT_RISK = "at_risk", _("At risk")
    LOST = "lost", _("Lost")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")


class BirthdayCalendar(models.TextChoices):
    SOLAR = "solar", _("Solar")
    LUNAR = "lunar", _("Lunar")


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Attitude(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
