from enum import StrEnum


class CustomerError(StrEnum):
    """Codes of the errors users see from the customer archive, leads and the pool."""

    INVALID_PHONE = "invalid_phone"
    INVALID_USCC = "invalid_uscc"
    DUPLICATE = "duplicate"
    NOT_AN_IMAGE = "not_an_image"
    IMAGE_TOO_LARGE = "image_too_large"
    INVALID_BIRTHDAY = "invalid_birthday"
    POOL_CLOSED = "pool_closed"
    NOT_IN_POOL = "not_in_pool"
    CLAIM_LIMIT = "claim_limit"
    LEAD_CONVERTED = "lead_converted"
    SPAM = "spam"
    MERGE_SAME = "merge_same"
    MERGE_UNDONE = "merge_undone"
